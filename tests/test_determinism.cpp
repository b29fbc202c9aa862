// Same bits on every thread count and for any subset of rows: the promises of docs/architecture.md ("Same
// bits on every thread count"), each checked where it is made. ctest runs this executable once per OpenBLAS
// kernel family (OPENBLAS_CORETYPE unset, Haswell, SkylakeX, Cooperlake, Zen, Sandybridge, Prescott): their
// kernels round differently, and the promise is that within one machine nothing but the inputs decides a bit.
// - fixed_matmul's products (linear, per-head, head rows) give the same bits with 1, 2, 3 and 4 threads, at
//   the demo model's and LLaDA-1B's shapes and at odd ones, f32 and bf16, and are the products they claim;
// - the head on any subset of canvas rows (a block, scattered rows, a cached block's hidden states only) gives
//   exactly those rows of the full head;
// - every family's forward (LLaDA, Dream, LLaDA-MoE) gives the same logits on 1, 2 and 3 threads;
// - a seeded session (temperature 0.8, several samplers) records the same bits on 1 and 2 threads and auto;
// - `dlmstudio-cli generate --threads 1` and `--threads 2` write the same timeline on the demo model and on
//   a test model.
#include "core/base/compute_threads.h"
#include "core/model/fixed_matmul.h"
#include "core/model/llada_model.h"
#include "core/model/model_loader.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include "cli_process.h"
#include "tiny_family_model.h"
#include "tiny_session.h"

#include "source_dir.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <cstring>
#include <functional>

using namespace dlm;
using dlm::testing::TinySession;

namespace {

const int kThreadCounts[] = {1, 2, 3, 4};

/** Runs `compute` with each thread count; every result must equal the one-thread result bit for bit. */
QString sameOnEveryThreadCount(const std::function<at::Tensor()> &compute)
{
    const int before = at::get_num_threads();
    at::Tensor reference;
    QString problem;
    for (int threads : kThreadCounts) {
        at::set_num_threads(threads);
        const at::Tensor result = compute();
        if (!reference.defined())
            reference = result;
        else if (!at::equal(result, reference))
            problem = QStringLiteral("%1 threads differ from 1 thread").arg(threads);
        if (!problem.isEmpty())
            break;
    }
    at::set_num_threads(before);
    return problem;
}

at::Tensor randomMatrix(std::vector<int64_t> shape, at::ScalarType type, uint64_t seed)
{
    at::manual_seed(seed);
    return at::randn(shape).to(type);
}

bool sameRecordBits(const StepRecord &a, const StepRecord &b)
{
    auto bits = [](const std::vector<float> &x, const std::vector<float> &y) {
        return x.size() == y.size() && (x.empty() || std::memcmp(x.data(), y.data(), x.size() * sizeof(float)) == 0);
    };
    return a.tokens == b.tokens && a.states == b.states && a.committed == b.committed && a.remasked == b.remasked
        && a.candidates == b.candidates && bits(a.confidence, b.confidence) && a.topIds == b.topIds
        && bits(a.topProbs, b.topProbs) && bits(a.probability, b.probability) && bits(a.margin, b.margin)
        && bits(a.entropy, b.entropy) && a.quota == b.quota;
}

/** A timeline file without what may differ between equal runs: the thread setting and the measured times. */
nlohmann::json withoutTimes(nlohmann::json j)
{
    if (j.is_object()) {
        for (const char *key : {"threads", "forward_ms", "sampler_ms", "record_ms"})
            j.erase(key);
        for (auto &item : j.items())
            item.value() = withoutTimes(item.value());
    } else if (j.is_array()) {
        for (auto &item : j)
            item = withoutTimes(item);
    }
    return j;
}

QString cliPath()
{
    return QCoreApplication::applicationDirPath() + QStringLiteral("/dlmstudio-cli");
}

} // namespace

class TestDeterminism : public QObject
{
    Q_OBJECT

private:
    TinySession m_tiny;

private slots:
    void initTestCase()
    {
        QVERIFY2(m_tiny.open().empty(), "tiny model");
        qInfo("OPENBLAS_CORETYPE=%s", qgetenv("OPENBLAS_CORETYPE").isEmpty() ? "(unset)"
                                                                              : qgetenv("OPENBLAS_CORETYPE").constData());
    }

