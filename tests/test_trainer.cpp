// The trainer: LLaDA's masked diffusion loss against a direct computation, the learning-rate schedule, token
// files, learning on a tiny repetitive corpus, bit-exact resume from a checkpoint, and an exported model
// directory that loads and generates.
#include "core/model/logits_model.h"
#include "core/train/mdm_loss.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "core/sampling/generation_config.h"
#include "core/model/model_loader.h"
#include "core/session/session.h"
#include "core/train/token_data.h"
#include "core/text/tokenizer.h"
#include "core/train/train_config.h"
#include "core/train/train_files.h"
#include "core/train/trainer.h"
#include "core/base/file_util.h"
#include "tiny_tokenizer.h"

#include <QtTest>

#include <QTemporaryDir>

#include <cmath>
#include <fstream>

using namespace dlm;

namespace {

/** logits[b, i] = table[ids[b, i]]: the prediction depends on the input token only, so a masked position's
 *  logits are the mask row's and the expected loss can be computed by hand. */
class TableModel : public LogitsModel
{
public:
    explicit TableModel(at::Tensor table)
        : m_table(std::move(table))
    {
        m_config.vocabSize = static_cast<int>(m_table.size(1));
        m_config.maskTokenId = static_cast<int32_t>(m_table.size(0) - 1);
    }
    at::Tensor logits(const at::Tensor &ids) override
    {
        return m_table.index_select(0, ids.reshape({-1})).view({ids.size(0), ids.size(1), -1});
    }
    const ModelConfig &config() const override { return m_config; }
    std::string name() const override { return "table"; }
    std::string configHash() const override { return {}; }

private:
    at::Tensor m_table;
    ModelConfig m_config;
};

double logSumExp(const float *row, int n)
{
    double m = row[0];
    for (int i = 1; i < n; ++i)
        m = std::max(m, double(row[i]));
    double s = 0;
    for (int i = 0; i < n; ++i)
        s += std::exp(double(row[i]) - m);
    return m + std::log(s);
}

void writeBytes(const QString &path, const std::string &bytes)
{
    std::ofstream f(path.toStdString(), std::ios::binary);
    f << bytes;
}

} // namespace

