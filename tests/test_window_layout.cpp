// The window on a laptop screen: at 1366x768 and 1024x640 its frame lies inside the screen, every dock shows
// at least its content's minimum, the generation panel scrolls inside itself, the transport bar overflows
// instead of widening the window, and View > Reset layout brings back the default arrangement (also over a
// stale saved layout). Runs on the offscreen platform with two screens of those sizes (see main below).
#include "ui/panels/generation_panel.h"
#include "ui/panels/step_controls.h"
#include "ui/window/dock_layout.h"
#include "ui/window/gui_options.h"
#include "ui/window/mainwindow.h"
#include "tests/support/window_parts.h"
#include "ui/views/canvas_legend.h"
#include "ui/window/window_menus.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QFile>
#include <QMenu>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

#include <qcustomplot.h>

using namespace dlm;
using dlm::testing::parts;

namespace {

QScreen *screenOfSize(const QSize &size)
{
    for (QScreen *s : QGuiApplication::screens()) {
        if (s->geometry().size() == size)
            return s;
    }
    return nullptr;
}

/** A window opened on `screen` the way the program opens one: sized to it, default arrangement, shown. */
void openOn(MainWindow &w, QScreen *screen)
{
    w.setScreen(screen);
    w.fitToScreen(true);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QCoreApplication::processEvents();
}

/** Why some visible dock shows less than its content's minimum; empty when none does. */
QString crampedDock(const MainWindow &w)
{
    for (QDockWidget *dock : parts(w).dockLayout()->docks()) {
        if (!dock->isVisible() || dock->visibleRegion().isEmpty())
            continue; // a tab behind another
        const QWidget *content = dock->widget();
        const QSize need = content->minimumSizeHint().expandedTo(content->minimumSize());
        if (content->width() < need.width() || content->height() < need.height())
            return QStringLiteral("%1 is %2x%3, its content needs %4x%5")
                .arg(dock->objectName())
                .arg(content->width())
                .arg(content->height())
                .arg(need.width())
                .arg(need.height());
    }
    return {};
}

/** Each part's minimum, for failure messages. */
QString minimumSizes(const MainWindow &w)
{
    QStringList parts;
    const auto add = [&](const QString &name, const QWidget *widget) {
        const QSize m = widget->minimumSizeHint().expandedTo(widget->minimumSize());
        parts << QStringLiteral("%1 %2x%3").arg(name).arg(m.width()).arg(m.height());
    };
    add(QStringLiteral("centre"), w.centralWidget());
    add(QStringLiteral("controls"), testing::parts(w).stepControls());
    for (QDockWidget *dock : testing::parts(w).dockLayout()->docks())
        add(dock->objectName(), dock->widget());
    return parts.join(QStringLiteral(", "));
}

/** A plot legend item that sticks out of its plot, or a canvas legend shorter than its wrapped lines. */
QString clippedLegend(MainWindow &w)
{
    for (QCustomPlot *plot : w.findChildren<QCustomPlot *>()) {
        if (!plot->isVisible() || !plot->legend || !plot->legend->visible())
            continue;
        plot->replot();
        for (int i = 0; i < plot->legend->itemCount(); ++i) {
            const QCPAbstractLegendItem *item = plot->legend->item(i);
            // Squeezed below its minimum an entry's text is cut; outside the plot it is not drawn.
            if (item
                && (!plot->rect().contains(item->outerRect())
                    || item->outerRect().width() < item->minimumOuterSizeHint().width()))
                return QStringLiteral("a legend entry of a %1 px wide plot ends at %2")
                    .arg(plot->width())
                    .arg(item->outerRect().right());
        }
    }
    CanvasLegend *legend = w.findChild<CanvasLegend *>();
    if (legend->height() < legend->heightForWidth(legend->width())
        || legend->width() < legend->minimumSizeHint().width())
        return QStringLiteral("the canvas legend is %1x%2, its lines need %3 px")
            .arg(legend->width())
            .arg(legend->height())
            .arg(legend->heightForWidth(legend->width()));
    return {};
}

bool isTabbed(const MainWindow &w, const QString &a, const QString &b)
{
    return w.tabifiedDockWidgets(parts(w).dockLayout()->dock(a)).contains(parts(w).dockLayout()->dock(b));
}

} // namespace

