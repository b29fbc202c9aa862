// The analysis views (heatmap, remasking decisions, token inspector, run plots) on timelines built by hand:
// no model, so every expected number below is computed from the records written here.
// Set DLM_VIEWS_SCREENSHOT_DIR to also write one PNG per view (for looking at them, not for checking).
#include "ui/views/decision_chart.h"
#include "ui/views/heatmap_view.h"
#include "ui/views/run_plots.h"
#include "core/sampling/schedule.h"
#include "core/timeline/timeline.h"
#include "ui/views/token_inspector.h"

#include <qcustomplot.h>

#include <QDir>
#include <QSignalSpy>
#include <QTableWidget>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace dlm;

namespace {

constexpr int32_t kMask = 0;
constexpr int kLength = 10;
constexpr int kTopK = 3;

// One prediction at one position: candidate, its confidence (= p, low_confidence), top-k and entropy.
struct Prediction
{
    int position;
    int32_t candidate;
    float confidence;
    std::vector<int32_t> topIds;
    std::vector<float> topProbs;
    float entropy;
};

StepRecord denoise(const StepRecord &prev, int step, int block, int quota, const std::vector<Prediction> &predictions,
                   const std::vector<int32_t> &commit, const std::vector<int32_t> &remask)
{
    StepRecord r;
    r.kind = RecordKind::Denoise;
    r.denoiseStep = step;
    r.block = block;
    r.tokens = prev.tokens;
    r.states = prev.states;
    r.flags = prev.flags;
    for (auto &s : r.states) {
        if (s == PositionState::CommittedThisStep)
            s = PositionState::Committed;
        else if (s == PositionState::Remasked)
            s = PositionState::Masked;
    }
    const size_t n = prev.tokens.size();
    const float nan = std::numeric_limits<float>::quiet_NaN();
    r.candidates.assign(n, -1);
    r.confidence.assign(n, -std::numeric_limits<float>::infinity());
    r.probability.assign(n, nan);
    r.margin.assign(n, nan);
    r.entropy.assign(n, nan);
    r.topK = kTopK;
    r.topIds.assign(n * kTopK, -1);
    r.topProbs.assign(n * kTopK, 0.0f);
    for (const Prediction &p : predictions) {
        const size_t i = static_cast<size_t>(p.position);
        r.candidates[i] = p.candidate;
        r.confidence[i] = p.confidence;
        r.probability[i] = p.confidence;
        r.entropy[i] = p.entropy;
        for (size_t j = 0; j < p.topIds.size(); ++j) {
            r.topIds[i * kTopK + j] = p.topIds[j];
            r.topProbs[i * kTopK + j] = p.topProbs[j];
        }
    }
    for (int32_t p : commit) {
        r.tokens[static_cast<size_t>(p)] = r.candidates[static_cast<size_t>(p)];
        r.states[static_cast<size_t>(p)] = PositionState::CommittedThisStep;
    }
    for (int32_t p : remask)
        r.states[static_cast<size_t>(p)] = PositionState::Remasked;
    r.quota = quota;
    r.committed = commit;
    r.remasked = remask;
    return r;
}

/**
 * Six records over a 10-position canvas: prompt [10, 11], then 8 masks in two blocks of 4 (a line between
 * positions 5 and 6). Record 3 is an edit that sets position 6. Final canvas: 10 11 20 21 22 24 31 25 26 27.
 */
Timeline smallRun()
{
    Timeline t;
    t.settings.genLength = 8;
    t.settings.blockLength = 4;
    t.settings.steps = 4;
    t.settings.topK = kTopK;
    t.model.maskId = kMask;
    t.promptIds = {10, 11};
    for (int32_t id = 10; id <= 45; ++id)
        t.pieces.emplace_back(id, "\xE2\x96\x81w" + std::to_string(id));

    StepRecord initial;
    initial.tokens = {10, 11, kMask, kMask, kMask, kMask, kMask, kMask, kMask, kMask};
    initial.states.assign(kLength, PositionState::Masked);
    initial.states[0] = initial.states[1] = PositionState::Prompt;
    initial.flags.assign(kLength, 0);
    t.start(initial);

    t.append(0, denoise(t.branch(0).last(), 1, 0, 2,
                        {{2, 20, 0.9f, {20, 40, 41}, {0.9f, 0.05f, 0.01f}, 0.4f},
                         {3, 21, 0.3f, {21, 40, 41}, {0.3f, 0.2f, 0.1f}, 1.5f},
                         {4, 22, 0.7f, {22, 40, 41}, {0.7f, 0.1f, 0.05f}, 0.9f},
                         {5, 23, 0.2f, {23, 42, 43}, {0.2f, 0.15f, 0.1f}, 2.0f}},
                        {2, 4}, {3, 5}));
    t.append(0, denoise(t.branch(0).last(), 2, 0, 2,
                        {{3, 21, 0.6f, {21, 40, 41}, {0.6f, 0.2f, 0.1f}, 1.1f},
                         {5, 24, 0.5f, {24, 23, 42}, {0.5f, 0.3f, 0.1f}, 1.3f}},
                        {3, 5}, {}));

    const StepRecord &beforeEdit = t.branch(0).last();
    StepRecord edit;
    edit.kind = RecordKind::Edit;
    edit.denoiseStep = beforeEdit.denoiseStep;
    edit.block = 1;
    edit.tokens = beforeEdit.tokens;
    edit.states.assign(kLength, PositionState::Committed);
    edit.states[0] = edit.states[1] = PositionState::Prompt;
    edit.states[7] = edit.states[8] = edit.states[9] = PositionState::Masked;
    edit.flags = beforeEdit.flags;
    edit.tokens[6] = 31;
    edit.states[6] = PositionState::Edited;
    edit.edit.positions = {6};
    edit.edit.tokens = {31};
    t.append(0, edit);

    // Position 7's candidate 25 was sampled from outside the top-k at record 4 (temperature > 0).
    t.append(0, denoise(t.branch(0).last(), 3, 1, 2,
                        {{7, 25, 0.03f, {43, 44, 45}, {0.5f, 0.3f, 0.1f}, 2.2f},
                         {8, 26, 0.8f, {26, 44, 45}, {0.8f, 0.1f, 0.05f}, 0.7f},
                         {9, 27, 0.1f, {27, 44, 45}, {0.1f, 0.09f, 0.08f}, 2.5f}},
                        {8, 9}, {7}));
    t.append(0, denoise(t.branch(0).last(), 4, 1, 1, {{7, 25, 0.6f, {25, 43, 44}, {0.6f, 0.2f, 0.1f}, 1.0f}},
                        {7}, {}));
    return t;
}

// A longer quota-mode run for looking at: 48 positions in 3 blocks, 24 steps, confidences from a fixed LCG.
Timeline largerRun()
{
    Timeline t;
    t.settings.genLength = 48;
    t.settings.blockLength = 16;
    t.settings.steps = 24;
    t.settings.topK = kTopK;
    t.model.maskId = kMask;
    const int promptLength = 6;
    for (int i = 0; i < promptLength; ++i)
        t.promptIds.push_back(100 + i);
    for (int32_t id = 100; id < 200; ++id)
        t.pieces.emplace_back(id, "\xE2\x96\x81t" + std::to_string(id));
    const int length = promptLength + t.settings.genLength;
    StepRecord initial;
    initial.tokens = t.promptIds;
    initial.tokens.resize(static_cast<size_t>(length), kMask);
    initial.states.assign(static_cast<size_t>(length), PositionState::Masked);
    for (int i = 0; i < promptLength; ++i)
        initial.states[static_cast<size_t>(i)] = PositionState::Prompt;
    initial.flags.assign(static_cast<size_t>(length), 0);
    t.start(initial);

    const BlockSchedule schedule(promptLength, t.settings.genLength, t.settings.blockLength, t.settings.steps);
    uint32_t seed = 12345;
    auto uniform = [&seed] {
        seed = seed * 1664525u + 1013904223u;
        return static_cast<float>((seed >> 8) & 0xFFFF) / 65536.0f;
    };
    int step = 0;
    for (int b = 0; b < schedule.blockCount(); ++b) {
        for (int s = 0; s < schedule.stepsForBlock(b); ++s) {
            const StepRecord &prev = t.branch(0).last();
            std::vector<Prediction> preds;
            for (int p = schedule.blockStart(b); p < schedule.blockEnd(b); ++p) {
                if (prev.tokens[static_cast<size_t>(p)] != kMask)
                    continue;
                // Later steps and earlier positions are surer, as in a real left-to-right-ish run.
                const float c = std::min(0.99f, 0.15f + 0.5f * uniform() + 0.04f * static_cast<float>(s));
                const int32_t cand = 100 + (p * 7 + s) % 100;
                const float second = std::min(0.8f * c, 0.5f * (1 - c));
                preds.push_back({p, cand, c, {cand, 150, 151}, {c, second, 0.5f * second}, 3.0f * (1 - c)});
            }
            std::vector<Prediction> order = preds;
            std::sort(order.begin(), order.end(), [](const Prediction &a, const Prediction &b) { return a.confidence > b.confidence; });
            const int quota = BlockSchedule::quota(static_cast<int>(preds.size()), schedule.stepsForBlock(b) - s);
            std::vector<int32_t> commit, remask;
            for (size_t i = 0; i < order.size(); ++i)
                (static_cast<int>(i) < quota ? commit : remask).push_back(order[i].position);
            t.append(0, denoise(prev, ++step, b, quota, preds, commit, remask));
        }
    }
    return t;
}

bool same(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || std::abs(a - b) < 1e-6;
}

} // namespace

