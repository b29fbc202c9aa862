// The experts view on hand-made routing: the selected position's router weights per layer and expert, the
// step's share of positions per expert (counted by hand), and what it says for records without routing.
#include "ui/views/experts_view.h"

#include <QtTest>

using namespace dlm;

namespace {

// 2 layers, 3 positions, top-2 of (at least) 4 experts.
StepRecord routed()
{
    StepRecord r;
    r.kind = RecordKind::Denoise;
    r.tokens = {5, 6, 7};
    r.states.assign(3, PositionState::Masked);
    r.flags.assign(3, 0);
    ExpertRouting &e = r.experts;
    e.layers = 2;
    e.positions = 3;
    e.k = 2;
    //        layer 0: p0      p1      p2      layer 1: p0      p1      p2
    e.ids = {0, 1, 1, 2, 3, 1, /**/ 2, 0, 2, 3, 2, 1};
    e.weights = {0.5f, 0.25f, 0.4f, 0.3f, 0.6f, 0.1f, /**/ 0.7f, 0.2f, 0.35f, 0.3f, 0.45f, 0.15f};
    return r;
}

Timeline timeline()
{
    Timeline t;
    StepRecord initial;
    initial.tokens = {5, 6, 7};
    initial.states.assign(3, PositionState::Masked);
    initial.flags.assign(3, 0);
    t.start(initial);
    t.append(0, routed());
    return t;
}

} // namespace

class TestExpertsView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void selectedPositionShowsItsWeights()
    {
        ExpertsView view;
        view.setTimelineBranch(timeline(), 0);
        view.setCurrentIndex(1);
        view.setPosition(1);
        QCOMPARE(view.layerCount(), 2);
        QCOMPARE(view.expertCount(), 4);
        QCOMPARE(view.cell(0, 1), double(0.4f));
        QCOMPARE(view.cell(0, 2), double(0.3f));
        QCOMPARE(view.cell(0, 0), 0.0);
        QCOMPARE(view.cell(1, 3), double(0.3f));
        QCOMPARE(view.cell(1, 2), double(0.35f));
        QVERIFY(view.caption().contains(QStringLiteral("Position 1")));
    }

    void stepSummaryCountsPositions()
    {
        ExpertsView view;
        view.setTimelineBranch(timeline(), 0);
        view.setCurrentIndex(1);
        view.setMode(ExpertsView::Mode::Step);
        // Layer 0: expert 1 chosen at p0, p1 and p2; expert 0 at p0; 2 at p1; 3 at p2.
        QCOMPARE(view.cell(0, 1), 1.0);
        QCOMPARE(view.cell(0, 0), 1.0 / 3);
        QCOMPARE(view.cell(0, 3), 1.0 / 3);
        // Layer 1: expert 2 at all three positions, 0, 3 and 1 once each.
        QCOMPARE(view.cell(1, 2), 1.0);
        QCOMPARE(view.cell(1, 1), 1.0 / 3);
    }

    void recordsWithoutRouting()
    {
        ExpertsView view;
        view.setTimelineBranch(timeline(), 0);
        view.setCurrentIndex(0); // the initial record: no forward pass
        view.setPosition(1);
        QCOMPARE(view.layerCount(), 0);
        QVERIFY(view.caption().contains(QStringLiteral("no expert routing")));
        view.setCurrentIndex(1);
        view.setPosition(-1);
        QCOMPARE(view.layerCount(), 0);
        QVERIFY(view.caption().contains(QStringLiteral("Select a position")));
        view.resize(300, 240);
        view.grab(); // paints without a grid
    }
};

QTEST_MAIN(TestExpertsView)
#include "test_experts_view.moc"
