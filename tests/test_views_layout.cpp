// The analysis views at the smallest size a dock can give them, in light and dark: tick labels that do not
// overlap, axis and colour-bar titles that fit their axis, titles that fit the widget, chart titles off the
// data, and the token inspector's table tall enough for its rows. Measured with QFontMetrics against the
// laid-out axis rects. Set DLM_VIEWS_SCREENSHOT_DIR to also write a PNG per case (for looking at, not checking).
#include "ui/views/decision_chart.h"
#include "ui/views/heatmap_view.h"
#include "ui/views/run_plots.h"
#include "ui/views/token_inspector.h"
#include "ui/window/theme_controller.h"

#include "test_views_fixture.h"

#include <qcustomplot.h>

#include <QDir>
#include <QHeaderView>
#include <QStyleFactory>
#include <QTableWidget>
#include <QtTest>

using namespace dlm;
using namespace dlm::testing;

namespace {

/** Shows `view` at its minimum size (as a cramped dock would) and lets the queued replot run. */
void showAtMinimum(QWidget *view, QCustomPlot *plot)
{
    view->resize(view->minimumSizeHint().expandedTo(view->minimumSize()));
    view->show();
    QVERIFY(QTest::qWaitForWindowExposed(view));
    plot->replot();
    QCoreApplication::processEvents();
}

void keepScreenshot(QWidget *view, const QString &name)
{
    const QString dir = QString::fromLocal8Bit(qgetenv("DLM_VIEWS_SCREENSHOT_DIR"));
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    view->grab().save(dir + QLatin1Char('/') + name + QStringLiteral(".png"));
}

/** The rectangles the tick labels of `axis` occupy, in plot pixels, in drawing order. */
QList<QRectF> tickLabelRects(QCPAxis *axis)
{
    const QFontMetricsF fm(axis->tickLabelFont());
    QList<QRectF> rects;
    const QVector<double> ticks = axis->tickVector();
    const QVector<QString> labels = axis->tickVectorLabels();
    for (int i = 0; i < ticks.size(); ++i) {
        if (!axis->range().contains(ticks[i]))
            continue;
        const double at = axis->coordToPixel(ticks[i]);
        const QSizeF size(fm.horizontalAdvance(labels[i]), fm.height());
        rects << (axis->orientation() == Qt::Horizontal ? QRectF(QPointF(at - size.width() / 2, 0), size)
                                                        : QRectF(QPointF(0, at - size.height() / 2), size));
    }
    return rects;
}

/** Empty when no two tick labels of `axis` overlap and there are at least two; else what is wrong. */
QString tickLabelProblem(QCPAxis *axis)
{
    const QList<QRectF> rects = tickLabelRects(axis);
    if (rects.size() < 2)
        return QStringLiteral("%1 tick labels on axis '%2'").arg(rects.size()).arg(axis->label());
    for (int i = 1; i < rects.size(); ++i) {
        if (rects[i - 1].intersects(rects[i]))
            return QStringLiteral("tick labels '%1' and '%2' overlap on axis '%3'")
                .arg(axis->tickVectorLabels().value(i - 1), axis->tickVectorLabels().value(i), axis->label());
    }
    return {};
}

/** Empty when the title of `axis` is no longer than the axis; else the two lengths. */
QString axisTitleProblem(QCPAxis *axis)
{
    const QFontMetricsF fm(axis->labelFont());
    const double text = fm.horizontalAdvance(axis->label());
    const double room = axis->orientation() == Qt::Horizontal ? axis->axisRect()->width() : axis->axisRect()->height();
    if (axis->label().isEmpty())
        return QStringLiteral("no title");
    if (text > room)
        return QStringLiteral("title '%1' is %2 px on a %3 px axis").arg(axis->label()).arg(text).arg(room);
    return {};
}

Timeline thresholdRun()
{
    Timeline t = smallRun();
    t.settings.useThreshold = true;
    StepRecord r = t.branch(0).at(1);
    r.quota = -1;
    r.threshold = 0.65;
    t.append(0, r);
    return t;
}

} // namespace