class TestViews : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void heatmapHoldsConfidences_data();
    void heatmapHoldsConfidences();
    void heatmapMarksCommitsAndBlocks();
    void heatmapClickEmitsCell();
    void decisionBarsSortedWithFates_data();
    void decisionBarsSortedWithFates();
    void decisionThresholdCut();
    void decisionMatchesLargerRun();
    void inspectorFinalTokenSeries_data();
    void inspectorFinalTokenSeries();
    void inspectorTopKTable();
    void runPlotSeries();
    void screenshots();
};

void TestViews::heatmapHoldsConfidences_data()
{
    QTest::addColumn<int>("record");
    QTest::addColumn<int>("position");
    QTest::addColumn<double>("expected");
    const double nan = std::numeric_limits<double>::quiet_NaN();
    QTest::newRow("committed at step 1") << 1 << 2 << 0.9;
    QTest::newRow("remasked at step 1") << 1 << 5 << double(0.2f);
    QTest::newRow("right of the block") << 1 << 7 << nan;
    QTest::newRow("initial record") << 0 << 3 << nan;
    QTest::newRow("already committed") << 2 << 2 << nan;
    QTest::newRow("considered again") << 2 << 5 << 0.5;
    QTest::newRow("edit record") << 3 << 7 << nan;
    QTest::newRow("second block") << 4 << 7 << double(0.03f);
    QTest::newRow("last step") << 5 << 7 << double(0.6f);
    QTest::newRow("prompt (off the map)") << 1 << 0 << nan;
}

