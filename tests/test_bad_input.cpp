// The bad-input table (docs/reliability.md) as a test: every kind of bad input a stranger's files or a
// mistyped command line can bring gets exit status 2 and one line naming what is wrong, from the real
// dlmstudio-cli. Each row's message must also appear in the table, so the document cannot drift.

#include "bad_input_fixtures.h"
#include "cli_process.h"
#include "tiny_model.h"

#include "source_dir.h"

#include <QtTest>

#include <QProcess>
#include <QTemporaryDir>

using namespace dlm;
using namespace dlm::testing;

class TestBadInput : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_dir; ///< "D" in the table
    QString m_exe;
    QString m_reliabilityDoc;

    QString d(const QString &name) const { return m_dir + QLatin1Char('/') + name; }
    QString model(const QString &name)
    {
        const QString dir = d(name);
        if (!copyModel(d(QStringLiteral("model")), dir))
            qFatal("cannot copy the model");
        return dir;
    }
    QString file(const QString &name, const QByteArray &bytes)
    {
        if (!writeBytes(d(name), bytes))
            qFatal("cannot write a fixture");
        return d(name);
    }
    void put(const QString &path, const QByteArray &bytes)
    {
        if (!writeBytes(path, bytes))
            qFatal("cannot write a fixture");
    }
    bool run(const QStringList &args, ProcessResult *r) const
    {
        *r = runProcess(m_exe, args, 60000);
        return r->exitCode >= 0;
    }

    void makeModelFixtures();
    void makeTokenizerFixtures();
    void makeTimelineFixtures();

private Q_SLOTS:
    void initTestCase();
    void table_data();
    void table();
};

void TestBadInput::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    m_dir = m_tmp.path();
    m_exe = QCoreApplication::applicationDirPath() + QStringLiteral("/dlmstudio-cli");
    QVERIFY2(QFileInfo(m_exe).isExecutable(), qPrintable(m_exe + QStringLiteral(" not built")));
    m_reliabilityDoc
        = QString::fromUtf8(readBytes(dlm::testing::sourceDir() + QStringLiteral("/docs/reliability.md")));
    QVERIFY2(!m_reliabilityDoc.isEmpty(), "docs/reliability.md is missing");

    const auto written = writeTinyModel(d(QStringLiteral("model")).toStdString());
    QVERIFY2(written.ok(), written.error().c_str());
    makeModelFixtures();
    makeTokenizerFixtures();
    makeTimelineFixtures();
}

