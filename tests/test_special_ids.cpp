// Special ids resolved from a model directory's files in the order real repositories need: config.json,
// generation_config.json, tokenizer_config.json, then the mask piece by name; each with the file it came from.

#include "core/model/model_config.h"
#include "core/model/special_ids.h"
#include "core/text/hf_tokenizer.h"
#include "core/text/tokenizer.h"
#include "tiny_hf_tokenizer.h"

#include "source_dir.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace dlm;

namespace {

bool writeText(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

/** A config as config.json would give it, with no special ids set. */
ModelConfig bareConfig()
{
    ModelConfig c;
    c.vocabSize = 19;
    c.embeddingSize = 32; // the head has rows the tokenizer has no token for, as LLaDA's does
    return c;
}

} // namespace

class TestSpecialIds : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::shared_ptr<Tokenizer> m_tokenizer;

    QString file(const char *name) const { return m_dir.filePath(QLatin1String(name)); }
    void clearFiles()
    {
        QFile::remove(file("generation_config.json"));
        QFile::remove(file("tokenizer_config.json"));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(writeText(file("tokenizer.json"), dlm::testing::kTinyHfTokenizerJson));
        auto loaded = HfTokenizer::loadFile(file("tokenizer.json").toStdString());
        QVERIFY2(loaded.ok(), loaded.error().c_str());
        m_tokenizer = *loaded;
    }

    void configJsonWins()
    {
        clearFiles();
        QVERIFY(writeText(file("generation_config.json"), R"({"eos_token_id": 12, "bos_token_id": 13})"));
        QVERIFY(writeText(file("tokenizer_config.json"), R"({"mask_token": "<|eot|>", "pad_token": "<|eot|>"})"));
        ModelConfig c = bareConfig();
        c.maskTokenId = 5;
        c.eosTokenId = 6;
        c.bosTokenId = 1;
        c.padTokenId = 2;
        auto ids = resolveSpecialIds(m_dir.path().toStdString(), c, *m_tokenizer);
        QVERIFY2(ids.ok(), ids.error().c_str());
        for (const auto &[id, expected] : {std::pair {ids->mask, 5}, {ids->eos, 6}, {ids->bos, 1}, {ids->pad, 2}}) {
            QCOMPARE(id.id, expected);
            QCOMPARE(id.from, std::string("config.json"));
        }
    }

    void laterFilesFillGaps()
    {
        clearFiles();
        // Dream-style: eos only in generation_config.json, as a list whose first entry counts.
        QVERIFY(writeText(file("generation_config.json"), R"({"eos_token_id": [9, 4], "pad_token_id": null})"));
        QVERIFY(writeText(file("tokenizer_config.json"),
            R"({"eos_token": "<|start|>", "bos_token": {"content": "<|start|>", "special": true},
                "pad_token": "<|not in the vocabulary|>"})"));
        auto ids = resolveSpecialIds(m_dir.path().toStdString(), bareConfig(), *m_tokenizer);
        QVERIFY2(ids.ok(), ids.error().c_str());
        QCOMPARE(ids->eos.id, 9);
        QCOMPARE(ids->eos.from, std::string("generation_config.json"));
        QCOMPARE(ids->bos.id, 8);
        QCOMPARE(ids->bos.from, std::string("tokenizer_config.json (<|start|>)"));
        QCOMPARE(ids->pad.id, -1); // named, but the tokenizer has no such token
        QVERIFY(ids->pad.from.empty());
        // LLaDA-MoE-style: no file gives the mask, so it is found by name.
        QCOMPARE(ids->mask.id, 7);
        QCOMPARE(ids->mask.from, std::string("tokenizer piece <|mdm_mask|>"));
    }

    void maskFromTokenizerConfigBeforeName()
    {
        clearFiles();
        QVERIFY(writeText(file("tokenizer_config.json"), R"({"mask_token": "<|eot|>"})"));
        auto ids = resolveSpecialIds(m_dir.path().toStdString(), bareConfig(), *m_tokenizer);
        QVERIFY2(ids.ok(), ids.error().c_str());
        QCOMPARE(ids->mask.id, 9);
        QCOMPARE(ids->mask.from, std::string("tokenizer_config.json (<|eot|>)"));
    }

    void badFilesAreNamed_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("mention");
        QTest::newRow("eos not a number") << "generation_config.json" << QByteArray(R"({"eos_token_id": "two"})")
                                          << "generation_config.json: $.eos_token_id";
        QTest::newRow("eos past the head") << "generation_config.json" << QByteArray(R"({"eos_token_id": [32]})")
                                           << "$.eos_token_id[0]: the value 32 is outside the allowed range [0, 31]";
        QTest::newRow("truncated") << "generation_config.json" << QByteArray(R"({"eos_token_id": )")
                                   << "generation_config.json";
        QTest::newRow("not an object") << "tokenizer_config.json" << QByteArray("[1]") << "tokenizer_config.json: $";
        QTest::newRow("token object without content")
            << "tokenizer_config.json" << QByteArray(R"({"eos_token": {"special": true}})")
            << "tokenizer_config.json: $.eos_token.content";
    }

    void badFilesAreNamed()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, text);
        QFETCH(QString, mention);
        clearFiles();
        QVERIFY(writeText(m_dir.filePath(name), text));
        auto ids = resolveSpecialIds(m_dir.path().toStdString(), bareConfig(), *m_tokenizer);
        QVERIFY(!ids.ok());
        QVERIFY2(QString::fromStdString(ids.error()).contains(mention), ids.error().c_str());
    }

    void demoModelUnchanged()
    {
        // The shipped sentencepiece model gives every id in config.json; nothing else may override them.
        const std::string demo = dlm::testing::sourceDir().toStdString() + "/models/demo";
        auto config = loadModelConfig(demo + "/config.json");
        QVERIFY2(config.ok(), config.error().c_str());
        auto tokenizer = loadTokenizer(demo);
        QVERIFY2(tokenizer.ok(), tokenizer.error().c_str());
        auto ids = resolveSpecialIds(demo, *config, **tokenizer);
        QVERIFY2(ids.ok(), ids.error().c_str());
        QCOMPARE(ids->mask.id, config->maskTokenId);
        QCOMPARE(ids->eos.id, config->eosTokenId);
        QCOMPARE(ids->mask.from, std::string("config.json"));
        QCOMPARE(ids->eos.from, std::string("config.json"));
    }
};

QTEST_GUILESS_MAIN(TestSpecialIds)
#include "test_special_ids.moc"