class TestViewsLayout : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion"))); }

    void init()
    {
        QFETCH(bool, dark);
        QApplication::setPalette(dark ? ThemeController::darkPalette() : ThemeController::lightPalette());
    }

    void decisionChartAtMinimumSize_data()
    {
        QTest::addColumn<bool>("dark");
        QTest::addColumn<bool>("threshold");
        QTest::newRow("quota, light") << false << false;
        QTest::newRow("threshold, light") << false << true;
        QTest::newRow("quota, dark") << true << false;
        QTest::newRow("threshold, dark") << true << true;
    }

    void decisionChartAtMinimumSize()
    {
        QFETCH(bool, dark);
        QFETCH(bool, threshold);
        DecisionChart chart;
        const Timeline t = threshold ? thresholdRun() : largerRun();
        chart.setTimelineBranch(t, 0);
        chart.setCurrentIndex(threshold ? t.branch(0).size() - 1 : 9);
        QCOMPARE(chart.cutMode(), threshold ? DecisionChart::CutMode::Threshold : DecisionChart::CutMode::Quota);
        showAtMinimum(&chart, chart.plot());
        keepScreenshot(&chart,
            QStringLiteral("decisions-%1-%2")
                .arg(QLatin1String(threshold ? "threshold" : "quota"), QLatin1String(dark ? "dark" : "light")));

        QCustomPlot *plot = chart.plot();
        // Enough room between 0 and 1 for the labels to be read: no overlap and at least three of them.
        QVERIFY2(tickLabelProblem(plot->yAxis).isEmpty(), qPrintable(tickLabelProblem(plot->yAxis)));
        QVERIFY(tickLabelRects(plot->yAxis).size() >= 3);
        QVERIFY2(tickLabelProblem(plot->xAxis).isEmpty(), qPrintable(tickLabelProblem(plot->xAxis)));
        QVERIFY2(axisTitleProblem(plot->yAxis).isEmpty(), qPrintable(axisTitleProblem(plot->yAxis)));
        QVERIFY2(axisTitleProblem(plot->xAxis).isEmpty(), qPrintable(axisTitleProblem(plot->xAxis)));
        // The summary above the bars fits the widget, line by line.
        auto *title = qobject_cast<QCPTextElement *>(plot->plotLayout()->element(0, 0));
        QVERIFY(title);
        const QFontMetricsF fm(title->font());
        for (const QString &line : title->text().split(QLatin1Char('\n')))
            QVERIFY2(fm.horizontalAdvance(line) <= plot->width(), qPrintable(line));
        QVERIFY(title->text().contains(threshold ? QStringLiteral("\u03C4") : QStringLiteral("quota")));
    }

    void heatmapAtMinimumSize_data()
    {
        QTest::addColumn<bool>("dark");
        QTest::newRow("light") << false;
        QTest::newRow("dark") << true;
    }

    void heatmapAtMinimumSize()
    {
        QFETCH(bool, dark);
        HeatmapView heatmap;
        heatmap.setTimelineBranch(largerRun(), 0);
        heatmap.setCurrentIndex(9);
        showAtMinimum(&heatmap, heatmap.plot());
        keepScreenshot(&heatmap, QStringLiteral("heatmap-%1").arg(QLatin1String(dark ? "dark" : "light")));

        QCustomPlot *plot = heatmap.plot();
        QCPColorScale *scale = nullptr;
        for (QCPLayoutElement *e : plot->plotLayout()->elements(true)) {
            if (auto *s = qobject_cast<QCPColorScale *>(e))
                scale = s;
        }
        QVERIFY(scale);
        // The colour bar's title ("confidence: p(candidate)" was cut to "onfidence: p(candidate)").
        QVERIFY2(axisTitleProblem(scale->axis()).isEmpty(), qPrintable(axisTitleProblem(scale->axis())));
        QVERIFY2(tickLabelProblem(scale->axis()).isEmpty(), qPrintable(tickLabelProblem(scale->axis())));
        for (QCPAxis *axis : {plot->xAxis, plot->yAxis}) {
            QVERIFY2(tickLabelProblem(axis).isEmpty(), qPrintable(tickLabelProblem(axis)));
            QVERIFY2(axisTitleProblem(axis).isEmpty(), qPrintable(axisTitleProblem(axis)));
        }
    }

    void runPlotTitlesStayOffTheData_data()
    {
        QTest::addColumn<bool>("dark");
        QTest::newRow("light") << false;
        QTest::newRow("dark") << true;
    }

    void runPlotTitlesStayOffTheData()
    {
        QFETCH(bool, dark);
        RunPlots plots;
        plots.setTimelineBranch(largerRun(), 0);
        plots.setCurrentIndex(9);
        showAtMinimum(&plots, plots.plot());
        keepScreenshot(&plots, QStringLiteral("run_plots-%1").arg(QLatin1String(dark ? "dark" : "light")));

        QCustomPlot *plot = plots.plot();
        const QList<QCPAxisRect *> rects = plot->axisRects();
        QCOMPARE(rects.size(), 3);
        int titles = 0;
        for (int i = 0; i < plot->itemCount(); ++i) {
            auto *text = qobject_cast<QCPItemText *>(plot->item(i));
            if (!text)
                continue;
            ++titles;
            const QFontMetricsF fm(text->font());
            const QPointF anchor = text->position->pixelPosition();
            // Every chart's data area is off limits to its title, and the title fits the widget.
            const QRectF box(anchor.x(), anchor.y() - fm.height(), fm.horizontalAdvance(text->text()), fm.height());
            for (QCPAxisRect *rect : rects)
                QVERIFY2(!box.intersects(QRectF(rect->rect())), qPrintable(text->text()));
            QVERIFY2(QRectF(plot->rect()).contains(box), qPrintable(text->text()));
        }
        QCOMPARE(titles, 3);
        for (QCPAxisRect *rect : rects)
            QVERIFY2(tickLabelProblem(rect->axis(QCPAxis::atLeft)).isEmpty(),
                qPrintable(tickLabelProblem(rect->axis(QCPAxis::atLeft))));
        QVERIFY2(axisTitleProblem(rects.back()->axis(QCPAxis::atBottom)).isEmpty(),
            qPrintable(axisTitleProblem(rects.back()->axis(QCPAxis::atBottom))));
    }

    void inspectorTableShowsItsRows_data()
    {
        QTest::addColumn<bool>("dark");
        QTest::newRow("light") << false;
        QTest::newRow("dark") << true;
    }

    void inspectorTableShowsItsRows()
    {
        QFETCH(bool, dark);
        TokenInspector inspector;
        inspector.setTimelineBranch(largerRun(), 0);
        inspector.setCurrentIndex(9);
        inspector.setPosition(30);
        inspector.resize(inspector.minimumSizeHint());
        inspector.show();
        QVERIFY(QTest::qWaitForWindowExposed(&inspector));
        keepScreenshot(&inspector, QStringLiteral("inspector-%1").arg(QLatin1String(dark ? "dark" : "light")));

        QTableWidget *table = inspector.table();
        QCOMPARE(inspector.topKRowCount(), kTopK);
        // Room for a top-k of five at the smallest size, so the three here all show.
        QVERIFY(table->viewport()->height() >= 5 * table->verticalHeader()->defaultSectionSize());
        for (int c = 0; c < table->columnCount(); ++c) {
            QTableWidgetItem *header = table->horizontalHeaderItem(c);
            QVERIFY2(header && !header->text().trimmed().isEmpty(), qPrintable(QString::number(c)));
        }
    }
};

QTEST_MAIN(TestViewsLayout)
#include "test_views_layout.moc"