class TestTrainer : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string m_tokenizer;
    std::string m_train;

    /** A tiny config on the repetitive corpus; `out` is a fresh directory name under the temp dir. */
    TrainConfig tinyConfig(const char *out) const
    {
        TrainConfig c;
        c.dModel = 32;
        c.nHeads = 4;
        c.nKvHeads = 2;
        c.nLayers = 2;
        c.mlpHiddenSize = 64;
        c.seqLen = 32;
        c.batchSize = 8;
        c.totalSteps = 8;
        c.warmupSteps = 2;
        c.lr = 1e-2;
        c.minLr = 1e-3;
        c.seed = 5;
        c.threads = 2;
        c.checkpointEvery = 0;
        c.evalEvery = 0;
        c.genLength = 8;
        c.genSteps = 8;
        c.blockLength = 8;
        c.trainPath = m_train;
        c.tokenizerPath = m_tokenizer;
        c.outDir = m_dir.filePath(QString::fromLatin1(out)).toStdString();
        return c;
    }

    /** Runs `config` to the end (or until `stopAfter`), returning the loss of every step trained. */
    static std::vector<double> train(Trainer &trainer, int64_t stopAfter = -1)
    {
        std::vector<double> losses;
        const Status s = trainer.run([&](const TrainProgress &p) {
            if (p.event == TrainProgress::Event::Step)
                losses.push_back(p.loss);
            return stopAfter < 0 || p.step < stopAfter;
        });
        if (!s)
            qWarning("%s", s.error().c_str());
        return losses;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const std::string tokDir = m_dir.filePath(QStringLiteral("tok")).toStdString();
        QDir().mkpath(QString::fromStdString(tokDir));
        const std::string error = testing::writeTinyTokenizer(tokDir);
        QVERIFY2(error.empty(), error.c_str());
        m_tokenizer = joinPath(tokDir, "tokenizer.model");
        // A cycle of 12 ids: every token is determined by its neighbours, so the loss can fall far.
        std::vector<int32_t> ids;
        for (int i = 0; i < 4000; ++i)
            ids.push_back(10 + (i % 12));
        m_train = m_dir.filePath(QStringLiteral("train.bin")).toStdString();
        QVERIFY(writeTokenData(m_train, ids, 200).ok());
    }

    // --- token files ---------------------------------------------------------------------------------------

    void tokenDataRoundTrip()
    {
        const std::string path = m_dir.filePath(QStringLiteral("round.bin")).toStdString();
        const std::vector<int32_t> ids = {0, 1, 199, 70000 % 200, 5};
        QVERIFY(writeTokenData(path, ids, 200).ok());
        auto read = readTokenData(path);
        QVERIFY2(read.ok(), read.error().c_str());
        QCOMPARE(read->vocabSize, 200u);
        QVERIFY(read->ids == ids);
        // The documented layout: magic, u32 vocab, u32 reserved, little-endian u32 ids.
        const auto bytes = readTextFile(path);
        QCOMPARE(bytes->size(), size_t(16 + 4 * ids.size()));
        QCOMPARE(bytes->substr(0, 8), std::string("DLMIDS01"));
        QCOMPARE(uint8_t((*bytes)[8]), uint8_t(200));
        QCOMPARE(uint8_t((*bytes)[16 + 8]), uint8_t(199));

        const Status refused = writeTokenData(path, {1, 200}, 200);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().find("token 1 has id 200") != std::string::npos, refused.error().c_str());
    }

    void tokenDataCorrupt_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("message");
        const QByteArray header = QByteArray("DLMIDS01") + QByteArray("\x0a\x00\x00\x00\x00\x00\x00\x00", 8);
        QTest::newRow("empty") << QByteArray() << "not a token file";
        QTest::newRow("wrong magic") << QByteArray("GGUF0000xxxxxxxx") << "not a token file";
        QTest::newRow("short header") << QByteArray("DLMIDS01\x0a\x00", 10) << "truncated header";
        QTest::newRow("partial id") << header + QByteArray("\x01\x00\x00", 3) << "not a 16-byte header plus whole";
        QTest::newRow("id too large") << header + QByteArray("\x01\x00\x00\x00\x0a\x00\x00\x00", 8)
                                      << "token 1 has id 10, outside the vocabulary of 10";
        QTest::newRow("zero vocab") << QByteArray("DLMIDS01") + QByteArray(8, '\0') << "vocabulary size of 0";
    }

    void tokenDataCorrupt()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, message);
        const QString path = m_dir.filePath(QStringLiteral("corrupt.bin"));
        writeBytes(path, bytes.toStdString());
        auto read = readTokenData(path.toStdString());
        QVERIFY(!read.ok());
        QVERIFY2(QString::fromStdString(read.error()).contains(message), read.error().c_str());
        QVERIFY2(QString::fromStdString(read.error()).contains(path), read.error().c_str());

        QVERIFY(!readTokenData(m_dir.filePath(QStringLiteral("missing.bin")).toStdString()).ok());
        QVERIFY(!readTokenData(m_dir.path().toStdString()).ok());
    }

    // --- the loss ------------------------------------------------------------------------------------------

    void mdmLossMatchesDirectComputation()
    {
        const int64_t batch = 3, len = 7, vocab = 6; // ids 0..4 are tokens, 5 is the mask
        at::manual_seed(3);
        TableModel model(at::randn({vocab, vocab}));
        const at::Tensor ids = at::randint(0, vocab - 1, {batch, len}, at::kLong);

        auto generator = at::make_generator<at::CPUGeneratorImpl>(42);
        const MdmLoss loss = mdmLoss(model, ids, vocab - 1, generator);

        // The same draws, replayed: t first, then u, as in LLaDA's forward_process.
        auto replay = at::make_generator<at::CPUGeneratorImpl>(42);
        const at::Tensor t = at::rand({batch}, replay, at::kFloat).contiguous();
        const at::Tensor u = at::rand({batch, len}, replay, at::kFloat).contiguous();
        const at::Tensor rows = model.logits(at::arange(vocab, at::kLong).view({1, vocab}))[0].contiguous();
        const float *maskRow = rows.data_ptr<float>() + (vocab - 1) * vocab;
        const double lse = logSumExp(maskRow, int(vocab));
        double expected = 0;
        int64_t masked = 0;
        for (int64_t b = 0; b < batch; ++b) {
            const double p = (1 - 1e-3) * double(t[b].item<float>()) + 1e-3;
            for (int64_t i = 0; i < len; ++i) {
                if (u[b][i].item<float>() < float(p)) {
                    ++masked;
                    const int64_t target = ids[b][i].item<int64_t>();
                    expected += (lse - maskRow[target]) / p;
                }
            }
        }
        expected /= double(batch * len);
        QCOMPARE(loss.maskedTokens, masked);
        QVERIFY(masked > 0);
        QVERIFY2(std::abs(loss.loss.item<double>() - expected) < 1e-5 * std::max(1.0, expected),
            qPrintable(QStringLiteral("%1 vs %2").arg(loss.loss.item<double>()).arg(expected)));
    }

    void mdmLossWeighting()
    {
        // Hand-made noise: row 0 has t = 0.5 (p = 0.5005) and masks positions 0 and 2; row 1 masks nothing.
        // With uniform logits every masked CE is ln V, so loss = 2 ln V / 0.5005 / (2 * 3).
        const int64_t vocab = 4;
        TableModel model(at::zeros({vocab, vocab}));
        const at::Tensor ids = at::tensor({0, 1, 2, 1, 1, 1}, at::kLong).view({2, 3});
        const at::Tensor t = at::tensor({0.5f, 0.0f});
        const at::Tensor u = at::tensor({0.1f, 0.9f, 0.3f, 0.5f, 0.5f, 0.5f}).view({2, 3});
        const MdmLoss loss = mdmLossWithNoise(model, ids, vocab - 1, t, u);
        QCOMPARE(loss.maskedTokens, int64_t(2));
        const double p = (1 - 1e-3) * 0.5 + 1e-3;
        QVERIFY(std::abs(loss.loss.item<double>() - 2 * std::log(4.0) / p / 6.0) < 1e-6);

        // Nothing masked: a zero loss that still back-propagates.
        const MdmLoss none = mdmLossWithNoise(model, ids, vocab - 1, at::zeros({2}), at::ones({2, 3}));
        QCOMPARE(none.maskedTokens, int64_t(0));
        QCOMPARE(none.loss.item<double>(), 0.0);
    }

    void learningRateSchedule()
    {
        TrainConfig c;
        c.lr = 1e-3;
        c.minLr = 1e-4;
        c.warmupSteps = 10;
        c.totalSteps = 110;
        QCOMPARE(learningRate(c, 1), 1e-4);
        QCOMPARE(learningRate(c, 5), 5e-4);
        QCOMPARE(learningRate(c, 10), 1e-3);
        QCOMPARE(learningRate(c, 60), 0.5 * (1e-3 + 1e-4)); // half way through the cosine
        QCOMPARE(learningRate(c, 110), 1e-4);
        QVERIFY(learningRate(c, 30) > learningRate(c, 31));
        c.warmupSteps = 0;
        QCOMPARE(learningRate(c, 0), 1e-3);
    }

    // --- training ------------------------------------------------------------------------------------------

    void trainingLowersTheLoss()
    {
        TrainConfig c = tinyConfig("learn");
        c.totalSteps = 40;
        c.warmupSteps = 4;
        auto trainer = Trainer::open(c);
        QVERIFY2(trainer.ok(), trainer.error().c_str());
        const std::vector<double> losses = train(**trainer);
        QCOMPARE(losses.size(), size_t(40));
        double first = 0, last = 0;
        for (int i = 0; i < 5; ++i) {
            first += losses[size_t(i)] / 5;
            last += losses[losses.size() - 1 - size_t(i)] / 5;
        }
        QVERIFY2(last < 0.5 * first, qPrintable(QStringLiteral("first %1, last %2").arg(first).arg(last)));

        // The log has one row per step and the held-out column.
        const auto log = readTextFile(joinPath(c.outDir, kTrainLogName));
        QVERIFY(log.ok());
        QVERIFY(log->rfind("step,loss,lr,grad_norm,tokens_per_s,elapsed_s,val_loss\n1,", 0) == 0);
        QCOMPARE(std::count(log->begin(), log->end(), '\n'), long(41));
    }

    void initFromStartsWhereTheModelLeftOff()
    {
        // "learn" was trained by trainingLowersTheLoss; its exported model is the warm start.
        const std::string learned = joinPath(tinyConfig("learn").outDir, kModelDirName);
        QVERIFY(fileExists(joinPath(learned, "model.safetensors")));
        TrainConfig cold = tinyConfig("cold");
        cold.totalSteps = 3;
        auto coldTrainer = Trainer::open(cold);
        QVERIFY(coldTrainer.ok());
        const std::vector<double> coldLosses = train(**coldTrainer);

        TrainConfig warm = tinyConfig("warm");
        warm.totalSteps = 3;
        warm.initFrom = learned;
        auto warmTrainer = Trainer::open(warm);
        QVERIFY2(warmTrainer.ok(), warmTrainer.error().c_str());
        const std::vector<double> warmLosses = train(**warmTrainer);
        QCOMPARE(warmLosses.size(), size_t(3));
        // Same seed, windows and masks: only the starting weights differ.
        QVERIFY2(warmLosses[0] < 0.5 * coldLosses[0],
            qPrintable(QStringLiteral("warm %1, cold %2").arg(warmLosses[0]).arg(coldLosses[0])));
        // The warm start's source is untouched (weights were copied, not trained in place).
        auto reloaded = loadModelDirectory(learned);
        QVERIFY2(reloaded.ok(), reloaded.error().c_str());

        TrainConfig wrong = tinyConfig("wrong-shape");
        wrong.initFrom = learned;
        wrong.dModel = 64;
        auto refused = Trainer::open(wrong);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().find("--init-from: ") == 0 && refused.error().find("d_model 32") != std::string::npos,
            refused.error().c_str());
        wrong = tinyConfig("missing");
        wrong.initFrom = m_dir.filePath(QStringLiteral("no-such-model")).toStdString();
        refused = Trainer::open(wrong);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().find("--init-from: ") == 0, refused.error().c_str());
    }

    void resumeIsBitExact()
    {
        TrainConfig c = tinyConfig("straight");
        auto straight = Trainer::open(c);
        QVERIFY2(straight.ok(), straight.error().c_str());
        const std::vector<double> expected = train(**straight);
        QCOMPARE(expected.size(), size_t(8));

        // The same run, stopped after step 3 (as Ctrl-C does), then resumed in a new trainer.
        c.outDir = m_dir.filePath(QStringLiteral("interrupted")).toStdString();
        auto first = Trainer::open(c);
        QVERIFY(first.ok());
        const std::vector<double> before = train(**first, 3);
        QVERIFY((*first)->stopped());
        QCOMPARE(before.size(), size_t(3));
        auto state = readTrainState(joinPath(joinPath(c.outDir, kCheckpointDirName), "train_state.json"));
        QVERIFY2(state.ok(), state.error().c_str());
        QCOMPARE(state->step, int64_t(3));
        first->reset();

        auto resumed = Trainer::open(c, true, {"lr", "seed", "threads"});
        QVERIFY2(resumed.ok(), resumed.error().c_str());
        QCOMPARE((*resumed)->step(), int64_t(3));
        const std::vector<double> after = train(**resumed);
        QCOMPARE(after.size(), size_t(5));
        for (size_t i = 0; i < 3; ++i)
            QVERIFY(before[i] == expected[i]);
        for (size_t i = 0; i < 5; ++i)
            QVERIFY2(after[i] == expected[3 + i],
                qPrintable(QStringLiteral("step %1: %2 vs %3")
                               .arg(4 + i)
                               .arg(after[i], 0, 'g', 17)
                               .arg(expected[3 + i], 0, 'g', 17)));

        // Same weights at the end, byte for byte, and the log holds each step once.
        const auto a = readTextFile(
            joinPath(m_dir.filePath(QStringLiteral("straight/model")).toStdString(), "model.safetensors"));
        const auto b = readTextFile(joinPath(joinPath(c.outDir, kModelDirName), "model.safetensors"));
        QVERIFY(a.ok() && b.ok());
        QVERIFY(*a == *b);
        const auto log = readTextFile(joinPath(c.outDir, kTrainLogName));
        QCOMPARE(std::count(log->begin(), log->end(), '\n'), long(9));
    }

    void resumeRefusesChangedConfig()
    {
        TrainConfig c = tinyConfig("straight"); // has a finished checkpoint from resumeIsBitExact
        c.lr = 2e-2;
        auto refused = Trainer::open(c, true, {"lr"});
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().find("lr (--lr) = 0.01") != std::string::npos, refused.error().c_str());
        QVERIFY2(refused.error().find("0.02") != std::string::npos, refused.error().c_str());

        // A fresh run into a directory with a checkpoint would overwrite it: refused too.
        auto fresh = Trainer::open(tinyConfig("straight"));
        QVERIFY(!fresh.ok());
        QVERIFY2(fresh.error().find("--resume") != std::string::npos, fresh.error().c_str());

        // Other data: refused by its fingerprint.
        std::vector<int32_t> other(4000, 7);
        const std::string otherPath = m_dir.filePath(QStringLiteral("other.bin")).toStdString();
        QVERIFY(writeTokenData(otherPath, other, 200).ok());
        c = tinyConfig("straight");
        c.trainPath = otherPath;
        auto wrongData = Trainer::open(c, true, {"train_path"});
        QVERIFY(!wrongData.ok());
        QVERIFY2(wrongData.error().find("not the data the checkpoint was trained on") != std::string::npos,
            wrongData.error().c_str());
    }

    void badInputs_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("message");
        QTest::newRow("heads") << "heads"
                               << "--heads: 3 does not divide --d-model 32";
        QTest::newRow("missing train") << "train"
                                       << "--train: ";
        QTest::newRow("short data") << "seq"
                                    << "fewer than --seq-len 5000";
        QTest::newRow("vocab") << "vocab"
                               << "vocabulary of 300";
        QTest::newRow("mask") << "mask"
                              << "--mask-id: 250 is outside the vocabulary";
    }

    void badInputs()
    {
        QFETCH(QString, field);
        QFETCH(QString, message);
        TrainConfig c = tinyConfig("bad");
        if (field == QLatin1String("heads"))
            c.nHeads = 3;
        if (field == QLatin1String("train"))
            c.trainPath = m_dir.filePath(QStringLiteral("nope.bin")).toStdString();
        if (field == QLatin1String("seq")) {
            c.seqLen = 5000;
            c.maxSequenceLength = 5000;
        }
        if (field == QLatin1String("vocab")) {
            c.trainPath = m_dir.filePath(QStringLiteral("v300.bin")).toStdString();
            QVERIFY(writeTokenData(c.trainPath, std::vector<int32_t>(100, 1), 300).ok());
        }
        if (field == QLatin1String("mask"))
            c.maskTokenId = 250;
        auto t = Trainer::open(c);
        QVERIFY(!t.ok());
        QVERIFY2(QString::fromStdString(t.error()).contains(message), t.error().c_str());
    }

    void exportedModelGenerates()
    {
        TrainConfig c = tinyConfig("export");
        c.totalSteps = 3;
        c.saveDType = TensorDType::BF16;
        auto trainer = Trainer::open(c);
        QVERIFY(trainer.ok());
        QVERIFY((*trainer)->run().ok());
        // A file the lead writes beside ours survives a later export.
        const std::string modelDir = joinPath(c.outDir, kModelDirName);
        QVERIFY(writeFileAtomic(joinPath(modelDir, "MODEL_CARD.md"), "# card\n").ok());
        QVERIFY((*trainer)->exportModel().ok());
        QVERIFY(fileExists(joinPath(modelDir, "MODEL_CARD.md")));

        auto loaded = loadModelDirectory(modelDir);
        QVERIFY2(loaded.ok(), loaded.error().c_str());
        QCOMPARE(loaded->storageDType, std::string("BF16"));
        QCOMPARE(loaded->config.maskTokenId, int32_t(3)); // the tiny tokenizer's <|mdm_mask|>
        QCOMPARE(loaded->config.dModel, 32);
        QCOMPARE(loaded->config.maxSequenceLength, 32);
        auto generation = loadGenerationConfig(modelDir, GenerationSettings {});
        QVERIFY2(generation.ok(), generation.error().c_str());
        QCOMPARE(generation->genLength, 8);
        QCOMPARE(generation->blockLength, 8);
        QVERIFY(validateSettings(*generation).ok());

        auto session = Session::create(loaded->model, loaded->tokenizer, *generation, "The cat");
        QVERIFY2(session.ok(), session.error().c_str());
        QVERIFY((*session)->run(nullptr).ok());
        QVERIFY((*session)->finished());
    }
};

QTEST_GUILESS_MAIN(TestTrainer)
#include "test_trainer.moc"
