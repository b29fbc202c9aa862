// Stopping a step inside its forward pass, on real tiny models (LLaDA's and Dream's samplers, with and
// without Fast-dLLM's caches):
// - the step progress callback sees stages 1..layers+1 in order, once per step, with the step's number;
// - returning false at stage k makes step() return stopped() with the timeline and cursor unchanged;
// - the steps after a stop make exactly the records an uninterrupted session makes (tokens, candidates,
//   confidences bit for bit), also when the stop hit a pass filling the dual cache or a pass reading it;
// - a refill stopped half way is never read as the cache it was replacing.
#include "core/model/model_loader.h"

#include "tiny_family_model.h"
#include "tiny_session.h"

#include <QtTest>

#include <cstring>

using namespace dlm;
using dlm::testing::TinySession;

namespace {

constexpr int kLayers = 3; // stages per pass: 3 layers and the output head

enum class Fixture { Llada, Dream };

struct Seen
{
    int step, done, total;
};

GenerationSettings lladaSettings(CacheMode cache = CacheMode::None, double temperature = 0.0)
{
    GenerationSettings s;
    s.genLength = 16;
    s.blockLength = 8;
    s.steps = 8; // two blocks of four steps: steps 1 and 5 fill a cache, the others read it
    s.cache = cache;
    s.temperature = temperature;
    return s;
}

GenerationSettings dreamSettings()
{
    GenerationSettings s = dreamDefaults();
    s.genLength = 12;
    s.blockLength = 12;
    s.steps = 6;
    return s;
}

bool sameFloats(const std::vector<float> &a, const std::vector<float> &b)
{
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

} // namespace

class TestSessionStop : public QObject
{
    Q_OBJECT

private:
    TinySession m_llada;
    LoadedModel m_dream;
    QTemporaryDir m_dreamDir;

    std::unique_ptr<Session> make(Fixture fixture, const GenerationSettings &settings)
    {
        if (fixture == Fixture::Llada)
            return m_llada.make(settings);
        auto session = Session::create(m_dream.model, m_dream.tokenizer, settings, "the cat sat on");
        if (!session.ok())
            qFatal("%s", session.error().c_str());
        return std::move(*session);
    }

private Q_SLOTS:
    void initTestCase()
    {
        testing::TinyModelOptions options;
        options.nLayers = kLayers;
        options.weightStd = 0.2; // peaky predictions: no near ties that could hide a difference
        const std::string problem = m_llada.open(2, options);
        QVERIFY2(problem.empty(), problem.c_str());

        QVERIFY(m_dreamDir.isValid());
        testing::TinyFamilyOptions dream;
        dream.nLayers = kLayers;
        auto written = testing::writeTinyFamilyModel(m_dreamDir.path().toStdString(), dream);
        QVERIFY2(written.ok(), written.ok() ? "" : written.error().c_str());
        auto loaded = loadModelDirectory(m_dreamDir.path().toStdString());
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().c_str());
        m_dream = std::move(*loaded);
        QCOMPARE(m_dream.family, ModelFamily::Dream);
    }

    void progressSeesEveryLayerOfEveryStep_data()
    {
        QTest::addColumn<int>("fixture");
        QTest::addColumn<int>("cache");
        QTest::newRow("llada") << int(Fixture::Llada) << int(CacheMode::None);
        QTest::newRow("llada, dual cache") << int(Fixture::Llada) << int(CacheMode::Dual);
        QTest::newRow("llada, prefix cache") << int(Fixture::Llada) << int(CacheMode::Prefix);
        QTest::newRow("dream") << int(Fixture::Dream) << int(CacheMode::None);
    }

    void progressSeesEveryLayerOfEveryStep()
    {
        QFETCH(int, fixture);
        QFETCH(int, cache);
        const GenerationSettings settings
            = Fixture(fixture) == Fixture::Dream ? dreamSettings() : lladaSettings(CacheMode(cache));
        auto session = make(Fixture(fixture), settings);
        std::vector<Seen> seen;
        session->setStepProgress([&](const StepProgressInfo &i) {
            seen.push_back({i.denoiseStep, i.layersDone, i.layersTotal});
            return true;
        });
        QVERIFY(session->run({}).ok());
        const Branch &branch = session->timeline().branch(0);
        const int steps = branch.size() - 1;
        QVERIFY(steps >= 4);
        QCOMPARE(int(seen.size()), steps * (kLayers + 1));
        int cached = 0;
        for (int step = 1; step <= steps; ++step) {
            QCOMPARE(branch.at(step).denoiseStep, step);
            cached += branch.at(step).forwardPositions < branch.at(step).length();
            for (int stage = 1; stage <= kLayers + 1; ++stage) {
                const Seen &s = seen[size_t((step - 1) * (kLayers + 1) + stage - 1)];
                QCOMPARE(s.step, step);
                QCOMPARE(s.done, stage);
                QCOMPARE(s.total, kLayers + 1);
            }
        }
        // The cached rows did run cached passes (which report their layers like full ones).
        QCOMPARE(cached > 0, settings.cache != CacheMode::None);
    }