    void linearIgnoresThreadCount_data()
    {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("inner");
        QTest::addColumn<int>("outer");
        QTest::addColumn<bool>("bf16");
        QTest::addColumn<bool>("bias");
        // The demo model's products (69 canvas rows, d 256, ff 768, vocab 4096), a 1B-class layer, odd sizes.
        QTest::newRow("demo q/k/v/o") << 69 << 256 << 256 << false << false;
        QTest::newRow("demo ff up") << 69 << 256 << 768 << false << false;
        QTest::newRow("demo ff down") << 69 << 768 << 256 << false << false;
        QTest::newRow("demo head") << 69 << 256 << 4096 << false << false;
        QTest::newRow("1B-class layer, bf16") << 48 << 2048 << 2048 << true << false;
        QTest::newRow("Dream q with bias") << 37 << 128 << 128 << false << true;
        QTest::newRow("odd sizes") << 13 << 97 << 1001 << false << true;
        QTest::newRow("odd sizes, bf16") << 13 << 97 << 1001 << true << false;
        QTest::newRow("one row") << 1 << 256 << 4096 << false << false;
    }

    void linearIgnoresThreadCount()
    {
        QFETCH(int, rows);
        QFETCH(int, inner);
        QFETCH(int, outer);
        QFETCH(bool, bf16);
        QFETCH(bool, bias);
        const at::ScalarType type = bf16 ? at::kBFloat16 : at::kFloat;
        const at::Tensor x = randomMatrix({1, rows, inner}, type, 1);
        const at::Tensor w = randomMatrix({outer, inner}, type, 2);
        const at::Tensor b = bias ? randomMatrix({outer}, type, 3) : at::Tensor();
        const QString problem = sameOnEveryThreadCount([&] { return fixedLinear(x, w, b); });
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        // And it is the product it claims to be (same values as torch's, to rounding).
        const at::Tensor ours = fixedLinear(x, w, b).to(at::kDouble);
        const at::Tensor exact = at::linear(x.to(at::kDouble), w.to(at::kDouble), bias ? b.to(at::kDouble) : b);
        QVERIFY(at::allclose(ours, exact, bf16 ? 5e-2 : 1e-4, bf16 ? 1.0 : 1e-3));
        QCOMPARE(ours.sizes().vec(), (std::vector<int64_t> {1, rows, outer}));
    }

    void batchedMatmulIgnoresThreadCount_data()
    {
        QTest::addColumn<bool>("transposed");
        QTest::addColumn<bool>("bf16");
        QTest::newRow("q k^T (a transposed view)") << true << false;
        QTest::newRow("att v") << false << false;
        QTest::newRow("q k^T, bf16") << true << true;
    }

    void batchedMatmulIgnoresThreadCount()
    {
        QFETCH(bool, transposed);
        QFETCH(bool, bf16);
        const at::ScalarType type = bf16 ? at::kBFloat16 : at::kFloat;
        const at::Tensor a = randomMatrix({8, 69, 64}, type, 4);
        const at::Tensor b = transposed ? randomMatrix({8, 69, 64}, type, 5).transpose(1, 2)
                                        : randomMatrix({8, 64, 69}, type, 5);
        const QString problem = sameOnEveryThreadCount([&] { return fixedBatchedMatmul(a, b); });
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY(at::allclose(fixedBatchedMatmul(a, b).to(at::kDouble), at::matmul(a.to(at::kDouble), b.to(at::kDouble)),
                             bf16 ? 5e-2 : 1e-4, bf16 ? 1.0 : 1e-3));
    }

    void headRowsAreTheFullHeadsRows_data()
    {
        QTest::addColumn<QVector<int>>("rows");
        QTest::addColumn<bool>("bf16");
        QTest::newRow("one row") << QVector<int> {5} << false;
        QTest::newRow("a block") << QVector<int> {40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50} << false;
        QTest::newRow("scattered") << QVector<int> {0, 3, 17, 18, 23, 64, 99, 130} << false;
        QTest::newRow("out of order, repeated") << QVector<int> {99, 3, 17, 3} << false;
        QTest::newRow("scattered, bf16") << QVector<int> {0, 3, 17, 18, 23, 64, 99} << true;
        QTest::newRow("last rows") << QVector<int> {147, 148, 149} << false;
    }

