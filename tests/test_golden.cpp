// Golden runs: numbers pinned in committed files, so a change to the noise hash, the sampler, the schedule or
// the model's arithmetic shows up here instead of silently breaking "continue a saved timeline with the same
// noise". Determinism run against run cannot catch that; these files can.
//
// tests/data/golden/*.json were written by this test with DLM_REGENERATE_GOLDEN=1 (see docs/timeline-format.md,
// "Golden files"): a deliberate act, never part of a normal run.

#include "core/base/compute_threads.h"
#include "core/base/counter_rng.h"
#include "core/base/file_util.h"
#include "core/base/sha256.h"
#include "core/model/llada_model.h"
#include "core/session/session.h"
#include "core/text/tokenizer.h"
#include "core/timeline/timeline_json.h"
#include "tiny_model.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

using namespace dlm;

namespace {

const std::string kGoldenDir = DLM_GOLDEN_DIR;
constexpr double kTolerance = 1e-5; // model arithmetic may differ in the last bits between CPUs and LibTorch builds

bool regenerating()
{
    return qEnvironmentVariable("DLM_REGENERATE_GOLDEN") == QLatin1String("1");
}

struct GoldenCase
{
    const char *name;
    GenerationSettings settings;
};

std::vector<GoldenCase> goldenCases()
{
    GenerationSettings greedy; // greedy low_confidence over two blocks
    greedy.genLength = 16;
    greedy.steps = 8;
    greedy.blockLength = 8;
    greedy.temperature = 0.0;
    greedy.measure = ConfidenceMeasure::LowConfidence;
    greedy.topK = 3;
    greedy.seed = 11;

    GenerationSettings sampled = greedy; // Gumbel noise from counter_rng decides the tokens
    sampled.genLength = 12;
    sampled.steps = 6;
    sampled.blockLength = 12;
    sampled.temperature = 0.9;
    sampled.seed = 20261127;

    GenerationSettings threshold = greedy; // the number committed per step depends on the confidences
    threshold.genLength = 12;
    threshold.steps = 12;
    threshold.blockLength = 12;
    threshold.useThreshold = true;
    threshold.threshold = 0.6;
    threshold.temperature = 0.5;
    threshold.seed = 5;
    // Two blocks, pinned before later blocks were recorded: its file's settings say skip. (The others have one
    // block, so nothing lies right of it.)
    greedy.laterBlocks = LaterBlocks::Skip;
    return {{"greedy_blocks", greedy}, {"temperature", sampled}, {"threshold", threshold}};
}

/** The timeline without timings, which differ run to run and would only add noise to the committed files. */
Timeline withoutTimings(const Timeline &t)
{
    Timeline out;
    out.settings = t.settings;
    out.model = t.model;
    out.promptIds = t.promptIds;
    out.promptText = t.promptText;
    out.pieces = t.pieces;
    const Branch &b = t.branch(0);
    for (int i = 0; i < b.size(); ++i) {
        StepRecord r = b.at(i);
        r.forwardMs = r.samplerMs = r.recordMs = 0.0;
        if (i == 0)
            out.start(std::move(r));
        else
            out.append(0, std::move(r));
    }
    return out;
}

bool close(float a, float b)
{
    if (std::isinf(a) || std::isinf(b) || std::isnan(a) || std::isnan(b))
        return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(a) && std::isnan(b));
    return std::fabs(double(a) - double(b)) <= kTolerance * std::max(1.0, std::fabs(double(a)));
}

/** The first difference between two records, or an empty string: exact for decisions, close for floats. */
QString recordDifference(const StepRecord &want, const StepRecord &got)
{
    const auto exact = [](const char *what, const auto &a, const auto &b) {
        return a == b ? QString() : QStringLiteral("%1 differs").arg(QLatin1String(what));
    };
    for (const QString &d : {exact("kind", want.kind, got.kind), exact("tokens", want.tokens, got.tokens),
             exact("states", want.states, got.states), exact("flags", want.flags, got.flags),
             exact("candidates", want.candidates, got.candidates), exact("top ids", want.topIds, got.topIds),
             exact("committed", want.committed, got.committed), exact("remasked", want.remasked, got.remasked),
             exact("quota", want.quota, got.quota), exact("block", want.block, got.block),
             exact("step", want.denoiseStep, got.denoiseStep)}) {
        if (!d.isEmpty())
            return d;
    }
    const std::pair<const char *, const std::vector<float> *> floats[][2]
        = {{{"confidence", &want.confidence}, {"", &got.confidence}},
            {{"probability", &want.probability}, {"", &got.probability}}, {{"margin", &want.margin}, {"", &got.margin}},
            {{"entropy", &want.entropy}, {"", &got.entropy}}, {{"top probs", &want.topProbs}, {"", &got.topProbs}}};
    for (const auto &pair : floats) {
        const std::vector<float> &a = *pair[0].second, &b = *pair[1].second;
        if (a.size() != b.size())
            return QStringLiteral("%1 has %2 values, expected %3")
                .arg(QLatin1String(pair[0].first))
                .arg(b.size())
                .arg(a.size());
        for (size_t i = 0; i < a.size(); ++i) {
            if (!close(a[i], b[i]))
                return QStringLiteral("%1[%2] is %3, expected %4")
                    .arg(QLatin1String(pair[0].first))
                    .arg(i)
                    .arg(double(b[i]), 0, 'g', 9)
                    .arg(double(a[i]), 0, 'g', 9);
        }
    }
    if (std::fabs(want.threshold - got.threshold) > kTolerance)
        return QStringLiteral("threshold differs");
    return {};
}

} // namespace