    void stopLeavesTheTimelineAndLaterStepsMatch_data()
    {
        QTest::addColumn<int>("fixture");
        QTest::addColumn<int>("cache");
        QTest::addColumn<double>("temperature");
        QTest::addColumn<int>("stopStep");
        QTest::addColumn<int>("stopStage");
        const int llada = int(Fixture::Llada), none = int(CacheMode::None), dual = int(CacheMode::Dual);
        QTest::newRow("llada, step 2 after layer 1") << llada << none << 0.0 << 2 << 1;
        QTest::newRow("llada, step 3 after the head") << llada << none << 0.0 << 3 << kLayers + 1;
        QTest::newRow("llada, temperature, step 2 after layer 2") << llada << none << 0.8 << 2 << 2;
        QTest::newRow("dual, step 1 filling the cache") << llada << dual << 0.0 << 1 << 2;
        QTest::newRow("dual, step 5 refilling it for block 2") << llada << dual << 0.0 << 5 << 1;
        QTest::newRow("dual, cached step 2 after layer 1") << llada << dual << 0.0 << 2 << 1;
        QTest::newRow("dual, cached step 3 after layer 2") << llada << dual << 0.0 << 3 << 2;
        QTest::newRow("prefix, cached step 6 after layer 2") << llada << int(CacheMode::Prefix) << 0.0 << 6 << 2;
        QTest::newRow("dream, step 2 after layer 1") << int(Fixture::Dream) << none << 0.0 << 2 << 1;
        QTest::newRow("dream, step 4 after the head") << int(Fixture::Dream) << none << 0.0 << 4 << kLayers + 1;
    }

    void stopLeavesTheTimelineAndLaterStepsMatch()
    {
        QFETCH(int, fixture);
        QFETCH(int, cache);
        QFETCH(double, temperature);
        QFETCH(int, stopStep);
        QFETCH(int, stopStage);
        const GenerationSettings settings
            = Fixture(fixture) == Fixture::Dream ? dreamSettings() : lladaSettings(CacheMode(cache), temperature);
        auto reference = make(Fixture(fixture), settings);
        QVERIFY(reference->run({}).ok());

        auto session = make(Fixture(fixture), settings);
        bool stopped = false;
        int reportsAfterStop = 0;
        session->setStepProgress([&](const StepProgressInfo &i) {
            if (stopped) {
                ++reportsAfterStop;
                return true; // one stop only: the same step is computed again afterwards
            }
            stopped = i.denoiseStep == stopStep && i.layersDone == stopStage;
            return !stopped;
        });
        for (int step = 1; step < stopStep; ++step)
            QVERIFY(session->step().ok());
        QVERIFY(!stopped);

        const Timeline before = session->timeline();
        const int index = session->index();
        const auto tip = before.branch(0).records.back();
        const Status result = session->step();
        QVERIFY(stopped);
        QVERIFY(!result.ok());
        QVERIFY(result.stopped());
        QCOMPARE(reportsAfterStop, 0); // no stage ran after the one that said stop
        QCOMPARE(session->index(), index);
        QCOMPARE(session->timeline().branchCount(), 1);
        QCOMPARE(session->timeline().branch(0).size(), before.branch(0).size());
        QCOMPARE(session->timeline().branch(0).records.back().get(), tip.get());

        QVERIFY(session->run({}).ok());
        const Branch &got = session->timeline().branch(0), &want = reference->timeline().branch(0);
        QCOMPARE(got.size(), want.size());
        for (int i = 1; i < got.size(); ++i) {
            const StepRecord &a = got.at(i), &b = want.at(i);
            QCOMPARE(a.denoiseStep, b.denoiseStep);
            QCOMPARE(a.tokens, b.tokens);
            QCOMPARE(a.candidates, b.candidates);
            QVERIFY2(sameFloats(a.confidence, b.confidence), qPrintable(QStringLiteral("record %1").arg(i)));
            QVERIFY(sameFloats(a.probability, b.probability));
            QCOMPARE(a.topIds, b.topIds);
            QCOMPARE(a.committed, b.committed);
            QCOMPARE(a.remasked, b.remasked);
            QCOMPARE(a.forwardPositions, b.forwardPositions); // the cache was used where it was before
        }
    }

    void stoppedRefillIsNotTakenForTheOldCache()
    {
        // An edit after the block makes the next step refill the dual cache; stopped half way, the refill has
        // overwritten some layers of keys and values kept for the canvas before the edit. Once the edit is
        // taken back, the canvas is that one again: the next step must refill, as it does when the refill
        // had completed, and not read the half-overwritten cache.
        auto run = [&](bool stopTheRefill) {
            auto session = make(Fixture::Llada, lladaSettings(CacheMode::Dual));
            bool stop = false;
            session->setStepProgress([&](const StepProgressInfo &i) { return !(stop && i.layersDone == 2); });
            if (!session->step().ok() || !session->step().ok())
                qFatal("steps failed");
            const int last = session->current().length() - 1;
            if (!session->setTokens(last, {5}).ok())
                qFatal("edit refused");
            const int editIndex = session->index();
            const StepRecord *edit = &session->current();
            stop = stopTheRefill;
            const Status refill = session->step();
            stop = false;
            if (refill.stopped() != stopTheRefill || (!stopTheRefill && !refill.ok()))
                qFatal("the refill did not go as planned");
            if (!stopTheRefill && !session->goTo(editIndex).ok())
                qFatal("cannot go back to the edit");
            if (!session->takeBackEdit(session->branchId(), editIndex, edit).ok())
                qFatal("cannot take the edit back");
            if (!session->step().ok())
                qFatal("the step after the undo failed");
            return std::make_shared<StepRecord>(session->current());
        };
        const auto completed = run(false), stopped = run(true);
        QCOMPARE(stopped->denoiseStep, 3);
        QCOMPARE(stopped->forwardPositions, stopped->length()); // a refill, not a cached pass
        QCOMPARE(stopped->tokens, completed->tokens);
        QVERIFY(sameFloats(stopped->confidence, completed->confidence));
    }
};

QTEST_GUILESS_MAIN(TestSessionStop)
#include "test_session_stop.moc"
