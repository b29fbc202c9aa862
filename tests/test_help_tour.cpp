// The guided tour: shown on the first run only (remembered in QSettings), one screen per part of the window
// with that part's rectangle highlighted, Next/Back/Skip, and reopened from the Help menu.
#include "ui/text/glossary_text.h"
#include "ui/help/guided_tour.h"
#include "ui/help/help_menu.h"
#include "ui/panels/step_controls.h"
#include "ui/window/mainwindow.h"
#include "tests/support/window_parts.h"

#include <QAction>
#include <QDockWidget>
#include <QLabel>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace dlm;
using dlm::testing::parts;

namespace {

/** The rectangle the tour must highlight for `key`, computed from the window's own widgets. */
QRect expectedArea(MainWindow &w, const QString &key)
{
    const std::pair<const char *, const char *> docks[]
        = {{"view.generation", "generationDock"}, {"view.heatmap", "heatmapDock"}, {"view.decisions", "decisionDock"},
            {"view.inspector", "inspectorDock"}, {"view.plots", "plotsDock"}, {"view.branches", "branchDock"}};
    for (const auto &[k, name] : docks) {
        if (key == QLatin1String(k))
            return w.findChild<QDockWidget *>(QLatin1String(name))->geometry();
    }
    if (key == QLatin1String("view.controls"))
        return QRect(parts(w).stepControls()->mapTo(&w, QPoint(0, 0)), parts(w).stepControls()->size());
    return {};
}

} // namespace

class TestHelpTour : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shownOnTheFirstRunOnly()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("settings.ini"));
        {
            MainWindow w;
            w.show();
            QSettings settings(file, QSettings::IniFormat);
            QVERIFY(parts(w).help()->showTourOnFirstRun(settings));
            QTRY_VERIFY(parts(w).help()->tour() != nullptr);
            QVERIFY(parts(w).help()->tour()->isVisible());
            QCOMPARE(parts(w).help()->tour()->currentIndex(), 0);
        }
        {
            MainWindow w;
            w.show();
            QSettings settings(file, QSettings::IniFormat);
            QVERIFY(settings.value(HelpMenu::tourShownKey()).toBool());
            QVERIFY(!parts(w).help()->showTourOnFirstRun(settings));
            QTest::qWait(20);
            QVERIFY(parts(w).help()->tour() == nullptr);
            // Reopened from Help whenever asked.
            parts(w).help()->tourAction()->trigger();
            QVERIFY(parts(w).help()->tour() != nullptr);
            QCOMPARE(parts(w).help()->tour()->currentIndex(), 0);
        }
    }

    void nextAndBackVisitEveryPartWithItsRectangle()
    {
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        GuidedTour *tour = parts(w).help()->startTour();
        QSignalSpy finished(tour, &GuidedTour::finished);
        const QStringList expected
            = {QStringLiteral("view.generation"), QStringLiteral("view.controls"), QStringLiteral("view.canvas"),
                QStringLiteral("view.heatmap"), QStringLiteral("view.decisions"), QStringLiteral("view.inspector"),
                QStringLiteral("view.plots"), QStringLiteral("view.branches"), QStringLiteral("view.export")};
        QCOMPARE(tour->stopCount(), expected.size());
        QVERIFY(!tour->backButton()->isEnabled());
        for (int i = 0; i < expected.size(); ++i) {
            QCOMPARE(tour->currentIndex(), i);
            QCOMPARE(tour->currentKey(), expected[i]);
            QVERIFY2(!tour->highlightRect().isEmpty(), qPrintable(expected[i]));
            const QRect area = expectedArea(w, expected[i]);
            if (!area.isNull())
                QCOMPARE(tour->highlightRect(), area);
            // The card shows the part's words and does not cover the part.
            QVERIFY(tour->card()->findChildren<QLabel *>().size() >= 2);
            bool hasText = false;
            for (QLabel *l : tour->card()->findChildren<QLabel *>())
                hasText = hasText || l->text() == helpText(expected[i]);
            QVERIFY2(hasText, qPrintable(expected[i]));
            QVERIFY2(!tour->card()->geometry().intersects(tour->highlightRect()), qPrintable(expected[i]));
            if (i == 2) { // Back returns to the previous screen, Next comes back
                QTest::mouseClick(tour->backButton(), Qt::LeftButton);
                QCOMPARE(tour->currentIndex(), 1);
                QTest::mouseClick(tour->nextButton(), Qt::LeftButton);
                QCOMPARE(tour->currentIndex(), 2);
            }
            if (i + 1 < expected.size())
                QTest::mouseClick(tour->nextButton(), Qt::LeftButton);
        }
        // The canvas screen covers the canvas and its legend; export points into the menu bar.
        QCOMPARE(tour->nextButton()->text(), QStringLiteral("Finish"));
        QVERIFY(finished.isEmpty());
        QTest::mouseClick(tour->nextButton(), Qt::LeftButton);
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.first().first().toBool(), true);
        QTRY_VERIFY(parts(w).help()->tour() == nullptr);
    }

    void skipEndsTheTourAndKeysMoveIt()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        GuidedTour *tour = parts(w).help()->startTour();
        QTest::keyClick(tour, Qt::Key_Right);
        QCOMPARE(tour->currentIndex(), 1);
        QTest::keyClick(tour, Qt::Key_Left);
        QCOMPARE(tour->currentIndex(), 0);
        QSignalSpy finished(tour, &GuidedTour::finished);
        QTest::mouseClick(tour->skipButton(), Qt::LeftButton);
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.first().first().toBool(), false);
        QTRY_VERIFY(parts(w).help()->tour() == nullptr);
    }

    void highlightFollowsTheWindowsSize()
    {
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        GuidedTour *tour = parts(w).help()->startTour();
        tour->next();
        tour->next();
        tour->next(); // the heatmap
        QCOMPARE(tour->currentKey(), QStringLiteral("view.heatmap"));
        w.resize(1200, 760);
        QTRY_COMPARE(tour->geometry(), w.rect());
        QTRY_COMPARE(tour->highlightRect(), expectedArea(w, QStringLiteral("view.heatmap")));
    }
};

QTEST_MAIN(TestHelpTour)
#include "test_help_tour.moc"