    void headRowsAreTheFullHeadsRows()
    {
        QFETCH(QVector<int>, rows);
        QFETCH(bool, bf16);
        const at::ScalarType type = bf16 ? at::kBFloat16 : at::kFloat;
        const int64_t length = 150;
        const at::Tensor hidden = randomMatrix({1, length, 256}, type, 6);
        const at::Tensor head = randomMatrix({4096, 256}, type, 7);
        const at::Tensor index = at::tensor(std::vector<int64_t>(rows.begin(), rows.end()), at::kLong);
        const at::Tensor full = fixedHeadRows(hidden, 0, at::arange(length), head, length);
        const QString problem = sameOnEveryThreadCount([&] { return fixedHeadRows(hidden, 0, index, head, length); });
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY(at::equal(fixedHeadRows(hidden, 0, index, head, length), full.index_select(1, index)));
        // A cached block: only the hidden states of positions [first, last] exist, the rest of each tile is absent.
        const int64_t first = *std::min_element(rows.begin(), rows.end()), last = *std::max_element(rows.begin(), rows.end());
        const at::Tensor block = hidden.narrow(1, first, last - first + 1);
        QVERIFY(at::equal(fixedHeadRows(block, first, index, head, length), full.index_select(1, index)));
        QVERIFY(at::allclose(full.to(at::kDouble), at::linear(hidden.to(at::kDouble), head.to(at::kDouble)),
                             bf16 ? 5e-2 : 1e-4, bf16 ? 1.0 : 1e-3));
    }

    void headRowsOfRandomSubsets()
    {
        const at::Tensor hidden = randomMatrix({1, 77, 96}, at::kFloat, 8);
        const at::Tensor head = randomMatrix({3001, 96}, at::kFloat, 9);
        const at::Tensor full = fixedHeadRows(hidden, 0, at::arange(77), head, 77);
        at::manual_seed(10);
        for (int trial = 0; trial < 40; ++trial) {
            const int64_t count = 1 + trial % 20;
            const at::Tensor rows = at::randperm(77).narrow(0, 0, count);
            QVERIFY2(at::equal(fixedHeadRows(hidden, 0, rows, head, 77), full.index_select(1, rows)),
                     qPrintable(QStringLiteral("trial %1").arg(trial)));
        }
    }

    void forwardIgnoresThreadCount_data()
    {
        QTest::addColumn<int>("family");
        QTest::addColumn<bool>("bf16");
        QTest::newRow("LLaDA") << int(ModelFamily::Llada) << false;
        QTest::newRow("LLaDA, bf16") << int(ModelFamily::Llada) << true;
        QTest::newRow("Dream") << int(ModelFamily::Dream) << false;
        QTest::newRow("Dream, bf16") << int(ModelFamily::Dream) << true;
        QTest::newRow("LLaDA-MoE") << int(ModelFamily::LladaMoe) << false;
    }

    void forwardIgnoresThreadCount()
    {
        QFETCH(int, family);
        QFETCH(bool, bf16);
        QTemporaryDir dir;
        std::shared_ptr<LogitsModel> model;
        if (ModelFamily(family) == ModelFamily::Llada) {
            testing::TinyModelOptions options;
            options.dModel = 64;
            QVERIFY(testing::writeTinyModel(dir.path().toStdString(), options).ok());
        } else {
            testing::TinyFamilyOptions options;
            options.family = ModelFamily(family);
            options.dModel = 64;
            QVERIFY(testing::writeTinyFamilyModel(dir.path().toStdString(), options).ok());
        }
        auto loaded = loadModelDirectory(dir.path().toStdString(), bf16 ? ComputeDType::BF16 : ComputeDType::F32);
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().c_str());
        model = loaded->model;
        at::manual_seed(11);
        const at::Tensor ids = at::randint(0, model->config().vocabSize, {1, 45}, at::kLong);
        const c10::InferenceMode asTheEngineRuns; // its tensors are inference tensors, in every piece's thread
        const QString problem = sameOnEveryThreadCount([&] { return model->logits(ids); });
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    void seededRunsIgnoreThreadCount_data()
    {
        QTest::addColumn<int>("remasking");
        QTest::addColumn<double>("cfg");
        QTest::addColumn<double>("threshold");
        QTest::newRow("low confidence") << int(ConfidenceMeasure::LowConfidence) << 0.0 << 0.0;
        QTest::newRow("entropy, cfg") << int(ConfidenceMeasure::Entropy) << 1.5 << 0.0;
        QTest::newRow("margin, threshold") << int(ConfidenceMeasure::Margin) << 0.0 << 0.3;
    }

