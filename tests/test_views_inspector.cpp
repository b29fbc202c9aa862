// The analysis views on timelines built by hand (test_views_fixture.h): the token inspector and the run
// plots, and a screenshot of every view. Set DLM_VIEWS_SCREENSHOT_DIR to also write one PNG per view (for
// looking at them, not for checking).
#include "ui/views/decision_chart.h"
#include "ui/views/heatmap_view.h"
#include "ui/views/run_plots.h"
#include "ui/views/token_inspector.h"

#include "test_views_fixture.h"

#include <qcustomplot.h>

#include <QDir>
#include <QSet>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace dlm;
using namespace dlm::testing;

class TestViewsInspector : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void inspectorFinalTokenSeries_data();
    void inspectorFinalTokenSeries();
    void inspectorTopKTable();
    void inspectorLaterBlockCaptions();
    void runPlotSeries();
    void screenshots();
};

void TestViewsInspector::inspectorFinalTokenSeries_data()
{
    QTest::addColumn<int>("position");
    QTest::addColumn<int>("finalToken");
    QTest::addColumn<int>("commitRecord");
    QTest::addColumn<std::vector<double>>("probability"); // per record, NaN where unknown
    QTest::addColumn<std::vector<double>>("below"); // k-th p where the token was outside the top-k
    QTest::addColumn<std::vector<double>>("entropy");
    const double n = std::numeric_limits<double>::quiet_NaN();
    // Position 5: 24 lay outside the top-k at step 1 (23, 42, 43), then was the candidate and top-1.
    QTest::newRow("below top-k, then top-1")
        << 5 << 24 << 2 << std::vector<double> {n, n, 0.5f, n, n, n} << std::vector<double> {n, 0.1f, n, n, n, n}
        << std::vector<double> {n, 2.0f, 1.3f, n, n, n};
    QTest::newRow("top-k both steps") << 3 << 21 << 2 << std::vector<double> {n, 0.3f, 0.6f, n, n, n}
                                      << std::vector<double> {n, n, n, n, n, n}
                                      << std::vector<double> {n, 1.5f, 1.1f, n, n, n};
    // Position 7: the sampled candidate lay outside the top-k; its own probability is exact.
    QTest::newRow("candidate outside top-k")
        << 7 << 25 << 5 << std::vector<double> {n, n, n, n, 0.03f, 0.6f} << std::vector<double> {n, n, n, n, n, n}
        << std::vector<double> {n, n, n, n, 2.2f, 1.0f};
    QTest::newRow("edited, never predicted")
        << 6 << 31 << -1 << std::vector<double>(6, n) << std::vector<double>(6, n) << std::vector<double>(6, n);
}

void TestViewsInspector::inspectorFinalTokenSeries()
{
    QFETCH(int, position);
    QFETCH(int, finalToken);
    QFETCH(int, commitRecord);
    QFETCH(std::vector<double>, probability);
    QFETCH(std::vector<double>, below);
    QFETCH(std::vector<double>, entropy);
    TokenInspector inspector;
    inspector.setTimelineBranch(smallRun(), 0);
    inspector.setPosition(position);
    QCOMPARE(inspector.finalToken(), finalToken);
    QCOMPARE(inspector.commitRecord(), commitRecord);
    int known = 0;
    for (int r = 0; r < 6; ++r) {
        const auto at = static_cast<size_t>(r);
        QVERIFY2(
            same(inspector.finalProbability(r), probability[at]), qPrintable(QStringLiteral("p at record %1").arg(r)));
        QVERIFY2(same(inspector.belowTopKBound(r), below[at]), qPrintable(QStringLiteral("bound at record %1").arg(r)));
        QVERIFY2(same(inspector.entropyAt(r), entropy[at]), qPrintable(QStringLiteral("entropy at record %1").arg(r)));
        known += std::isnan(probability[at]) ? 0 : 1;
    }
    QCOMPARE(inspector.plottedProbabilityPoints(), known);
}

