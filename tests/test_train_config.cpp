// The training config and train state files: read with the shared JSON rules (no silent truncation of
// 256.9 to 256, no true for 1), with messages that name the file and the JSON path.

#include "core/base/file_util.h"
#include "core/train/train_config.h"
#include "core/train/train_files.h"

#include <QtTest>

#include <QTemporaryDir>

#include <string>

using namespace dlm;

class TestTrainConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip()
    {
        TrainConfig c;
        c.dModel = 64;
        c.lr = 3e-4;
        c.seed = 18446744073709551615ull;
        c.trainPath = "data/train.bin";
        c.saveDType = TensorDType::BF16;
        c.remasking = ConfidenceMeasure::Margin;
        const auto back = trainConfigFromJson(trainConfigToJson(c), "train.json");
        QVERIFY2(back.ok(), back.error().c_str());
        QCOMPARE(back->dModel, 64);
        QCOMPARE(back->lr, 3e-4);
        QCOMPARE(back->seed, c.seed);
        QCOMPARE(back->trainPath, c.trainPath);
        QCOMPARE(int(back->saveDType), int(TensorDType::BF16));
        QCOMPARE(int(back->remasking), int(ConfidenceMeasure::Margin));
    }

    void missingKeysKeepDefaults()
    {
        const auto c = trainConfigFromJson(R"({"d_model": 128.0, "unknown_key": [1, 2]})", "train.json");
        QVERIFY2(c.ok(), c.error().c_str());
        QCOMPARE(c->dModel, 128); // an integral float is that integer
        QCOMPARE(c->nLayers, TrainConfig().nLayers);
    }

    void errors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("fraction") << R"({"d_model": 256.9})"
                                  << "train.json: $.d_model: expected an integer, got 256.9";
        QTest::newRow("bool for int") << R"({"n_layers": true})"
                                      << "train.json: $.n_layers: expected an integer, got true";
        QTest::newRow("int overflow") << R"({"seq_len": 4294967296})"
                                      << "train.json: $.seq_len: the value 4294967296 is outside the allowed range "
                                         "[-2147483648, 2147483647]";
        QTest::newRow("negative seed") << R"({"seed": -1})"
                                       << "train.json: $.seed: expected a non-negative integer, got -1";
        QTest::newRow("string for number") << R"({"lr": "fast"})"
                                           << "train.json: $.lr: expected a number, got \"fast\"";
        QTest::newRow("number for path") << R"({"train_path": 5})"
                                         << "train.json: $.train_path: expected a string, got 5";
        QTest::newRow("bad dtype") << R"({"save_dtype": "F16"})"
                                   << "train.json: $.save_dtype: expected \"F32\" or \"BF16\", got \"F16\"";
        QTest::newRow("not an object") << "[]"
                                       << "train.json: $: expected an object, got an array";
    }
    void errors()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        const auto c = trainConfigFromJson(text.toStdString(), "train.json");
        QVERIFY(!c.ok());
        QCOMPARE(QString::fromStdString(c.error()), message);
    }

    void trainStateNamesTheEmbeddedPath()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath(QStringLiteral("state.json")).toStdString();
        TrainState s;
        s.step = 12;
        s.trainFingerprint = "00ff";
        QVERIFY(writeFileAtomic(path, trainStateToJson(s)).ok());
        const auto read = readTrainState(path);
        QVERIFY2(read.ok(), read.error().c_str());
        QCOMPARE(read->step, int64_t(12));
        QCOMPARE(read->trainFingerprint, std::string("00ff"));

        std::string text = trainStateToJson(s);
        const std::string lr = "\"lr\": ";
        text.insert(text.find(lr) + lr.size(), "\"x\", \"was\": ");
        QVERIFY(writeFileAtomic(path, text).ok());
        const auto bad = readTrainState(path);
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error(), path + ": $.config.lr: expected a number, got \"x\"");

        QVERIFY(writeFileAtomic(path, R"({"format": "dlmstudio-train-state", "version": 1, "step": 1.5})").ok());
        QCOMPARE(readTrainState(path).error(), path + ": $.step: expected an integer, got 1.5");
    }
};

QTEST_GUILESS_MAIN(TestTrainConfig)
#include "test_train_config.moc"