void TestViews::heatmapHoldsConfidences()
{
    QFETCH(int, record);
    QFETCH(int, position);
    QFETCH(double, expected);
    HeatmapView view;
    view.setTimelineBranch(smallRun(), 0);
    QCOMPARE(view.recordCount(), 6);
    QCOMPARE(view.firstPosition(), 2);
    QCOMPARE(view.endPosition(), kLength);
    QVERIFY2(same(view.valueAt(record, position), double(float(expected))),
             qPrintable(QStringLiteral("got %1").arg(view.valueAt(record, position))));
}

void TestViews::heatmapMarksCommitsAndBlocks()
{
    HeatmapView view;
    view.setTimelineBranch(smallRun(), 0);
    QCOMPARE(view.commitMarkerCount(), 7);
    QCOMPARE(view.commitRecords(2), std::vector<int>{1});
    QCOMPARE(view.commitRecords(5), std::vector<int>{2});
    QCOMPARE(view.commitRecords(7), std::vector<int>{5});
    QCOMPARE(view.commitRecords(6), std::vector<int>{}); // edited, never committed by the sampler
    QCOMPARE(view.blockLineCount(), 1);
    QCOMPARE(view.blockLinePositions(), std::vector<int>{6});
    QCOMPARE(view.dataRange(), std::make_pair(0.0, 1.0));

    view.setTimelineBranch(largerRun(), 0);
    QCOMPARE(view.blockLineCount(), 2);
    QCOMPARE(view.commitMarkerCount(), 48);
    view.clear();
    QCOMPARE(view.blockLineCount(), 0);
    QCOMPARE(view.commitMarkerCount(), 0);
}

void TestViews::heatmapClickEmitsCell()
{
    HeatmapView view;
    view.resize(700, 450);
    view.setTimelineBranch(smallRun(), 0);
    view.setCurrentIndex(2);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.plot()->replot(); // lay the axes out now, so coordToPixel is exact
    QSignalSpy clicked(&view, &HeatmapView::cellClicked);
    const QPointF center(view.plot()->xAxis->coordToPixel(4), view.plot()->yAxis->coordToPixel(8));
    QTest::mouseClick(view.plot(), Qt::LeftButton, {}, center.toPoint());
    QCOMPARE(clicked.count(), 1);
    QCOMPARE(clicked.at(0).at(0).toInt(), 4);
    QCOMPARE(clicked.at(0).at(1).toInt(), 8);
    // Outside the map (on the axis labels) nothing is emitted.
    QTest::mouseClick(view.plot(), Qt::LeftButton, {}, QPoint(2, 2));
    QCOMPARE(clicked.count(), 1);
}