class TestGolden : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    std::shared_ptr<LladaModel> m_model;
    std::shared_ptr<Tokenizer> m_tokenizer;
    std::string m_weightsHash;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        const std::string dir = m_tmp.path().toStdString();
        // Seed 1234, F32, and weights large enough that predictions are peaked: with the default N(0, 0.02)
        // every confidence is within 1e-6 of 1/vocab, and decisions would hang on the last bits of a matmul.
        testing::TinyModelOptions options;
        options.weightStd = 0.5;
        const auto config = testing::writeTinyModel(dir, options);
        QVERIFY2(config.ok(), config.error().c_str());
        auto model = LladaModel::load(dir);
        QVERIFY2(model.ok(), model.error().c_str());
        m_model = *model;
        auto tokenizer = loadTokenizer(dir);
        QVERIFY2(tokenizer.ok(), tokenizer.error().c_str());
        m_tokenizer = *tokenizer;
        auto hash = sha256File(joinPath(dir, "model.safetensors"));
        QVERIFY2(hash.ok(), hash.error().c_str());
        m_weightsHash = *hash;
        setComputeThreads(1); // one thread: reductions in one order
    }

    /** Values from tests/golden/counter_rng_values.py, an independent implementation of the hash. */
    void counterRngValues()
    {
        QCOMPARE(mix64(0), 0xE220A8397B1DCDAFull);
        QCOMPARE(mix64(1), 0x910A2DEC89025CC1ull);
        QCOMPARE(mix64(0x0123456789ABCDEFull), 0x157A3807A48FAA9Dull);
        QCOMPARE(mix64(~0ull), 0xE4D971771B652C20ull);
        QCOMPARE(counterRowKey(0, RngStream::Gumbel, 0, 0), 0x8DF2B4B54FE69B09ull);
        QCOMPARE(counterRowKey(42, RngStream::Gumbel, 3, 17), 0x38B97E40B82C3013ull);
        QCOMPARE(counterRowKey(42, RngStream::RandomConfidence, 3, 17), 0x3C1FE38D4DB43242ull);
        QCOMPARE(counterRowKey(1234567890123ull, RngStream::Gumbel, 127, 4095), 0x1FFB261C40939C34ull);
        QCOMPARE(counterRowKey(~0ull, RngStream::RandomConfidence, 1000, 1), 0xEA9A5E07726D8C30ull);
        // The uniforms are produced by the same IEEE operations in both implementations: equal, not close.
        QCOMPARE(counterUniform(0, RngStream::Gumbel, 0, 0, 0), 0.56857364721330694);
        QCOMPARE(counterUniform(42, RngStream::Gumbel, 3, 17, 0), 0.14468027240507247);
        QCOMPARE(counterUniform(42, RngStream::Gumbel, 3, 17, 5), 0.86957764538389704);
        QCOMPARE(counterUniform(42, RngStream::RandomConfidence, 3, 17, 0), 0.93725255653401396);
        QCOMPARE(counterUniform(1234567890123ull, RngStream::Gumbel, 127, 4095, 126463), 0.73389344397839329);
        QCOMPARE(counterUniform(~0ull, RngStream::RandomConfidence, 1000, 1, 2), 0.11425708470004864);
    }

    /** The fixture model itself is pinned: its weights come from a specified generator, not torch's. */
    void fixtureModelIsPinned()
    {
        const std::string path = joinPath(kGoldenDir, "tiny_model.sha256");
        if (regenerating())
            QVERIFY(writeFileAtomic(path, m_weightsHash + "\n").ok());
        const auto pinned = readTextFile(path, 1024);
        QVERIFY2(pinned.ok(), pinned.error().c_str());
        QVERIFY2(*pinned == m_weightsHash + "\n",
            "tests/support/tiny_model.* now writes different weights; every golden run depends on them");
    }

    void runsMatchTheirGoldenFiles_data()
    {
        QTest::addColumn<int>("index");
        const auto cases = goldenCases();
        for (size_t i = 0; i < cases.size(); ++i)
            QTest::newRow(cases[i].name) << int(i);
    }
    void runsMatchTheirGoldenFiles()
    {
        QFETCH(int, index);
        const GoldenCase c = goldenCases()[size_t(index)];
        auto session = Session::create(m_model, m_tokenizer, c.settings, "the cat sat on");
        QVERIFY2(session.ok(), session.error().c_str());
        QVERIFY((*session)->run(nullptr).ok());
        QVERIFY((*session)->finished());
        const Timeline got = withoutTimings((*session)->timeline());

        const std::string path = joinPath(kGoldenDir, std::string(c.name) + ".json");
        if (regenerating()) {
            QVERIFY(saveTimeline(got, path).ok());
            qWarning("regenerated %s", path.c_str());
        }
        const auto want = loadTimeline(path);
        QVERIFY2(want.ok(), want.error().c_str());
        QVERIFY2(want->settings == c.settings, "the golden file was made with other settings");
        QCOMPARE(got.promptIds, want->promptIds);
        QCOMPARE(got.model.configHash, want->model.configHash);
        QCOMPARE(got.model.tokenizerHash, want->model.tokenizerHash);
        QCOMPARE(want->branchCount(), 1);
        const Branch &a = want->branch(0), &b = got.branch(0);
        QCOMPARE(b.size(), a.size());
        for (int i = 0; i < a.size(); ++i) {
            const QString difference = recordDifference(a.at(i), b.at(i));
            QVERIFY2(difference.isEmpty(), qPrintable(QStringLiteral("record %1: ").arg(i) + difference));
        }
    }
};

QTEST_GUILESS_MAIN(TestGolden)
#include "test_golden.moc"
