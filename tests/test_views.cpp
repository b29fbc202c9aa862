// The analysis views on timelines built by hand (test_views_fixture.h): the confidence heatmap and the
// remasking decision chart. The token inspector, run plots and screenshots are test_views_inspector.
#include "ui/views/decision_chart.h"
#include "ui/views/heatmap_view.h"

#include "test_views_fixture.h"

#include <qcustomplot.h>

#include <QSignalSpy>
#include <QtTest>

using namespace dlm;
using namespace dlm::testing;

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
    QCOMPARE(view.commitRecords(2), std::vector<int> {1});
    QCOMPARE(view.commitRecords(5), std::vector<int> {2});
    QCOMPARE(view.commitRecords(7), std::vector<int> {5});
    QCOMPARE(view.commitRecords(6), std::vector<int> {}); // edited, never committed by the sampler
    QCOMPARE(view.blockLineCount(), 1);
    QCOMPARE(view.blockLinePositions(), std::vector<int> {6});
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
    QTest::newRow("step 1") << 1 << std::vector<int> {2, 4, 3, 5} << 2 << 2;
    QTest::newRow("step 2") << 2 << std::vector<int> {3, 5} << 2 << 2;
    QTest::newRow("edit") << 3 << std::vector<int> {} << 0 << -1;
    QTest::newRow("block 2") << 4 << std::vector<int> {8, 9, 7} << 2 << 2;
    QTest::newRow("initial") << 0 << std::vector<int> {} << 0 << -1;
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

QTEST_MAIN(TestViews)
#include "test_views.moc"