class TestWindowLayout : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fitsTheScreen_data()
    {
        QTest::addColumn<QSize>("screen");
        QTest::addColumn<bool>("compact");
        QTest::newRow("1366x768") << QSize(1366, 768) << false;
        QTest::newRow("1024x640") << QSize(1024, 640) << true;
    }

    void fitsTheScreen()
    {
        QFETCH(QSize, screen);
        QFETCH(bool, compact);
        QScreen *s = screenOfSize(screen);
        QVERIFY2(s, "the offscreen platform did not give the test's screens");
        MainWindow w;
        openOn(w, s);
        QVERIFY2(s->availableGeometry().contains(w.frameGeometry()),
            qPrintable(QStringLiteral("frame %1,%2 %3x%4 on a %5x%6 screen")
                           .arg(w.frameGeometry().x())
                           .arg(w.frameGeometry().y())
                           .arg(w.frameGeometry().width())
                           .arg(w.frameGeometry().height())
                           .arg(screen.width())
                           .arg(screen.height())
                + QStringLiteral("; minimum %1x%2: ").arg(w.minimumSizeHint().width()).arg(w.minimumSizeHint().height())
                + minimumSizes(w)));
        const QString cramped = crampedDock(w);
        QVERIFY2(cramped.isEmpty(), qPrintable(cramped));
        const QString clipped = clippedLegend(w);
        QVERIFY2(clipped.isEmpty(), qPrintable(clipped));
        for (QDockWidget *dock : parts(w).dockLayout()->docks())
            QVERIFY2(!dock->isFloating() && !dock->isHidden(), qPrintable(dock->objectName()));
        QCOMPARE(isTabbed(w, QStringLiteral("inspectorDock"), QStringLiteral("decisionDock")), compact);
        // The canvas (where the text grows) keeps a useful share of the window.
        QVERIFY(w.centralWidget()->width() >= screen.width() / 3);
    }

    void minimumSizeFitsASmallLaptop()
    {
        MainWindow w;
        openOn(w, screenOfSize(QSize(1024, 640)));
        QVERIFY2(w.minimumSizeHint().width() <= 1024 && w.minimumSizeHint().height() <= 640,
            qPrintable(QStringLiteral("minimum %1x%2 (%3)")
                           .arg(w.minimumSizeHint().width())
                           .arg(w.minimumSizeHint().height())
                           .arg(minimumSizes(w))));
    }

    void extraSpaceGoesToTheData()
    {
        // At 1920x1080 the heatmap and the canvas get the room, not the side panels.
        MainWindow w;
        openOn(w, screenOfSize(QSize(1920, 1080)));
        const QWidget *heatmap = parts(w).dockLayout()->dock(QStringLiteral("heatmapDock"))->widget();
        QVERIFY2(heatmap->height() >= 300, qPrintable(QString::number(heatmap->height())));
        QVERIFY(w.centralWidget()->width() > parts(w).dockLayout()->dock(QStringLiteral("generationDock"))->width());
        QVERIFY(w.centralWidget()->width() > parts(w).dockLayout()->dock(QStringLiteral("inspectorDock"))->width());
    }

    void generationPanelScrollsInside()
    {
        // However short the dock, the panel's form keeps its rows: the dock scrolls rather than squeezing them.
        MainWindow w;
        openOn(w, screenOfSize(QSize(1024, 640)));
        GenerationPanel *panel = parts(w).generationPanel();
        QScrollArea *scroll = panel->findChild<QScrollArea *>();
        QVERIFY(scroll);
        QWidget *form = scroll->widget();
        QVERIFY(form->height() >= form->minimumSizeHint().height());
        QVERIFY(panel->minimumSizeHint().height() < 300);
    }

    void resetLayoutRestoresTheDefault()
    {
        MainWindow w;
        openOn(w, screenOfSize(QSize(1366, 768)));
        DockLayout *docks = parts(w).dockLayout();
        QDockWidget *panel = docks->dock(QStringLiteral("generationDock"));
        QDockWidget *heatmap = docks->dock(QStringLiteral("heatmapDock"));
        const int panelWidth = panel->width();
        // What a user might do: float one dock, close another, move a third to another side.
        panel->setFloating(true);
        docks->dock(QStringLiteral("plotsDock"))->close();
        w.addDockWidget(Qt::LeftDockWidgetArea, heatmap);
        QVERIFY(parts(w).menus()->resetLayoutAction());
        QVERIFY(parts(w).menus()->viewMenu()->actions().contains(parts(w).menus()->resetLayoutAction()));
        parts(w).menus()->resetLayoutAction()->trigger();
        QCoreApplication::processEvents();
        for (QDockWidget *dock : docks->docks())
            QVERIFY2(dock->isVisible() && !dock->isFloating(), qPrintable(dock->objectName()));
        QCOMPARE(w.dockWidgetArea(panel), Qt::LeftDockWidgetArea);
        QCOMPARE(w.dockWidgetArea(heatmap), Qt::BottomDockWidgetArea);
        QCOMPARE(w.dockWidgetArea(docks->dock(QStringLiteral("decisionDock"))), Qt::RightDockWidgetArea);
        QVERIFY(qAbs(panel->width() - panelWidth) <= 8);
        QVERIFY(crampedDock(w).isEmpty());
    }

    void staleSavedLayoutIsIgnored()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("settings.ini"));
        {
            QSettings settings(file, QSettings::IniFormat);
            settings.beginGroup(QStringLiteral("window"));
            settings.setValue(QStringLiteral("layoutVersion"), DockLayout::kVersion - 1);
            settings.setValue(QStringLiteral("state"), QByteArray("not a state from this version"));
            // A window saved on a bigger screen.
            settings.setValue(QStringLiteral("geometry"), QByteArray());
        }
        MainWindow w;
        w.setScreen(screenOfSize(QSize(1366, 768)));
        QSettings settings(file, QSettings::IniFormat);
        w.restoreSettings(settings);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        for (QDockWidget *dock : parts(w).dockLayout()->docks())
            QVERIFY2(dock->isVisible() && !dock->isFloating(), qPrintable(dock->objectName()));
        QVERIFY(crampedDock(w).isEmpty());
    }

    void floatingADockDoesNotWidenTheWindow()
    {
        MainWindow w;
        QScreen *s = screenOfSize(QSize(1366, 768));
        openOn(w, s);
        const QSize before = w.size();
        parts(w).dockLayout()->dock(QStringLiteral("generationDock"))->setFloating(true);
        QCoreApplication::processEvents();
        QVERIFY(w.width() <= before.width());
        QVERIFY(s->availableGeometry().contains(w.frameGeometry()));
    }

    void sizeOption_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QSize>("size"); // invalid: refused
        QTest::newRow("laptop") << QStringLiteral("1366x768") << QSize(1366, 768);
        QTest::newRow("small") << QStringLiteral("1024x640") << QSize(1024, 640);
        QTest::newRow("no x") << QStringLiteral("1366") << QSize();
        QTest::newRow("words") << QStringLiteral("widexhigh") << QSize();
        QTest::newRow("too small") << QStringLiteral("320x200") << QSize();
        QTest::newRow("three parts") << QStringLiteral("1x2x3") << QSize();
    }

    void sizeOption()
    {
        QFETCH(QString, value);
        QFETCH(QSize, size);
        const auto parsed = parseGuiOptions({QStringLiteral("dlmstudio"), QStringLiteral("--size"), value});
        QCOMPARE(parsed.ok(), size.isValid());
        if (parsed.ok()) {
            QCOMPARE(parsed->windowSize, size);
        } else {
            QVERIFY2(parsed.error().rfind("--size: '" + value.toStdString() + "'", 0) == 0, parsed.error().c_str());
            QVERIFY(parsed.error().find('\n') == std::string::npos);
        }
    }

    void transportBarOverflows()
    {
        // Squeezed, the bar hides what does not fit behind its extension button instead of widening the window.
        MainWindow w;
        openOn(w, screenOfSize(QSize(1024, 640)));
        StepControls *controls = parts(w).stepControls();
        QVERIFY(controls->minimumSizeHint().width() < 300);
    }
};

int main(int argc, char **argv)
{
    // Three screens side by side, each a common laptop or desktop size; the offscreen platform reads them from a
    // JSON file named in the platform's arguments.
    QTemporaryDir dir;
    const QString config = dir.filePath(QStringLiteral("screens.json"));
    QFile file(config);
    if (!file.open(QIODevice::WriteOnly))
        return 1;
    file.write(R"({"windowFrameMargins": false, "screens": [
        {"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768, "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1},
        {"name": "small", "x": 1366, "y": 0, "width": 1024, "height": 640, "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1},
        {"name": "desktop", "x": 2390, "y": 0, "width": 1920, "height": 1080, "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
    ]})");
    file.close();
    qputenv("QT_QPA_PLATFORM", QStringLiteral("offscreen:configfile=%1").arg(config).toLocal8Bit());
    QApplication app(argc, argv);
    QApplication::setStyle(QStringLiteral("Fusion"));
    TestWindowLayout test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_window_layout.moc"