void TestViews::decisionBarsSortedWithFates_data()
{
    QTest::addColumn<int>("record");
    QTest::addColumn<std::vector<int>>("positions");
    QTest::addColumn<int>("committed");
    QTest::addColumn<int>("quota");
    QTest::newRow("step 1") << 1 << std::vector<int>{2, 4, 3, 5} << 2 << 2;
    QTest::newRow("step 2") << 2 << std::vector<int>{3, 5} << 2 << 2;
    QTest::newRow("edit") << 3 << std::vector<int>{} << 0 << -1;
    QTest::newRow("block 2") << 4 << std::vector<int>{8, 9, 7} << 2 << 2;
    QTest::newRow("initial") << 0 << std::vector<int>{} << 0 << -1;
}

void TestViews::decisionBarsSortedWithFates()
{
    QFETCH(int, record);
    QFETCH(std::vector<int>, positions);
    QFETCH(int, committed);
    QFETCH(int, quota);
    const Timeline t = smallRun();
    DecisionChart chart;
    chart.setTimelineBranch(t, 0);
    chart.setCurrentIndex(record);
    const StepRecord &r = t.branch(0).at(record);
    QCOMPARE(chart.barCount(), static_cast<int>(positions.size()));
    for (int i = 0; i < chart.barCount(); ++i) {
        QCOMPARE(chart.barPosition(i), positions[static_cast<size_t>(i)]);
        if (i > 0)
            QVERIFY(chart.barValue(i - 1) >= chart.barValue(i));
        const bool inCommitted = std::count(r.committed.begin(), r.committed.end(), chart.barPosition(i)) == 1;
        const bool inRemasked = std::count(r.remasked.begin(), r.remasked.end(), chart.barPosition(i)) == 1;
        QCOMPARE(chart.barFate(i) == DecisionChart::Fate::Committed, inCommitted);
        QCOMPARE(chart.barFate(i) == DecisionChart::Fate::Remasked, inRemasked);
    }
    QCOMPARE(chart.committedCount(), committed);
    QCOMPARE(chart.drawnBarCount(DecisionChart::Fate::Committed), committed);
    QCOMPARE(chart.drawnBarCount(DecisionChart::Fate::Remasked), chart.barCount() - committed);
    QCOMPARE(chart.quotaCut(), quota);
    if (quota >= 0) {
        QCOMPARE(chart.cutMode(), DecisionChart::CutMode::Quota);
        QCOMPARE(chart.cutLineCoordinate(), quota + 0.5);
    } else {
        QCOMPARE(chart.cutMode(), DecisionChart::CutMode::None);
        QVERIFY(std::isnan(chart.cutLineCoordinate()));
    }
    QVERIFY(!chart.summary().isEmpty());
}

void TestViews::decisionThresholdCut()
{
    Timeline t = smallRun();
    t.settings.useThreshold = true;
    StepRecord r = t.branch(0).at(1);
    r.quota = -1;
    r.threshold = 0.65;
    t.append(0, r);
    DecisionChart chart;
    chart.setTimelineBranch(t, 0);
    chart.setCurrentIndex(6);
    QCOMPARE(chart.cutMode(), DecisionChart::CutMode::Threshold);
    QCOMPARE(chart.thresholdCut(), 0.65);
    QCOMPARE(chart.cutLineCoordinate(), 0.65);
    QCOMPARE(chart.quotaCut(), -1);
    // Both bars at or above tau were committed, both below were not.
    for (int i = 0; i < chart.barCount(); ++i)
        QCOMPARE(chart.barFate(i) == DecisionChart::Fate::Committed, chart.barValue(i) >= 0.65);
    QVERIFY(chart.barDetails(0).contains(QStringLiteral("position 2")));
    QVERIFY(chart.barDetails(0).contains(QStringLiteral("w20")));
}

void TestViews::decisionMatchesLargerRun()
{
    const Timeline t = largerRun();
    DecisionChart chart;
    chart.setTimelineBranch(t, 0);
    for (int i = 1; i < t.branch(0).size(); ++i) {
        chart.setCurrentIndex(i);
        const StepRecord &r = t.branch(0).at(i);
        QCOMPARE(chart.committedCount(), static_cast<int>(r.committed.size()));
        QCOMPARE(chart.remaskedCount(), static_cast<int>(r.remasked.size()));
        // Quota mode commits the most confident bars: everything left of the cut, nothing right of it.
        for (int b = 0; b < chart.barCount(); ++b)
            QCOMPARE(chart.barFate(b) == DecisionChart::Fate::Committed, b < chart.quotaCut());
    }
}

