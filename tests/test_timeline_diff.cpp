// timeline_diff on timelines built by hand: which positions differ, where two branches first part, the
// settings that differ, and the per-record series the compare view overlays.
#include "core/timeline/timeline_diff.h"
#include "core/timeline/timeline_json.h"

#include <QtTest>

#include <cmath>

using namespace dlm;

namespace {

constexpr int32_t kMask = 9;

// Canvas: prompt {1, 2} and four generated positions.
StepRecord initial()
{
    StepRecord r;
    r.kind = RecordKind::Initial;
    r.tokens = {1, 2, kMask, kMask, kMask, kMask};
    r.states = {PositionState::Prompt, PositionState::Prompt, PositionState::Masked, PositionState::Masked,
        PositionState::Masked, PositionState::Masked};
    r.flags.assign(6, 0);
    return r;
}

// A denoise record committing `commits` (position -> token, with p(candidate) `p`) on top of `prev`.
StepRecord commit(const StepRecord &prev, int step, std::vector<std::pair<int, int32_t>> commits, float p)
{
    StepRecord r = prev;
    r.kind = RecordKind::Denoise;
    r.denoiseStep = step;
    r.candidates.assign(6, -1);
    r.probability.assign(6, std::nanf(""));
    r.confidence.assign(6, -INFINITY);
    r.margin.assign(6, std::nanf(""));
    r.entropy.assign(6, std::nanf(""));
    r.committed.clear();
    for (auto [pos, tok] : commits) {
        r.tokens[static_cast<size_t>(pos)] = tok;
        r.states[static_cast<size_t>(pos)] = PositionState::CommittedThisStep;
        r.candidates[static_cast<size_t>(pos)] = tok;
        r.probability[static_cast<size_t>(pos)] = p;
        r.committed.push_back(pos);
    }
    return r;
}

// Root: commits 2->10, then 3->11, then 4->12 and 5->13. Branch 1 forks after the first step and commits
// 3->11 (same), then 4->20 and 5->13. Branch 2 forks after the first step and commits 5->30 first.
Timeline twoRuns()
{
    Timeline t;
    t.model.maskId = kMask;
    t.model.vocabSize = 40;
    t.promptIds = {1, 2};
    t.settings.genLength = 4;
    t.settings.steps = 3;
    t.settings.blockLength = 4;
    const StepRecord r0 = initial();
    t.start(r0);
    const StepRecord r1 = commit(r0, 1, {{2, 10}}, 0.9f);
    t.append(0, r1);
    const StepRecord r2 = commit(r1, 2, {{3, 11}}, 0.8f);
    t.append(0, r2);
    t.append(0, commit(r2, 3, {{4, 12}, {5, 13}}, 0.5f));

    const int b1 = t.fork(0, 1);
    const StepRecord s2 = commit(r1, 2, {{3, 11}}, 0.8f); // equal tokens, another object
    t.append(b1, s2);
    t.append(b1, commit(s2, 3, {{4, 20}, {5, 13}}, 0.7f));

    const int b2 = t.fork(0, 1);
    t.append(b2, commit(r1, 2, {{5, 30}}, 0.6f));
    return t;
}

} // namespace

class TestTimelineDiff : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void differingPositions_data();
    void differingPositions();
    void divergence_data();
    void divergence();
    void earlierRecords();
    void settingsDifferences();
    void series();
    void branchSettingsRoundTrip();
    void missingBranchThrows();
};

void TestTimelineDiff::differingPositions_data()
{
    QTest::addColumn<int>("a");
    QTest::addColumn<int>("b");
    QTest::addColumn<QList<int>>("differing");
    QTest::newRow("root vs 1: position 4 only") << 0 << 1 << QList<int> {4};
    QTest::newRow("root vs 2: 3, 4, 5") << 0 << 2 << QList<int> {3, 4, 5};
    QTest::newRow("1 vs 2: 3, 4, 5") << 1 << 2 << QList<int> {3, 4, 5};
    QTest::newRow("a branch with itself") << 1 << 1 << QList<int> {};
}

void TestTimelineDiff::differingPositions()
{
    QFETCH(int, a);
    QFETCH(int, b);
    QFETCH(QList<int>, differing);
    const Timeline t = twoRuns();
    const TimelineDiff d = diffBranches(t, a, b);
    QCOMPARE(QList<int>(d.differing.begin(), d.differing.end()), differing);
    QCOMPARE(static_cast<int>(d.positions.size()), 6);
    for (const PositionDiff &p : d.positions) {
        QCOMPARE(p.differs, differing.contains(p.position));
        QCOMPARE(p.tokenA, t.branch(a).last().tokens[static_cast<size_t>(p.position)]);
        QCOMPARE(p.tokenB, t.branch(b).last().tokens[static_cast<size_t>(p.position)]);
    }
}