void TestViewsInspector::inspectorTopKTable()
{
    TokenInspector inspector;
    inspector.setTimelineBranch(smallRun(), 0);
    inspector.setPosition(5);
    inspector.setCurrentIndex(1);
    QCOMPARE(inspector.topKRowCount(), 3);
    QCOMPARE(inspector.topKId(0), 23);
    QCOMPARE(inspector.topKProbability(1), double(0.15f));
    // "▁w23" is shown with a visible word-start space.
    QCOMPARE(inspector.topKText(0), QStringLiteral("\u2423w23"));
    QCOMPARE(inspector.table()->item(0, 5)->text(), QStringLiteral("candidate"));
    inspector.setCurrentIndex(2);
    QCOMPARE(inspector.table()->item(0, 5)->text(), QStringLiteral("candidate, final"));
    // The edit record predicts nothing: a committed token shows the alternatives of the step that committed it.
    inspector.setCurrentIndex(3);
    QCOMPARE(inspector.shownRecord(), 2);
    QCOMPARE(inspector.topKId(0), 24);
    QVERIFY(inspector.tableCaption().startsWith(QStringLiteral("Committed at record 2 (step 2)")));
    // A token an edit set has no prediction behind it, and the caption says why.
    inspector.setPosition(6);
    QCOMPARE(inspector.topKRowCount(), 0);
    QVERIFY(inspector.tableCaption().contains(QStringLiteral("edit")));
    QVERIFY(inspector.historyText().contains(QStringLiteral("edited to")));
    inspector.setPosition(5);

    QSignalSpy activated(&inspector, &TokenInspector::candidateActivated);
    inspector.setCurrentIndex(1);
    Q_EMIT inspector.table()->cellDoubleClicked(1, 1);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.at(0).at(0).toInt(), 5);
    QCOMPARE(activated.at(0).at(1).toInt(), 42);
}

/** A prediction right of the block says it was never eligible; a block-only (dual cache) step says why none. */
void TestViewsInspector::inspectorLaterBlockCaptions()
{
    const Timeline base = smallRun();
    Timeline t;
    t.settings = base.settings;
    t.model = base.model;
    t.promptIds = base.promptIds;
    t.pieces = base.pieces;
    t.start(base.branch(0).at(0));
    StepRecord first = denoise(t.branch(0).last(), 1, 0, 2,
        {{2, 20, 0.9f, {20, 40, 41}, {0.9f, 0.05f, 0.01f}, 0.4f}, {3, 21, 0.3f, {21, 40, 41}, {0.3f, 0.2f, 0.1f}, 1.5f},
            {4, 22, 0.7f, {22, 40, 41}, {0.7f, 0.1f, 0.05f}, 0.9f},
            {5, 23, 0.2f, {23, 42, 43}, {0.2f, 0.15f, 0.1f}, 2.0f},
            {6, 30, 0.6f, {30, 44, 45}, {0.6f, 0.2f, 0.1f}, 1.2f}},
        {2, 4}, {3, 5});
    first.confidence[6] = -std::numeric_limits<float>::infinity(); // right of the block: never eligible
    first.later = LaterPredictions::Recorded;
    t.append(0, first);
    StepRecord second = denoise(t.branch(0).last(), 2, 0, 2,
        {{3, 21, 0.6f, {21, 40, 41}, {0.6f, 0.2f, 0.1f}, 1.1f}, {5, 24, 0.5f, {24, 23, 42}, {0.5f, 0.3f, 0.1f}, 1.3f}},
        {3, 5}, {});
    second.later = LaterPredictions::BlockOnly;
    t.append(0, second);

    TokenInspector inspector;
    inspector.setTimelineBranch(t, 0);
    inspector.setPosition(6);
    inspector.setCurrentIndex(1);
    QCOMPARE(inspector.shownRecord(), 1);
    QCOMPARE(inspector.topKId(0), 30);
    QVERIFY2(inspector.tableCaption().contains(QStringLiteral("right of the block: recorded, never eligible")),
        qPrintable(inspector.tableCaption()));
    // The next step ran the block only: the earlier prediction is shown as the latest, not as this step's.
    inspector.setCurrentIndex(2);
    QCOMPARE(inspector.shownRecord(), 1);
    QVERIFY2(inspector.tableCaption().startsWith(QStringLiteral("Not predicted at record 2 (this dual-cache step ran "
                                                                "the block only")),
        qPrintable(inspector.tableCaption()));
    QVERIFY(inspector.tableCaption().contains(QStringLiteral("the latest prediction, from record 1")));
    // Not recorded at all: the run's setting is named.
    Timeline off = t;
    StepRecord third = second;
    third.later = LaterPredictions::Off;
    off.append(0, third);
    inspector.setTimelineBranch(off, 0);
    inspector.setCurrentIndex(3);
    QVERIFY2(inspector.tableCaption().contains(QStringLiteral("does not record predictions right of the block")),
        qPrintable(inspector.tableCaption()));
}