void TestBadInput::makeModelFixtures()
{
    file(QStringLiteral("plain.txt"), "just text\n");
    QFile::remove(model(QStringLiteral("no-config")) + QStringLiteral("/config.json"));
    put(model(QStringLiteral("config-not-json")) + QStringLiteral("/config.json"), "{\"d_model\": 1");
    // 200 KB: a 100,000-deep array under a key the reader does not know.
    const QByteArray config = readBytes(d(QStringLiteral("model/config.json")));
    QByteArray deep = config;
    deep.insert(deep.indexOf('{') + 1, "\"unknown\": " + deepArray(100000) + ",");
    put(model(QStringLiteral("config-deep")) + QStringLiteral("/config.json"), deep);
    put(model(QStringLiteral("config-nul")) + QStringLiteral("/config.json"), config + QByteArray("\0trailing", 9));
    QVERIFY(editConfig(model(QStringLiteral("config-type")), QStringLiteral("n_layers"), QStringLiteral("two")));
    QVERIFY(editConfig(model(QStringLiteral("config-range")), QStringLiteral("d_model"), 65537));
    const QString huge = model(QStringLiteral("config-huge"));
    QVERIFY(editConfig(huge, QStringLiteral("d_model"), 65536));
    QVERIFY(editConfig(huge, QStringLiteral("n_heads"), 512));
    QVERIFY(editConfig(huge, QStringLiteral("n_kv_heads"), 512));
    QVERIFY(editConfig(huge, QStringLiteral("n_layers"), 1024));
    QVERIFY(editConfig(huge, QStringLiteral("mlp_hidden_size"), 1 << 20));
    const QString fifoConfig = model(QStringLiteral("config-fifo")) + QStringLiteral("/config.json");
    QFile::remove(fifoConfig);
    QVERIFY(makeFifo(fifoConfig));
    QVERIFY(editConfig(model(QStringLiteral("fewer-layers")), QStringLiteral("n_layers"), 1));
    QVERIFY(editConfig(model(QStringLiteral("more-layers")), QStringLiteral("n_layers"), 3));
    QVERIFY(editConfig(model(QStringLiteral("wider")), QStringLiteral("mlp_hidden_size"), 96));

    const QString weights = QStringLiteral("/model.safetensors");
    put(model(QStringLiteral("st-short")) + weights, "abc");
    put(model(QStringLiteral("st-huge-length")) + weights, safetensorsBytes(uint64_t(1) << 62, "{}"));
    put(model(QStringLiteral("st-deep")) + weights, safetensorsBytes("{\"__metadata__\": " + deepArray(100000) + "}"));
    put(model(QStringLiteral("st-not-json")) + weights, safetensorsBytes("{not json}"));
    put(model(QStringLiteral("st-overflow")) + weights,
        safetensorsBytes(
            "{\"x\": {\"dtype\": \"F32\", \"shape\": [4294967296, 4294967296], \"data_offsets\": [0, 0]}}"));
    put(model(QStringLiteral("st-beyond")) + weights,
        safetensorsBytes("{\"x\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]}}", "1234"));
    const QString fifoWeights = model(QStringLiteral("st-fifo")) + weights;
    QFile::remove(fifoWeights);
    QVERIFY(makeFifo(fifoWeights));
    for (const auto &[name, shard] :
        {std::pair<const char *, const char *> {"index-dotdot", "../model/model.safetensors"},
            {"index-absolute", "/etc/passwd"}, {"index-missing", "model-00002-of-00002.safetensors"}}) {
        const QString dir = model(QString::fromLatin1(name));
        put(dir + QStringLiteral("/model.safetensors.index.json"),
            QByteArray("{\"weight_map\": {\"model.transformer.wte.weight\": \"") + shard + "\"}}");
    }
}

void TestBadInput::makeTokenizerFixtures()
{
    put(model(QStringLiteral("spm-garbage")) + QStringLiteral("/tokenizer.model"), "not a protobuf at all");
    const QString selfTest = model(QStringLiteral("spm-self-test")) + QStringLiteral("/tokenizer.model");
    QVERIFY(writeBytes(selfTest, withFailingSelfTest(readBytes(selfTest))));
    const QString fifoSpm = model(QStringLiteral("spm-fifo")) + QStringLiteral("/tokenizer.model");
    QFile::remove(fifoSpm);
    QVERIFY(makeFifo(fifoSpm));

    file(QStringLiteral("tokenizer-not-json.json"), "{\"model\": ");
    const QByteArray bpe = "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1, \"ab\": 2}, \"merges\": ";
    file(QStringLiteral("tokenizer-bad-merge.json"), bpe + "[\"a c\"]}}");
    QByteArray many = bpe + "[";
    for (int i = 0; i < 2000001; ++i)
        many += i ? ",\"a b\"" : "\"a b\"";
    file(QStringLiteral("tokenizer-many-merges.json"), many + "]}}");
    QDir().mkpath(d(QStringLiteral("vm")));
    file(QStringLiteral("vm/vocab.json"), "{\"a\": 0, \"b\": 1, \"ab\": 2}");
    file(QStringLiteral("vm/merges.txt"), "#version: 0.2\na b\nab\n");
    put(model(QStringLiteral("template-bad")) + QStringLiteral("/tokenizer_config.json"),
        "{\"chat_template\": \"{% for m in messages %}{{ m.content }\"}");
    file(QStringLiteral("text.txt"), "the cat sat\n");
    file(QStringLiteral("messages.json"), "[{\"role\": \"user\", \"content\": \"hi\"}]");
    QVERIFY(makeFifo(d(QStringLiteral("text.fifo"))));
    file(QStringLiteral("vocab-huge.bin"), tokenFileClaiming(4294967295u));
    QVERIFY(makeFifo(d(QStringLiteral("ids.fifo"))));
    QVERIFY(makeFifo(d(QStringLiteral("out.fifo"))));
    QVERIFY(writeTokenData(d(QStringLiteral("train.bin")).toStdString(), std::vector<int32_t>(600, 5), 200).ok());
}

