// The sentencepiece tokenizer through its plugin: ids against the reference spm_encode, round trips,
// special ids the tiny model relies on, prompt markers, display of pieces, and load errors.

#include "core/base/plugin_path.h"
#include "core/base/utf8.h"
#include "core/text/piece_text.h"
#include "core/text/prompt.h"
#include "core/text/sentencepiece_tokenizer.h"
#include "tiny_tokenizer.h"
#include "core/text/tokenizer.h"

#include "source_dir.h"

#include <QtTest>

#include <dlfcn.h>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>

using namespace dlm;

namespace {

bool processMaps(const char *needle)
{
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line)) {
        if (line.find(needle) != std::string::npos)
            return true;
    }
    return false;
}

std::string readAll(const QString &path)
{
    std::ifstream in(path.toStdString(), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void writeBytes(const QString &path, const std::string &bytes)
{
    std::ofstream out(path.toStdString(), std::ios::binary | std::ios::trunc);
    out << bytes;
}

QString fromStd(const std::string &s)
{
    return QString::fromStdString(s);
}

} // namespace

class TestTokenizer : public QObject
{
    Q_OBJECT

private:
    QString path(const char *name) const { return m_dir.filePath(QString::fromUtf8(name)); }
    const Tokenizer &tokenizer(bool bytes) const { return bytes ? *m_bytes : *m_small; }

    QTemporaryDir m_dir;
    bool m_spmMappedAtStart = true;
    bool m_pluginMappedAtStart = true;
    std::shared_ptr<Tokenizer> m_small; ///< vocabulary 200, no byte fallback
    std::shared_ptr<Tokenizer> m_bytes; ///< vocabulary 512, byte fallback
    QString m_spmEncode;

private Q_SLOTS:
    void initTestCase()
    {
        // Looked at before anything touches the tokenizer: the plugin must be the only way in.
        m_spmMappedAtStart = processMaps("libsentencepiece");
        m_pluginMappedAtStart = processMaps(kSpmPluginFileName);

        QVERIFY(m_dir.isValid());
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("small")));
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("bytes")));
        const std::string smallError = testing::writeTinyTokenizer(path("small").toStdString(), 200);
        QVERIFY2(smallError.empty(), smallError.c_str());
        const std::string bytesError = testing::writeTinyTokenizer(path("bytes").toStdString(), 512);
        QVERIFY2(bytesError.empty(), bytesError.c_str());

        auto small = loadTokenizer(path("small").toStdString());
        QVERIFY2(small.ok(), small.error().c_str());
        m_small = *small;
        auto bytes = loadTokenizer(path("bytes").toStdString());
        QVERIFY2(bytes.ok(), bytes.error().c_str());
        m_bytes = *bytes;

        m_spmEncode = QStandardPaths::findExecutable(QStringLiteral("spm_encode"));
    }

    void pluginIsLoadedOnlyOnDemand()
    {
        QVERIFY2(!m_spmMappedAtStart, "libsentencepiece is linked into the test binary; only the plugin may link it");
        QVERIFY2(!m_pluginMappedAtStart, "the sentencepiece plugin was mapped before the first tokenizer load");
        QVERIFY(processMaps("libsentencepiece"));
        QVERIFY(QString::fromStdString(loadedSpmPluginPath()).endsWith(QLatin1String(kSpmPluginFileName)));
        // RTLD_LOCAL: the plugin's symbols (and its protobuf) stay out of the global namespace.
        QVERIFY(::dlsym(RTLD_DEFAULT, "dlm_spm_encode") == nullptr);
        // The process keeps working after the load: a second load reuses the same plugin.
        auto again = loadTokenizer(path("small").toStdString());
        QVERIFY2(again.ok(), again.error().c_str());
        QCOMPARE((*again)->encode("the cat"), m_small->encode("the cat"));
    }

    void specialIds_data()
    {
        QTest::addColumn<bool>("bytes");
        QTest::newRow("vocab 200") << false;
        QTest::newRow("vocab 512, byte fallback") << true;
    }

    void specialIds()
    {
        QFETCH(bool, bytes);
        const Tokenizer &tok = tokenizer(bytes);
        // The tiny model writer hard-codes these (mask_token_id 3, eos_token_id 4, bos_token_id 1).
        QCOMPARE(tok.pieceToId(testing::kTinyMaskPiece), 3);
        QCOMPARE(tok.pieceToId(testing::kTinyEosPiece), 4);
        QCOMPARE(tok.piece(3), std::string(testing::kTinyMaskPiece));
        QCOMPARE(tok.piece(4), std::string(testing::kTinyEosPiece));
        QCOMPARE(tok.unkId(), 0);
        QCOMPARE(tok.bosId(), 1);
        QCOMPARE(tok.eosId(), 2);
        if (bytes) {
            QVERIFY(tok.vocabSize() > 256 + 5);
            QVERIFY(tok.vocabSize() <= 512);
            QCOMPARE(dlm::pieceText(tok.piece(tok.pieceToId("<0x0A>"))), std::string("\n"));
        } else {
            QCOMPARE(tok.vocabSize(), 200); // the tiny model's default vocabulary must match exactly
            QCOMPARE(tok.pieceToId("<0x0A>"), -1);
        }
        QCOMPARE(tok.sourcePath(), path(bytes ? "bytes/tokenizer.model" : "small/tokenizer.model").toStdString());
    }

    void goldenIds_data()
    {
        QTest::addColumn<bool>("bytes");
        QTest::addColumn<QByteArray>("text");
        const std::pair<const char *, QByteArray> cases[] = {
            {"word", "cat"}, {"sentence", "The cat sat on the mat."},
            {"punctuation", "Hello, world! (yes?) - ok; \"quoted\" 3.14 #1 @home"},
            {"unicode", "caf\xC3\xA9 na\xC3\xAFve \xE6\x97\xA5\xE6\x9C\xAC \xE2\x9C\x93 \xF0\x9F\x99\x82"},
            {"empty", ""}, {"leading spaces", "   the dog"}, {"inner spaces", "the   cat  sat "},
            {"unseen words", "xylophone quizzically jogged"}, {"digits", "In 2024 there were 365 days."},
            {"mixed case", "THE Quick bRoWn fOX"}, {"mask piece", "a <|mdm_mask|> b<|eot|>"},
            {"full width", "\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\x91"}, // NFKC folds these to "AB1"
        };
        for (bool bytes : {false, true}) {
            for (const auto &c : cases) {
                const QByteArray name = QByteArray(c.first) + (bytes ? " (bytes)" : " (small)");
                QTest::newRow(name.constData()) << bytes << c.second;
            }
        }
    }

    void goldenIds()
    {
        QFETCH(bool, bytes);
        QFETCH(QByteArray, text);
        if (m_spmEncode.isEmpty())
            QFAIL("spm_encode (the reference sentencepiece CLI) is not on PATH; run scripts/setup-deps");

        QProcess process;
        process.start(m_spmEncode,
            {QStringLiteral("--model=") + fromStd(tokenizer(bytes).sourcePath()),
                QStringLiteral("--output_format=id")});
        QVERIFY(process.waitForStarted());
        process.write(text + '\n');
        process.closeWriteChannel();
        QVERIFY(process.waitForFinished(30000));
        QCOMPARE(process.exitCode(), 0);

        std::vector<int32_t> expected;
        std::istringstream out(process.readAllStandardOutput().toStdString());
        for (int32_t id; out >> id;)
            expected.push_back(id);
        QCOMPARE(tokenizer(bytes).encode(text.toStdString()), expected);
    }

    void roundTrip_data()
    {
        QTest::addColumn<bool>("bytes");
        QTest::addColumn<QByteArray>("text");
        for (bool bytes : {false, true}) {
            const char *suffix = bytes ? " (bytes)" : " (small)";
            auto row = [&](const char *name) -> QTestData & {
                return QTest::newRow((QByteArray(name) + suffix).constData());
            };
            row("sentence") << bytes << QByteArray("The quick brown fox jumps over the lazy dog.");
            row("numbers") << bytes << QByteArray("He bought 3 apples and 12 eggs for 7 coins.");
            row("unseen") << bytes << QByteArray("zebras quietly jog");
            row("specials") << bytes << QByteArray("the <|mdm_mask|> sat<|eot|>");
            row("empty") << bytes << QByteArray();
        }
        // Characters absent from the training text survive only through byte fallback.
        QTest::newRow("unicode (bytes)") << true << QByteArray("caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x99\x82");
    }

    void roundTrip()
    {
        QFETCH(bool, bytes);
        QFETCH(QByteArray, text);
        const Tokenizer &tok = tokenizer(bytes);
        const std::vector<int32_t> ids = tok.encode(text.toStdString());
        for (int32_t id : ids)
            QVERIFY(id >= 0 && id < tok.vocabSize());
        QCOMPARE(fromStd(tok.decode(ids)), QString::fromUtf8(text));
    }

    void normalisation_data()
    {
        // sentencepiece's default NFKC rule set: what users type is not always what decode gives back.
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QByteArray>("decoded");
        QTest::newRow("extra spaces") << QByteArray("  the   cat ") << QByteArray("the cat");
        QTest::newRow("newline") << QByteArray("line one\nline two") << QByteArray("line one line two");
        QTest::newRow("full width") << QByteArray("\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\x91") << QByteArray("AB1");
    }

    void normalisation()
    {
        QFETCH(QByteArray, text);
        QFETCH(QByteArray, decoded);
        QCOMPARE(fromStd(m_bytes->decode(m_bytes->encode(text.toStdString()))), QString::fromUtf8(decoded));
    }

    void pieceRoundTrip()
    {
        for (bool bytes : {false, true}) {
            const Tokenizer &tok = tokenizer(bytes);
            for (int32_t id = 0; id < tok.vocabSize(); ++id) {
                const std::string piece = tok.piece(id);
                QVERIFY2(!piece.empty(), qPrintable(QStringLiteral("empty piece for id %1").arg(id)));
                QCOMPARE(tok.pieceToId(piece), id);
            }
            QCOMPARE(tok.piece(-1), std::string());
            QCOMPARE(tok.piece(tok.vocabSize()), std::string());
            QCOMPARE(tok.pieceToId(""), -1);
            QCOMPARE(tok.pieceToId("certainly-not-a-piece"), -1);
            QCOMPARE(tok.pieceToId(std::string("a\0b", 3)), -1);
        }
        QVERIFY(m_small->piece(m_small->encode("the")[0]).rfind("\xE2\x96\x81", 0) == 0); // "▁" kept
    }

    void decodeSkipsIdsOutsideTheVocabulary()
    {
        std::vector<int32_t> ids = m_small->encode("the cat");
        ids.insert(ids.begin() + 1, 100000);
        ids.push_back(-7);
        QCOMPARE(m_small->decode(ids), std::string("the cat"));
        QCOMPARE(m_small->decode({100000}), std::string());
        QCOMPARE(m_small->decode({}), std::string());
    }

    void encodePrompt_data()
    {
        // `parts` lists the expected pieces: "#" is one mask, anything else is text encoded on its own.
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QByteArrayList>("parts");
        QTest::newRow("alias") << QByteArray("In the beginning [MASK] [MASK] created")
                               << QByteArrayList {"In the beginning", "#", "#", "created"};
        QTest::newRow("mask piece") << QByteArray("In the beginning <|mdm_mask|><|mdm_mask|> created")
                                    << QByteArrayList {"In the beginning", "#", "#", "created"};
        QTest::newRow("mixed") << QByteArray("[MASK]<|mdm_mask|>[MASK]") << QByteArrayList {"#", "#", "#"};
        QTest::newRow("leading") << QByteArray("[MASK] the end") << QByteArrayList {"#", "the end"};
        QTest::newRow("trailing") << QByteArray("the end [MASK]") << QByteArrayList {"the end", "#"};
        QTest::newRow("no markers") << QByteArray("the cat sat") << QByteArrayList {"the cat sat"};
        QTest::newRow("empty") << QByteArray() << QByteArrayList {};
        QTest::newRow("incomplete marker") << QByteArray("the [MASK cat") << QByteArrayList {"the [MASK cat"};
        QTest::newRow("lower case is text") << QByteArray("the [mask]") << QByteArrayList {"the [mask]"};
        QTest::newRow("eot stays text") << QByteArray("end<|eot|>[MASK]") << QByteArrayList {"end<|eot|>", "#"};
    }

    void encodePrompt()
    {
        QFETCH(QByteArray, text);
        QFETCH(QByteArrayList, parts);
        const int32_t maskId = 3;
        std::vector<int32_t> expected;
        for (const QByteArray &part : parts) {
            if (part == "#") {
                expected.push_back(maskId);
            } else {
                const auto ids = m_small->encode(part.toStdString());
                expected.insert(expected.end(), ids.begin(), ids.end());
            }
        }
        auto ids = dlm::encodePrompt(*m_small, text.toStdString(), maskId, testing::kTinyMaskPiece);
        QVERIFY2(ids.ok(), ids.error().c_str());
        QCOMPARE(*ids, expected);
    }

    void encodePromptEdgeCases()
    {
        // Without a mask piece only the alias counts; the model's piece is then ordinary text.
        auto aliasOnly = dlm::encodePrompt(*m_small, "a [MASK] b", 3, "");
        QVERIFY2(aliasOnly.ok(), aliasOnly.error().c_str());
        QCOMPARE(aliasOnly->size(), m_small->encode("a").size() + 1 + m_small->encode("b").size());
        auto noMask = dlm::encodePrompt(*m_small, "a [MASK] b", -1, testing::kTinyMaskPiece);
        QVERIFY(!noMask.ok());
        QVERIFY2(noMask.error().find("[MASK]") != std::string::npos, noMask.error().c_str());
        // A plain prompt needs no mask id.
        auto plain = dlm::encodePrompt(*m_small, "the cat", -1, "");
        QVERIFY2(plain.ok(), plain.error().c_str());
        QCOMPARE(*plain, m_small->encode("the cat"));
    }

    void trainingIsDeterministic()
    {
        const QString dir = path("again");
        QVERIFY(QDir().mkpath(dir));
        const QString model = dir + QStringLiteral("/tokenizer.model");
        QCOMPARE(testing::writeTinyTokenizer(dir.toStdString(), 200), std::string());
        const std::string first = readAll(model);
        QCOMPARE(testing::writeTinyTokenizer(dir.toStdString(), 200), std::string());
        QVERIFY(!first.empty());
        QVERIFY(first == readAll(model));
        // Only the model is left behind; the corpus and the .vocab listing are removed.
        QCOMPARE(QDir(dir).entryList(QDir::Files), QStringList {QStringLiteral("tokenizer.model")});

        // Byte-identical wherever it is written (even under a path with a space), so hashes are stable.
        QVERIFY(first == readAll(path("small/tokenizer.model")));
        QVERIFY(QDir().mkpath(path("with space")));
        QCOMPARE(testing::writeTinyTokenizer(path("with space").toStdString(), 200), std::string());
        QVERIFY(first == readAll(path("with space/tokenizer.model")));

        auto other = SentencePieceTokenizer::load(model.toStdString());
        QVERIFY2(other.ok(), other.error().c_str());
        QCOMPARE((*other)->vocabSize(), m_small->vocabSize());
        for (int32_t id = 0; id < m_small->vocabSize(); ++id)
            QCOMPARE((*other)->piece(id), m_small->piece(id));
    }

    void missingDirectory()
    {
        const std::string dir = path("no-such-model").toStdString();
        auto tok = loadTokenizer(dir);
        QVERIFY(!tok.ok());
        QVERIFY2(tok.error().find(dir) != std::string::npos, tok.error().c_str());
    }

    // Found by fuzz_spm_model (its corpus keeps the input): sentencepiece quotes raw bytes of a damaged model
    // ("byte piece <0x..> is invalid"), which reached the message unchanged.
    void damagedModelMessageIsText()
    {
        const QString input = dlm::testing::sourceDir()
            + QStringLiteral("/tests/fuzz/corpus/spm_model/crash-message-not-utf8");
        QVERIFY2(QFile::exists(input), qPrintable(input));
        auto tok = SentencePieceTokenizer::load(input.toStdString());
        QVERIFY(!tok.ok());
        QVERIFY2(tok.error().find("not a valid sentencepiece model: ") != std::string::npos, tok.error().c_str());
        QVERIFY2(isValidUtf8(tok.error()) && tok.error().find('\n') == std::string::npos, tok.error().c_str());
    }

    void directoryWithoutTokenizer()
    {
        QVERIFY(QDir().mkpath(path("empty-model")));
        const std::string dir = path("empty-model").toStdString();
        auto tok = loadTokenizer(dir);
        QVERIFY(!tok.ok());
        QVERIFY2(tok.error().find(dir) != std::string::npos, tok.error().c_str());
        QVERIFY2(tok.error().find("tokenizer.model") != std::string::npos, tok.error().c_str());
        QVERIFY2(tok.error().find("tokenizer.json") != std::string::npos, tok.error().c_str());
    }

    void huggingFaceJsonWithoutVocab()
    {
        QVERIFY(QDir().mkpath(path("hf-model")));
        writeBytes(path("hf-model/tokenizer.json"), "{\"version\": \"1.0\", \"model\": {\"type\": \"BPE\"}}");
        auto tok = loadTokenizer(path("hf-model").toStdString());
        QVERIFY(!tok.ok());
        QVERIFY2(
            tok.error().find(path("hf-model/tokenizer.json").toStdString()) != std::string::npos, tok.error().c_str());
        QVERIFY2(tok.error().find("model.vocab: missing") != std::string::npos, tok.error().c_str());
    }

    void corruptModel_data()
    {
        QTest::addColumn<QByteArray>("contents");
        std::mt19937 rng(20240601u); // seeded: the same bytes every run
        QByteArray random(4096, '\0');
        for (char &c : random)
            c = static_cast<char>(rng() & 0xFF);
        QTest::newRow("random bytes") << random;
        QTest::newRow("empty file") << QByteArray();
        const std::string real = readAll(path("small/tokenizer.model"));
        QTest::newRow("truncated") << QByteArray(real.data(), static_cast<int>(real.size() / 2));
        QTest::newRow("text") << QByteArray("this is not a sentencepiece model\n");
    }

    void corruptModel()
    {
        QFETCH(QByteArray, contents);
        QVERIFY(QDir().mkpath(path("corrupt")));
        const QString file = path("corrupt/tokenizer.model");
        writeBytes(file, contents.toStdString());
        auto tok = loadTokenizer(path("corrupt").toStdString());
        QVERIFY(!tok.ok());
        QVERIFY2(tok.error().find(file.toStdString()) != std::string::npos, tok.error().c_str());
    }

    void missingModelFile()
    {
        const std::string file = path("nowhere/tokenizer.model").toStdString();
        auto tok = SentencePieceTokenizer::load(file);
        QVERIFY(!tok.ok());
        QVERIFY2(tok.error().find(file) != std::string::npos, tok.error().c_str());
    }

    void trainingErrorsAreReported()
    {
        const Status status = trainSentencePiece("--input=" + path("no-corpus.txt").toStdString()
            + " --model_prefix=" + path("never").toStdString() + " --vocab_size=100 --minloglevel=2");
        QVERIFY(!status.ok());
        QVERIFY2(!status.error().empty(), "training failed without a message");
        QVERIFY(!QFile::exists(path("never.model")));
        QVERIFY(!testing::writeTinyTokenizer(path("no-such-dir").toStdString()).empty());
    }

    void pluginSearch()
    {
        const QByteArray saved = qgetenv(kSpmPluginEnvVar);
        const bool hadOverride = qEnvironmentVariableIsSet(kSpmPluginEnvVar);

        qunsetenv(kSpmPluginEnvVar);
        const PluginSearch found = findSpmPlugin();
        QVERIFY(!found.found.empty());
        QCOMPARE(found.tried.front(), executableDir() + "/" + kSpmPluginFileName);
        QCOMPARE(found.found, loadedSpmPluginPath());

        const std::string bogus = path("nope/libdlm_spm_plugin.so").toStdString();
        qputenv(kSpmPluginEnvVar, QByteArray::fromStdString(bogus));
        const PluginSearch missing = findSpmPlugin();
        QVERIFY(missing.found.empty());
        QCOMPARE(missing.tried, std::vector<std::string> {bogus});
        QVERIFY(describeTried(missing).find(bogus) != std::string::npos);

        if (hadOverride)
            qputenv(kSpmPluginEnvVar, saved);
        else
            qunsetenv(kSpmPluginEnvVar);
    }
};

QTEST_GUILESS_MAIN(TestTokenizer)
#include "test_tokenizer.moc"