void TestViewsInspector::runPlotSeries()
{
    const Timeline t = smallRun();
    RunPlots plots;
    plots.setTimelineBranch(t, 0);
    std::vector<double> masked;
    for (const auto &r : t.branch(0).records)
        masked.push_back(r->maskedCount(kMask));
    QCOMPARE(masked, (std::vector<double> {8, 6, 4, 3, 1, 0}));
    QCOMPARE(plots.maskedSeries(), masked);
    QCOMPARE(plots.committedSeries(), (std::vector<double> {0, 2, 2, 0, 2, 1}));
    const std::vector<double> mean = plots.meanConfidenceSeries();
    const std::vector<double> expected {
        std::nan(""), (0.9f + 0.7f) / 2.0, (0.6f + 0.5f) / 2.0, std::nan(""), (0.8f + 0.1f) / 2.0, 0.6f};
    QCOMPARE(mean.size(), expected.size());
    for (size_t i = 0; i < mean.size(); ++i)
        QVERIFY2(same(mean[i], expected[i]), qPrintable(QStringLiteral("record %1").arg(i)));
    QVERIFY(std::isnan(plots.currentLineX()));
    plots.setCurrentIndex(3);
    QCOMPARE(plots.currentLineX(), 3.0);
    QVERIFY(plots.axesAligned());

    plots.resize(600, 400);
    plots.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plots));
    plots.plot()->replot();
    QSignalSpy clicked(&plots, &RunPlots::recordClicked);
    const QCPAxis *x = plots.plot()->axisRect(1)->axis(QCPAxis::atBottom);
    const QCPAxis *y = plots.plot()->axisRect(1)->axis(QCPAxis::atLeft);
    QTest::mouseClick(plots.plot(), Qt::LeftButton, {}, QPointF(x->coordToPixel(4), y->coordToPixel(1)).toPoint());
    QCOMPARE(clicked.count(), 1);
    QCOMPARE(clicked.at(0).at(0).toInt(), 4);
}

void TestViewsInspector::screenshots()
{
    // Renders every view offscreen and checks each picture has content. With DLM_VIEWS_SCREENSHOT_DIR set
    // the PNGs are kept there (for looking at them); otherwise they go to a temporary directory.
    QTemporaryDir tmp;
    QString dir = QString::fromLocal8Bit(qgetenv("DLM_VIEWS_SCREENSHOT_DIR"));
    if (dir.isEmpty())
        dir = tmp.path();
    QDir().mkpath(dir);
    const Timeline t = largerRun();
    const int current = 9;
    HeatmapView heatmap;
    heatmap.setTimelineBranch(t, 0);
    heatmap.setCurrentIndex(current);
    heatmap.setSelectedPosition(30);
    DecisionChart decisions;
    decisions.setTimelineBranch(t, 0);
    decisions.setCurrentIndex(current);
    TokenInspector inspector;
    inspector.setTimelineBranch(t, 0);
    inspector.setCurrentIndex(current);
    inspector.setPosition(30);
    RunPlots plots;
    plots.setTimelineBranch(t, 0);
    plots.setCurrentIndex(current);
    // Sizes of the panels in a 1200x800 window: heatmap and plots wide, chart and inspector narrow.
    const std::vector<std::pair<QWidget *, QSize>> views {
        {&heatmap, {720, 380}}, {&decisions, {460, 300}}, {&inspector, {360, 420}}, {&plots, {720, 320}}};
    const QStringList names {QStringLiteral("heatmap"), QStringLiteral("decisions"), QStringLiteral("inspector"),
        QStringLiteral("run_plots")};
    for (size_t i = 0; i < views.size(); ++i) {
        views[i].first->resize(views[i].second);
        views[i].first->show();
        QVERIFY(QTest::qWaitForWindowExposed(views[i].first));
        QTest::qWait(50); // let the queued replot run
        const QString file = dir + QLatin1Char('/') + names[static_cast<int>(i)] + QStringLiteral(".png");
        QVERIFY(views[i].first->grab().save(file));
        const QImage image(file);
        QCOMPARE(image.size() / image.devicePixelRatio(), views[i].first->size());
        // A drawn chart has axes, text, data and background: far more than a handful of colours.
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 3)
            for (int x = 0; x < image.width(); x += 3)
                colours.insert(image.pixel(x, y));
        QVERIFY2(colours.size() > 20, qPrintable(names[static_cast<int>(i)]));
    }
}

QTEST_MAIN(TestViewsInspector)
#include "test_views_inspector.moc"