void TestBadInput::makeTimelineFixtures()
{
    ProcessResult r;
    QVERIFY(
        run({QStringLiteral("generate"), QStringLiteral("--model"), d(QStringLiteral("model")),
                QStringLiteral("--prompt"), QStringLiteral("the cat"), QStringLiteral("--gen-length"),
                QStringLiteral("64"), QStringLiteral("--block-length"), QStringLiteral("64"), QStringLiteral("--steps"),
                QStringLiteral("4"), QStringLiteral("--timeline"), d(QStringLiteral("good.json"))},
            &r));
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QString good = d(QStringLiteral("good.json"));
    const QByteArray text = readBytes(good);
    file(QStringLiteral("tl-not-json.json"), text.left(text.size() / 2));
    file(QStringLiteral("tl-nul.json"), text + QByteArray("\0{}", 3));
    file(QStringLiteral("tl-deep.json"), deepArray(100000));
    const auto setting = [](const char *key, const QJsonValue &value) {
        return [key, value](QJsonObject &root) {
            QJsonObject s = root.value(QStringLiteral("settings")).toObject();
            s.insert(QString::fromLatin1(key), value);
            root.insert(QStringLiteral("settings"), s);
        };
    };
    QVERIFY(editTimeline(good, d(QStringLiteral("tl-gen-length.json")), setting("gen_length", -1)));
    QVERIFY(editTimeline(good, d(QStringLiteral("tl-threshold.json")), setting("threshold", -1e39)));
    QVERIFY(editTimeline(good, d(QStringLiteral("tl-version.json")),
        [](QJsonObject &root) { root.insert(QStringLiteral("version"), 999); }));
    QVERIFY(editTimeline(good, d(QStringLiteral("tl-format.json")),
        [](QJsonObject &root) { root.insert(QStringLiteral("format"), QStringLiteral("something-else")); }));
    QVERIFY(timelineClaimingRecords(good, d(QStringLiteral("tl-records.json")), 600000));
    QVERIFY(makeFifo(d(QStringLiteral("tl.fifo"))));
}