void TestViews::inspectorFinalTokenSeries_data()
{
    QTest::addColumn<int>("position");
    QTest::addColumn<int>("finalToken");
    QTest::addColumn<int>("commitRecord");
    QTest::addColumn<std::vector<double>>("probability"); // per record, NaN where unknown
    QTest::addColumn<std::vector<double>>("below");       // k-th p where the token was outside the top-k
    QTest::addColumn<std::vector<double>>("entropy");
    const double n = std::numeric_limits<double>::quiet_NaN();
    // Position 5: 24 lay outside the top-k at step 1 (23, 42, 43), then was the candidate and top-1.
    QTest::newRow("below top-k, then top-1") << 5 << 24 << 2 << std::vector<double>{n, n, 0.5f, n, n, n}
                                             << std::vector<double>{n, 0.1f, n, n, n, n}
                                             << std::vector<double>{n, 2.0f, 1.3f, n, n, n};
    QTest::newRow("top-k both steps") << 3 << 21 << 2 << std::vector<double>{n, 0.3f, 0.6f, n, n, n}
                                      << std::vector<double>{n, n, n, n, n, n}
                                      << std::vector<double>{n, 1.5f, 1.1f, n, n, n};
    // Position 7: the sampled candidate lay outside the top-k; its own probability is exact.
    QTest::newRow("candidate outside top-k") << 7 << 25 << 5 << std::vector<double>{n, n, n, n, 0.03f, 0.6f}
                                             << std::vector<double>{n, n, n, n, n, n}
                                             << std::vector<double>{n, n, n, n, 2.2f, 1.0f};
    QTest::newRow("edited, never predicted") << 6 << 31 << -1 << std::vector<double>(6, n)
                                             << std::vector<double>(6, n) << std::vector<double>(6, n);
}

void TestViews::inspectorFinalTokenSeries()
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
        QVERIFY2(same(inspector.finalProbability(r), probability[at]), qPrintable(QStringLiteral("p at record %1").arg(r)));
        QVERIFY2(same(inspector.belowTopKBound(r), below[at]), qPrintable(QStringLiteral("bound at record %1").arg(r)));
        QVERIFY2(same(inspector.entropyAt(r), entropy[at]), qPrintable(QStringLiteral("entropy at record %1").arg(r)));
        known += std::isnan(probability[at]) ? 0 : 1;
    }
    QCOMPARE(inspector.plottedProbabilityPoints(), known);
}

void TestViews::inspectorTopKTable()
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
    inspector.setCurrentIndex(3); // the edit: no prediction, and the caption says why
    QCOMPARE(inspector.topKRowCount(), 0);
    QVERIFY(inspector.tableCaption().contains(QStringLiteral("edit")));

    QSignalSpy activated(&inspector, &TokenInspector::candidateActivated);
    inspector.setCurrentIndex(1);
    Q_EMIT inspector.table()->cellDoubleClicked(1, 1);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.at(0).at(0).toInt(), 5);
    QCOMPARE(activated.at(0).at(1).toInt(), 42);
}

void TestViews::runPlotSeries()
{
    const Timeline t = smallRun();
    RunPlots plots;
    plots.setTimelineBranch(t, 0);
    std::vector<double> masked;
    for (const auto &r : t.branch(0).records)
        masked.push_back(r->maskedCount(kMask));
    QCOMPARE(masked, (std::vector<double>{8, 6, 4, 3, 1, 0}));
    QCOMPARE(plots.maskedSeries(), masked);
    QCOMPARE(plots.committedSeries(), (std::vector<double>{0, 2, 2, 0, 2, 1}));
    const std::vector<double> mean = plots.meanConfidenceSeries();
    const std::vector<double> expected{std::nan(""), (0.9f + 0.7f) / 2.0, (0.6f + 0.5f) / 2.0, std::nan(""),
                                       (0.8f + 0.1f) / 2.0, 0.6f};
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

void TestViews::screenshots()
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
    const std::vector<std::pair<QWidget *, QSize>> views{{&heatmap, {720, 380}},
                                                          {&decisions, {460, 300}},
                                                          {&inspector, {360, 420}},
                                                          {&plots, {720, 320}}};
    const QStringList names{QStringLiteral("heatmap"), QStringLiteral("decisions"), QStringLiteral("inspector"),
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

QTEST_MAIN(TestViews)
#include "test_views.moc"