void TestTimelineDiff::divergence_data()
{
    QTest::addColumn<int>("a");
    QTest::addColumn<int>("b");
    QTest::addColumn<bool>("found");
    QTest::addColumn<int>("record");
    QTest::addColumn<int>("step");
    QTest::addColumn<int>("position");
    // Branch 1's record 2 is a different object with the same tokens: not a divergence.
    QTest::newRow("root vs 1") << 0 << 1 << true << 3 << 3 << 4;
    QTest::newRow("root vs 2") << 0 << 2 << true << 2 << 2 << 3;
    QTest::newRow("2 vs 1") << 2 << 1 << true << 2 << 2 << 3;
    QTest::newRow("itself") << 0 << 0 << false << -1 << -1 << -1;
}

void TestTimelineDiff::divergence()
{
    QFETCH(int, a);
    QFETCH(int, b);
    QFETCH(bool, found);
    QFETCH(int, record);
    QFETCH(int, step);
    QFETCH(int, position);
    const TimelineDiff d = diffBranches(twoRuns(), a, b);
    QCOMPARE(d.divergence.found, found);
    QCOMPARE(d.divergence.record, record);
    QCOMPARE(d.divergence.denoiseStep, step);
    QCOMPARE(d.divergence.position, position);
}

void TestTimelineDiff::earlierRecords()
{
    // At record 1 the branches still share everything; at record 2 of the root vs record 2 of branch 2
    // positions 3 (11 vs mask) and 5 (mask vs 30) differ.
    const Timeline t = twoRuns();
    QVERIFY(diffBranches(t, 0, 2, 1, 1).differing.empty());
    const TimelineDiff d = diffBranches(t, 0, 2, 2, 2);
    QCOMPARE(d.differing, (std::vector<int> {3, 5}));
    QCOMPARE(d.positions[3].stateA, PositionState::CommittedThisStep);
    QCOMPARE(d.positions[3].stateB, PositionState::Masked);
    QCOMPARE(d.indexA, 2);
}

void TestTimelineDiff::settingsDifferences()
{
    Timeline t = twoRuns();
    QVERIFY(diffBranches(t, 0, 1).settingsDifferences.empty());
    GenerationSettings other = t.settings;
    other.steps = 4;
    other.temperature = 0.5;
    t.branchForLoading(1).settings = std::make_shared<const GenerationSettings>(other);
    const int forked = t.fork(1, 1);
    QCOMPARE(t.settingsFor(forked).steps, 4); // forks keep their branch's settings
    const auto diffs = diffBranches(t, 0, 1).settingsDifferences;
    QCOMPARE(static_cast<int>(diffs.size()), 2);
    QCOMPARE(QString::fromStdString(diffs[0]), QStringLiteral("steps: 3 vs 4"));
    QCOMPARE(QString::fromStdString(diffs[1]), QStringLiteral("temperature: 0 vs 0.5"));
}

void TestTimelineDiff::series()
{
    const RunSeries s = runSeries(twoRuns().branch(1), kMask);
    QCOMPARE(s.masked, (std::vector<double> {4, 3, 2, 0}));
    QCOMPARE(s.committed, (std::vector<double> {0, 1, 1, 2}));
    QVERIFY(std::isnan(s.meanConfidence[0]));
    QCOMPARE(s.meanConfidence[1], double(0.9f));
    QCOMPARE(s.meanConfidence[3], double(0.7f));
}

void TestTimelineDiff::branchSettingsRoundTrip()
{
    // A branch's own settings survive a save; a file without them (every older file) gives none.
    Timeline t = twoRuns();
    GenerationSettings other = t.settings;
    other.steps = 2;
    other.measure = ConfidenceMeasure::Margin;
    t.branchForLoading(2).settings = std::make_shared<const GenerationSettings>(other);
    const std::string json = timelineToJson(t);
    auto back = timelineFromJson(json, "mem.json");
    QVERIFY2(back.ok(), back.ok() ? "" : back.error().c_str());
    QVERIFY(!back->branch(0).settings);
    QVERIFY(!back->branch(1).settings);
    QVERIFY(back->branch(2).settings);
    QVERIFY(*back->branch(2).settings == other);
    QVERIFY(back->settingsFor(1) == t.settings);

    const std::string plain = timelineToJson(twoRuns());
    QVERIFY(plain.find("\"settings\":{") == plain.rfind("\"settings\":{")); // only the top-level one
}

void TestTimelineDiff::missingBranchThrows()
{
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, diffBranches(twoRuns(), 0, 7));
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, diffBranches(twoRuns(), 0, 1, 9));
}

QTEST_GUILESS_MAIN(TestTimelineDiff)
#include "test_timeline_diff.moc"