void TestBadInput::table_data()
{
    QTest::addColumn<QString>("args");
    QTest::addColumn<QString>("message");
    const auto row = [](const char *name, const char *args, const char *message) {
        QTest::newRow(name) << QString::fromUtf8(args) << QString::fromUtf8(message);
    };
    // Model directories and their files.
    row("model dir missing", "info --model D/none", "model directory D/none does not exist");
    row("model path a file", "info --model D/plain.txt", "model path D/plain.txt is not a directory");
    row("no config.json", "info --model D/no-config",
        "D/no-config/config.json: cannot open: No such file or directory");
    row("config not JSON", "info --model D/config-not-json", "D/config-not-json/config.json: not valid JSON");
    row("config deep array", "info --model D/config-deep", "arrays and objects nest deeper than 64 levels");
    row("config NUL after JSON", "info --model D/config-nul",
        "D/config-nul/config.json: not valid JSON: a NUL byte at byte");
    row("config wrong type", "info --model D/config-type",
        "D/config-type/config.json: $.n_layers: expected an integer");
    row("config out of range", "info --model D/config-range",
        "D/config-range/config.json: $.d_model: the value 65537 is outside the allowed range [1, 65536]");
    row("config beyond memory", "forward --model D/config-huge --ids 1,2", "more than this machine's");
    row("config a FIFO", "info --model D/config-fifo", "D/config-fifo/config.json: is a FIFO, expected a regular file");
    row("fewer layers than weights", "forward --model D/fewer-layers --ids 1,2",
        "tensors that config.json does not use ('model.transformer.blocks.1.");
    row("more layers than weights", "forward --model D/more-layers --ids 1,2",
        "missing tensor 'model.transformer.blocks.2.");
    row("tensor shape", "forward --model D/wider --ids 1,2", "but config.json implies");
    row("weights too short", "info --model D/st-short", "too short to hold the 8-byte header length");
    row("header length 2^62", "info --model D/st-huge-length",
        "header length 4611686018427387904 is larger than the file");
    row("header deep nesting", "info --model D/st-deep",
        "header is not valid JSON: arrays and objects nest deeper than 64");
    row("header not JSON", "info --model D/st-not-json", "header is not valid JSON");
    row("shape overflows", "info --model D/st-overflow", "overflow");
    row("data beyond file", "info --model D/st-beyond", "data_offsets");
    row("weights a FIFO", "info --model D/st-fifo", "D/st-fifo/model.safetensors: is a FIFO, expected a regular file");
    row("shard with ..", "info --model D/index-dotdot", "must be a plain file name (no '/' or '..')");
    row("shard absolute", "info --model D/index-absolute", "shard name '/etc/passwd' must be a plain file name");
    row("shard missing", "info --model D/index-missing", "shard 'model-00002-of-00002.safetensors' is missing from");
    // Tokenizers and templates.
    row("spm garbage", "info --model D/spm-garbage", "D/spm-garbage/tokenizer.model: not a valid sentencepiece model");
    row("spm self-test", "info --model D/spm-self-test", "the model fails its own self-test");
    row("spm a FIFO", "info --model D/spm-fifo", "D/spm-fifo/tokenizer.model: is a FIFO, expected a regular file");
    row("tokenizer.json not JSON", "tokenize --tokenizer D/tokenizer-not-json.json --text D/text.txt --json",
        "D/tokenizer-not-json.json: not valid JSON");
    row("merge not in vocab", "tokenize --tokenizer D/tokenizer-bad-merge.json --text D/text.txt --json",
        "'c' is not in the vocabulary");
    row("millions of merges", "tokenize --tokenizer D/tokenizer-many-merges.json --text D/text.txt --json",
        "has 2000001 merges, more than the limit of 2000000");
    row("merges.txt bad line", "tokenize --tokenizer D/vm --text D/text.txt --json",
        "D/vm/merges.txt: line 3: expected two tokens separated by one space");
    row("template syntax", "template --model D/template-bad --messages D/messages.json",
        "D/template-bad/tokenizer_config.json");
    // Timelines.
    row("timeline not JSON", "export --timeline D/tl-not-json.json --format csv", "D/tl-not-json.json: not valid JSON");
    row("timeline NUL", "export --timeline D/tl-nul.json --format csv",
        "D/tl-nul.json: not valid JSON: a NUL byte at byte");
    row("timeline deep", "export --timeline D/tl-deep.json --format csv", "nest deeper than 64 levels");
    row("timeline gen_length -1", "export --timeline D/tl-gen-length.json --format csv",
        "D/tl-gen-length.json: $.settings: gen-length must be at least 1, got -1");
    row("timeline threshold -1e39", "export --timeline D/tl-threshold.json --format json",
        "D/tl-threshold.json: $.settings: threshold must be between 0 and 1");
    row("timeline 600k records", "export --timeline D/tl-records.json --format csv",
        "more than the limit of 33554432 positions (records x canvas length)");
    row("timeline from the future", "export --timeline D/tl-version.json --format csv",
        "$: written by a newer DLM Studio (version 999)");
    row("timeline other format", "export --timeline D/tl-format.json --format csv", "$.format");
    row("timeline a FIFO", "export --timeline D/tl.fifo --format csv", "D/tl.fifo: is a FIFO, expected a regular file");
    row("timeline /dev/zero", "export --timeline /dev/zero --format csv",
        "/dev/zero: is a character device, expected a regular file");
    // Command-line values.
    row("threads 5000", "generate --model D/model --prompt x --threads 5000",
        "--threads: 5000 is out of range (0..1024)");
    row("gen-length 0", "generate --model D/model --prompt x --gen-length 0", "--gen-length");
    row("steps 0", "generate --model D/model --prompt x --steps 0", "--steps");
    row("threshold 2", "generate --model D/model --prompt x --threshold 2", "threshold must be between 0 and 1");
    row("export step out of range", "export --timeline D/good.json --format md --step 99", "step 99 is out of range");
    row("text /dev/zero", "tokenize --model D/model --text /dev/zero --json",
        "/dev/zero: is a character device, expected a regular file");
    row("text a FIFO", "tokenize --model D/model --text D/text.fifo --json",
        "D/text.fifo: is a FIFO, expected a regular file");
    row("token file vocabulary 2^32-1", "eval --model D/model --ids D/vocab-huge.bin",
        "vocabulary size of 4294967295, more than the limit of 16777216");
    row("token file a FIFO", "eval --model D/model --ids D/ids.fifo", "D/ids.fifo: is a FIFO, expected a regular file");
    row("train impossible sizes",
        "train --train D/train.bin --tokenizer D/model/tokenizer.model --out D/train-out --d-model 65536 --heads 512 "
        "--kv-heads 512 --layers 1024 --mlp 1048576 --seq-len 64 --batch 1 --steps 1",
        "training this model needs about");
    // Output paths.
    row("timeline to /dev/null", "generate --model D/model --prompt x --timeline /dev/null",
        "cannot write the timeline to /dev/null: is a character device, not a regular file");
    row("export to a FIFO", "export --timeline D/good.json --format csv --out D/out.fifo",
        "D/out.fifo: is a FIFO, not a regular file; not writing to it");
    row("tokens to /dev/full", "tokenize --model D/model --text D/text.txt --out /dev/full",
        "/dev/full: is a character device, not a regular file");
    row("gif to /dev/null", "export --timeline D/good.json --format gif --out /dev/null",
        "cannot write the export to /dev/null: is a character device, not a regular file");
    row("export into a missing folder", "export --timeline D/good.json --format md --out D/missing/y.md",
        "folder D/missing does not exist");
    row("frames onto a file", "export --timeline D/good.json --format frames --out D/plain.txt",
        "it is a file, expected a folder");
}

void TestBadInput::table()
{
    QFETCH(QString, args);
    QFETCH(QString, message);
    QVERIFY2(m_reliabilityDoc.contains(message), qPrintable(QStringLiteral("not in docs/reliability.md: ") + message));
    const QString dir = m_dir + QLatin1Char('/');
    QStringList list = args.split(QLatin1Char(' '));
    for (QString &a : list)
        a.replace(QStringLiteral("D/"), dir);
    ProcessResult r;
    QVERIFY2(run(list, &r), qPrintable(QStringLiteral("crashed or hung: ") + r.err));
    // The whole line, with the folder written as D/ again: docs/reliability.md quotes it.
    qInfo().noquote() << "said:" << QString(r.err).replace(dir, QStringLiteral("D/")).trimmed();
    checkBadInput(r, QString(message).replace(QStringLiteral("D/"), dir));
    // The message names the problem, never the bad value itself: a 200 KB file gives a short line.
    QVERIFY2(r.err.size() < 600, qPrintable(r.err.left(600)));
    // Nothing was written over the nodes.
    QVERIFY(QFileInfo(QStringLiteral("/dev/null")).isWritable());
}

QTEST_GUILESS_MAIN(TestBadInput)
#include "test_bad_input.moc"