    void seededRunsIgnoreThreadCount()
    {
        QFETCH(int, remasking);
        QFETCH(double, cfg);
        QFETCH(double, threshold);
        GenerationSettings s;
        s.genLength = 24;
        s.blockLength = 8;
        s.steps = 12;
        s.temperature = 0.8;
        s.seed = 11;
        s.topK = 5;
        s.measure = ConfidenceMeasure(remasking);
        s.cfgScale = cfg;
        if (threshold > 0) {
            s.useThreshold = true;
            s.threshold = threshold;
        }
        std::vector<std::unique_ptr<Session>> runs;
        for (int threads : {1, 2, 0}) { // 0: auto, the count chosen per step from the machine's load
            setComputeThreads(threads);
            runs.push_back(m_tiny.make(s));
            QVERIFY(runs.back()->run(nullptr).ok());
        }
        setComputeThreads(2);
        const Branch &reference = runs[0]->timeline().branch(0);
        for (size_t r = 1; r < runs.size(); ++r) {
            const Branch &other = runs[r]->timeline().branch(0);
            QCOMPARE(other.size(), reference.size());
            for (int i = 0; i < reference.size(); ++i)
                QVERIFY2(sameRecordBits(reference.at(i), other.at(i)),
                         qPrintable(QStringLiteral("run %1, record %2 differs").arg(r).arg(i)));
        }
    }

    void cliGenerateIgnoresThreadCount_data()
    {
        QTest::addColumn<bool>("demo");
        QTest::newRow("demo model") << true;
        QTest::newRow("test model") << false;
    }

    void cliGenerateIgnoresThreadCount()
    {
        QFETCH(bool, demo);
        const QString model = demo ? dlm::testing::sourceDir() + QStringLiteral("/models/demo")
                                   : QString::fromStdString(m_tiny.dir());
        if (demo && !QFileInfo::exists(model + QStringLiteral("/config.json")))
            QFAIL("the demo model is missing (models/demo)");
        QTemporaryDir out;
        nlohmann::json timelines[2];
        for (int i = 0; i < 2; ++i) {
            const QString file = out.filePath(QStringLiteral("run%1.json").arg(i));
            const auto r = testing::runProcess(cliPath(),
                {QStringLiteral("generate"), QStringLiteral("--model"), model, QStringLiteral("--prompt"),
                 QStringLiteral("Once upon a time"), QStringLiteral("--gen-length"), QStringLiteral("48"),
                 QStringLiteral("--steps"), QStringLiteral("24"), QStringLiteral("--block-length"),
                 QStringLiteral("16"), QStringLiteral("--temperature"), QStringLiteral("0.8"),
                 QStringLiteral("--seed"), QStringLiteral("7"), QStringLiteral("--threads"), QString::number(i + 1),
                 QStringLiteral("--timeline"), file});
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            QFile f(file);
            QVERIFY(f.open(QIODevice::ReadOnly));
            timelines[i] = withoutTimes(nlohmann::json::parse(f.readAll().toStdString()));
        }
        QVERIFY(timelines[0].contains("branches") || !timelines[0].empty());
        QVERIFY2(timelines[0] == timelines[1], "the timelines of --threads 1 and --threads 2 differ");
    }
};

QTEST_GUILESS_MAIN(TestDeterminism)
#include "test_determinism.moc"
