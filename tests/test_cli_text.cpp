// dlmstudio-cli's text commands end to end, run as a process: `template` must print what Jinja2 (set up as
// transformers sets it up) renders from the same template and conversation, byte for byte; bad input is one
// line naming the file.

#include "cli_process.h"
#include "tiny_hf_tokenizer.h"
#include "tiny_model.h"
#include "jinja_reference.h"

#include "source_dir.h"

#include <QtTest>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

using dlm::testing::checkBadInput;
using dlm::testing::ProcessResult;

namespace {

QString templateDir(const QString &name)
{
    return dlm::testing::sourceDir() + QStringLiteral("/tests/data/templates/") + name;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/** The special-token variables transformers passes to a template: every string `*_token` of tokenizer_config.json
 *  (or its {"content": ...}), as JSON members to splice into the variables object. */
std::string specialTokenMembers(const QString &dir)
{
    const QJsonObject config
        = QJsonDocument::fromJson(readAll(dir + QStringLiteral("/tokenizer_config.json"))).object();
    std::string members;
    for (auto it = config.begin(); it != config.end(); ++it) {
        if (!it.key().endsWith(QStringLiteral("_token")))
            continue;
        QString value = it.value().isObject() ? it.value().toObject().value(QStringLiteral("content")).toString()
                                              : it.value().toString();
        if (it.value().isString() || it.value().isObject())
            members += jinja_reference::jsonString(it.key().toStdString()) + ": "
                + jinja_reference::jsonString(value.toStdString()) + ", ";
    }
    return members;
}

/** Writes `name` under `dir`; false when it cannot. */
bool writeInto(const QString &dir, const QString &name, const QByteArray &bytes)
{
    QFile f(dir + QLatin1Char('/') + name);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

QList<int> idsOf(const QString &json)
{
    QList<int> ids;
    for (const auto &v : QJsonDocument::fromJson(json.toUtf8()).object().value(QStringLiteral("ids")).toArray())
        ids << v.toInt(-1);
    return ids;
}

} // namespace

class TestCliText : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_exe;

    ProcessResult runCli(const QStringList &args) { return dlm::testing::runProcess(m_exe, args); }

    QString writeFile(const QString &name, const QByteArray &bytes)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return {};
        f.write(bytes);
        return path;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_exe = QCoreApplication::applicationDirPath() + QStringLiteral("/dlmstudio-cli");
        QVERIFY2(QFileInfo(m_exe).isExecutable(), qPrintable(m_exe + QStringLiteral(" not built")));
    }

    void templateMatchesJinja2()
    {
        const QStringList models = {QStringLiteral("llada-8b-instruct"), QStringLiteral("dream-v0-instruct-7b"),
            QStringLiteral("llama3-8b-instruct"), QStringLiteral("qwen2-7b-instruct")};
        const QByteArray conversations[] = {
            R"([{"role": "user", "content": "What is 2 + 2?"}])",
            R"([{"role": "system", "content": "Answer in French."}, {"role": "user", "content": "  Colour of\tthe sky?\n"},
                {"role": "assistant", "content": "Bleu \u2713"}, {"role": "user", "content": "Et la nuit ?"}])",
        };
        std::vector<jinja_reference::Case> cases;
        std::vector<ProcessResult> ours;
        QStringList labels;
        for (const QString &model : models) {
            const QString dir = templateDir(model);
            const std::string source = readAll(dir + QStringLiteral("/chat_template.jinja")).toStdString();
            QVERIFY(!source.empty());
            for (size_t c = 0; c < std::size(conversations); ++c) {
                const QString file = writeFile(QStringLiteral("conversation%1.json").arg(c), conversations[c]);
                for (bool prompt : {true, false}) {
                    QStringList args = {
                        QStringLiteral("template"), QStringLiteral("--model"), dir, QStringLiteral("--messages"), file};
                    if (!prompt)
                        args << QStringLiteral("--no-generation-prompt");
                    ours.push_back(runCli(args));
                    labels << model + QStringLiteral(" conversation %1 %2").arg(c).arg(prompt);
                    cases.push_back({source,
                        "{" + specialTokenMembers(dir) + "\"tools\": null, \"documents\": null, "
                            + "\"add_generation_prompt\": " + (prompt ? "true" : "false")
                            + ", \"messages\": " + conversations[c].toStdString() + "}"});
                }
            }
        }
        QString problem;
        const auto reference = jinja_reference::render(cases, &problem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        for (size_t i = 0; i < cases.size(); ++i) {
            QVERIFY2(reference[i].ok, reference[i].error.c_str());
            QVERIFY2(ours[i].exitCode == 0, qPrintable(labels[i] + QStringLiteral(": ") + ours[i].err));
            QVERIFY2(ours[i].err.isEmpty(), qPrintable(ours[i].err));
            QCOMPARE(ours[i].rawOut, QByteArray::fromStdString(reference[i].output));
        }
    }

    void templateBadInput()
    {
        const QString good = writeFile(QStringLiteral("good.json"), R"([{"role": "user", "content": "Hi"}])");
        const QString llada = templateDir(QStringLiteral("llada-8b-instruct"));
        // A model directory without a template names the folder and the files it looked for.
        QTemporaryDir bare;
        checkBadInput(runCli({QStringLiteral("template"), QStringLiteral("--model"), bare.path(),
                          QStringLiteral("--messages"), good}),
            QStringLiteral("tokenizer_config.json"));
        // Messages files: missing, not JSON, not an array, an entry without content, a role that is not text.
        const QString missing = m_dir.filePath(QStringLiteral("missing.json"));
        checkBadInput(runCli({QStringLiteral("template"), QStringLiteral("--model"), llada,
                          QStringLiteral("--messages"), missing}),
            missing);
        const std::pair<QByteArray, QString> bad[] = {
            {"[{\"role\": \"user\", ", QStringLiteral("bad1.json")},
            {"{\"role\": \"user\", \"content\": \"Hi\"}", QStringLiteral("expected [{")},
            {"[{\"role\": \"user\"}]", QStringLiteral("$[0].content")},
            {"[{\"role\": 3, \"content\": \"Hi\"}]", QStringLiteral("$[0].role")},
            {"[]", QStringLiteral("no messages")},
        };
        int n = 0;
        for (const auto &[bytes, mention] : bad) {
            const QString file = writeFile(QStringLiteral("bad%1.json").arg(++n), bytes);
            const ProcessResult r = runCli(
                {QStringLiteral("template"), QStringLiteral("--model"), llada, QStringLiteral("--messages"), file});
            checkBadInput(r, mention);
            QVERIFY2(r.err.contains(file), qPrintable(r.err));
        }
        // Options: --messages is required.
        checkBadInput(
            runCli({QStringLiteral("template"), QStringLiteral("--model"), llada}), QStringLiteral("--messages"));
    }
    void tokenizeJsonAndDecode()
    {
        const QString dir = m_dir.filePath(QStringLiteral("hf-tokenizer"));
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(writeInto(dir, QStringLiteral("tokenizer.json"), dlm::testing::kTinyHfTokenizerJson));
        const QByteArray sample = "ab ab<|mdm_mask|>c\n";
        const QString text = writeFile(QStringLiteral("sample.txt"), sample);
        const QList<int> expected = {3, 5, 7, 6, 14}; // ab, Ġab, the special token, c, Ċ
        // The same tokenizer named three ways: its file, its folder, a model directory.
        for (const QStringList &source :
            {QStringList {QStringLiteral("--tokenizer"), dir + QStringLiteral("/tokenizer.json")},
                QStringList {QStringLiteral("--tokenizer"), dir}, QStringList {QStringLiteral("--model"), dir}}) {
            const ProcessResult r = runCli(QStringList {QStringLiteral("tokenize")} + source
                + QStringList {QStringLiteral("--text"), text, QStringLiteral("--json")});
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            QCOMPARE(idsOf(r.out), expected);
            const QJsonArray pieces
                = QJsonDocument::fromJson(r.rawOut).object().value(QStringLiteral("pieces")).toArray();
            QCOMPARE(pieces.size(), 5);
            QCOMPARE(pieces.at(1).toString(), QStringLiteral("\u0120ab"));
            QCOMPARE(pieces.at(2).toString(), QStringLiteral("<|mdm_mask|>"));
        }
        // Decoding gives the text back byte for byte, from a JSON array or from whitespace-separated ids.
        for (const QByteArray &ids : {QByteArray("[3, 5, 7, 6, 14]"), QByteArray(" 3\n5\t7 6  14\n")}) {
            const QString file = writeFile(QStringLiteral("ids.txt"), ids);
            const ProcessResult r = runCli(
                {QStringLiteral("tokenize"), QStringLiteral("--tokenizer"), dir, QStringLiteral("--decode"), file});
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            QCOMPARE(r.rawOut, sample);
        }
        // Ids past the tokenizer (a model head may be larger) are named, not a crash.
        const QString past = writeFile(QStringLiteral("past.json"), "[3, 150]");
        ProcessResult r = runCli(
            {QStringLiteral("tokenize"), QStringLiteral("--tokenizer"), dir, QStringLiteral("--decode"), past});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(r.out, QStringLiteral("ab<unused 150>"));
        // Bad ids files: one line naming the file and the entry.
        const std::pair<QByteArray, QString> bad[]
            = {{"[3, -1]", QStringLiteral("$[1]")}, {"[3, \"a\"]", QStringLiteral("$[1]")},
                {"3 x 5", QStringLiteral("id 2 (\"x\")")}, {"[3, 5", QStringLiteral("ids-bad")}};
        for (const auto &[bytes, mention] : bad) {
            const QString file = writeFile(QStringLiteral("ids-bad.txt"), bytes);
            r = runCli(
                {QStringLiteral("tokenize"), QStringLiteral("--tokenizer"), dir, QStringLiteral("--decode"), file});
            checkBadInput(r, mention);
            QVERIFY2(r.err.contains(file), qPrintable(r.err));
        }
        // A broken tokenizer file is named.
        const QString broken = writeFile(QStringLiteral("broken.json"), "{\"model\": ");
        checkBadInput(runCli({QStringLiteral("tokenize"), QStringLiteral("--tokenizer"), broken,
                          QStringLiteral("--text"), text, QStringLiteral("--json")}),
            broken);
    }

    void badTokenizerFilesAreOneLine_data()
    {
        QTest::addColumn<QByteArray>("from");
        QTest::addColumn<QByteArray>("to");
        QTest::addColumn<QString>("mention");
        const QByteArray json = dlm::testing::kTinyHfTokenizerJson;
        QTest::newRow("truncated JSON") << json << json.left(json.size() / 2) << QStringLiteral("tokenizer.json");
        QTest::newRow("unknown model type") << QByteArray("\"type\": \"BPE\"") << QByteArray("\"type\": \"Unigram\"")
                                            << QStringLiteral("model type 'Unigram' is not supported");
        QTest::newRow("merge of an unknown token") << QByteArray("\"merges\": [\"\\u0120 a\"")
                                                   << QByteArray("\"merges\": [\"\\u0120 q\"")
                                                   << QStringLiteral("'q' is not in the vocabulary");
        // A property PCRE2 does not know, and an unclosed group.
        QTest::newRow("regex that does not compile")
            << QByteArray("\"pre_tokenizer\": {\"type\": \"ByteLevel\", \"add_prefix_space\": false, "
                          "\"trim_offsets\": true, \"use_regex\": true}")
            << QByteArray("\"pre_tokenizer\": {\"type\": \"Split\", \"pattern\": {\"Regex\": \"(a|\\\\p{Q\"}, "
                          "\"behavior\": \"Isolated\", \"invert\": false}")
            << QStringLiteral("does not compile");
    }

    void badTokenizerFilesAreOneLine()
    {
        QFETCH(QByteArray, from);
        QFETCH(QByteArray, to);
        QFETCH(QString, mention);
        QByteArray bytes = dlm::testing::kTinyHfTokenizerJson;
        QVERIFY(bytes.contains(from));
        bytes.replace(from, to);
        const QString dir = m_dir.filePath(QStringLiteral("bad-tokenizer"));
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(writeInto(dir, QStringLiteral("tokenizer.json"), bytes));
        const QString text = writeFile(QStringLiteral("bad-tokenizer.txt"), "ab");
        const ProcessResult r = runCli({QStringLiteral("tokenize"), QStringLiteral("--tokenizer"), dir,
            QStringLiteral("--text"), text, QStringLiteral("--json")});
        checkBadInput(r, mention);
        QVERIFY2(r.err.contains(QStringLiteral("tokenizer.json")), qPrintable(r.err));
    }

    void badVocabMergesAndTemplateAreOneLine()
    {
        // vocab.json + merges.txt whose merge names a token the vocabulary lacks.
        const QString dir = m_dir.filePath(QStringLiteral("bad-merges"));
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(writeInto(dir, QStringLiteral("vocab.json"), R"({"a": 0, "b": 1, "ab": 2})"));
        QVERIFY(writeInto(dir, QStringLiteral("merges.txt"), "#version: 0.2\na b\na q\n"));
        const QString text = writeFile(QStringLiteral("merges-text.txt"), "ab");
        ProcessResult r = runCli({QStringLiteral("tokenize"), QStringLiteral("--tokenizer"), dir,
            QStringLiteral("--text"), text, QStringLiteral("--json")});
        checkBadInput(r, QStringLiteral("merges.txt"));
        QVERIFY2(r.err.contains(QStringLiteral("'q'")), qPrintable(r.err));

        // A chat template with a syntax error: `template` and `generate --chat` name the file and the line.
        const QString model = m_dir.filePath(QStringLiteral("bad-template"));
        QVERIFY(QDir().mkpath(model));
        QVERIFY(writeInto(
            model, QStringLiteral("chat_template.jinja"), "{{ bos_token }}\n{% for m in messages %}{{ m.content }"));
        const QString messages
            = writeFile(QStringLiteral("bad-template.json"), R"([{"role": "user", "content": "Hi"}])");
        r = runCli(
            {QStringLiteral("template"), QStringLiteral("--model"), model, QStringLiteral("--messages"), messages});
        checkBadInput(r, QStringLiteral("chat_template.jinja"));
        QVERIFY2(r.err.contains(QStringLiteral("line 2")), qPrintable(r.err));
        auto written = dlm::testing::writeTinyModel(model.toStdString());
        QVERIFY2(written.ok(), written.error().c_str());
        r = runCli({QStringLiteral("generate"), QStringLiteral("--model"), model, QStringLiteral("--prompt"),
            QStringLiteral("Hi"), QStringLiteral("--chat")});
        checkBadInput(r, QStringLiteral("--chat: "));
        QVERIFY2(r.err.contains(QStringLiteral("line 2")), qPrintable(r.err));
    }

    void tokenizeSentencepieceJson()
    {
        const QString model = m_dir.filePath(QStringLiteral("tiny-model"));
        auto written = dlm::testing::writeTinyModel(model.toStdString());
        QVERIFY2(written.ok(), written.error().c_str());
        const QString text = writeFile(QStringLiteral("spm.txt"), "the cat sat on the mat");
        const ProcessResult byModel = runCli({QStringLiteral("tokenize"), QStringLiteral("--model"), model,
            QStringLiteral("--text"), text, QStringLiteral("--json")});
        QVERIFY2(byModel.exitCode == 0, qPrintable(byModel.err));
        const ProcessResult byFile = runCli({QStringLiteral("tokenize"), QStringLiteral("--tokenizer"),
            model + QStringLiteral("/tokenizer.model"), QStringLiteral("--text"), text, QStringLiteral("--json")});
        QVERIFY2(byFile.exitCode == 0, qPrintable(byFile.err));
        QCOMPARE(byFile.rawOut, byModel.rawOut);
        const QList<int> ids = idsOf(byModel.out);
        QVERIFY(!ids.isEmpty() && !ids.contains(-1));
        // Sentencepiece pieces mark word starts with U+2581; joined and turned back into spaces, they are the text.
        QString joined;
        for (const auto &p : QJsonDocument::fromJson(byModel.rawOut).object().value(QStringLiteral("pieces")).toArray())
            joined += p.toString();
        QCOMPARE(joined.replace(QChar(0x2581), QLatin1Char(' ')).trimmed(), QStringLiteral("the cat sat on the mat"));
        QStringList words;
        for (int id : ids)
            words << QString::number(id);
        const QString idsFile = writeFile(QStringLiteral("spm-ids.txt"), words.join(QLatin1Char(' ')).toUtf8());
        const ProcessResult decoded = runCli(
            {QStringLiteral("tokenize"), QStringLiteral("--model"), model, QStringLiteral("--decode"), idsFile});
        QVERIFY2(decoded.exitCode == 0, qPrintable(decoded.err));
        QCOMPARE(decoded.out, QStringLiteral("the cat sat on the mat"));
    }
    void generateChat()
    {
        // A tiny model whose tokenizer is the hand-encoded one above and whose template wraps turns in
        // <|start|> ... <|eot|>; config.json names that tokenizer's mask and end-of-turn ids.
        const QString model = m_dir.filePath(QStringLiteral("chat-model"));
        dlm::testing::TinyModelOptions options;
        options.writeTokenizer = false;
        auto written = dlm::testing::writeTinyModel(model.toStdString(), options);
        QVERIFY2(written.ok(), written.error().c_str());
        QVERIFY(writeInto(model, QStringLiteral("tokenizer.json"), dlm::testing::kTinyHfTokenizerJson));
        QVERIFY(writeInto(model, QStringLiteral("tokenizer_config.json"),
            R"({"eos_token": "<|eot|>", "bos_token": "<|start|>", "chat_template": "{% for m in messages %}<|start|>{{ m.role }}\n{{ m.content )"
            R"(}}<|eot|>{% endfor %}{% if add_generation_prompt %}<|start|>assistant\n{% endif %}"})"));
        QJsonObject config = QJsonDocument::fromJson(readAll(model + QStringLiteral("/config.json"))).object();
        config[QStringLiteral("mask_token_id")] = 7;
        config[QStringLiteral("eos_token_id")] = 9;
        config[QStringLiteral("bos_token_id")] = QJsonValue::Null; // left to tokenizer_config.json
        QVERIFY(writeInto(model, QStringLiteral("config.json"), QJsonDocument(config).toJson()));

        const QString timeline = m_dir.filePath(QStringLiteral("chat-timeline.json"));
        const QStringList generate = {QStringLiteral("generate"), QStringLiteral("--model"), model,
            QStringLiteral("--prompt"), QStringLiteral("Hi"), QStringLiteral("--gen-length=4"),
            QStringLiteral("--steps=2"), QStringLiteral("--block-length=4"), QStringLiteral("--timeline"), timeline};
        ProcessResult r = runCli(generate + QStringList {QStringLiteral("--chat")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QJsonObject prompt
            = QJsonDocument::fromJson(readAll(timeline)).object().value(QStringLiteral("prompt")).toObject();
        QCOMPARE(prompt.value(QStringLiteral("text")).toString(),
            QStringLiteral("<|start|>user\nHi<|eot|><|start|>assistant\n"));
        // Special tokens are single ids, not their characters: <|start|> u s e r Ċ H i <|eot|> <|start|> a s s i s t a
        // n t Ċ
        const QList<int> expected = {8, 10, 11, 12, 13, 14, 15, 16, 9, 8, 0, 11, 11, 16, 11, 17, 0, 18, 17, 14};
        QList<int> ids;
        for (const auto &v : prompt.value(QStringLiteral("ids")).toArray())
            ids << v.toInt(-1);
        QCOMPARE(ids, expected);

        // info says where each special id came from.
        r = runCli({QStringLiteral("info"), QStringLiteral("--model"), model});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject sources
            = QJsonDocument::fromJson(r.rawOut).object().value(QStringLiteral("special_id_sources")).toObject();
        const QJsonObject mask = sources.value(QStringLiteral("mask_token_id")).toObject();
        QCOMPARE(mask.value(QStringLiteral("id")).toInt(), 7);
        QCOMPARE(mask.value(QStringLiteral("from")).toString(), QStringLiteral("config.json"));
        const QJsonObject bos = sources.value(QStringLiteral("bos_token_id")).toObject();
        QCOMPARE(bos.value(QStringLiteral("id")).toInt(), 8);
        QCOMPARE(bos.value(QStringLiteral("from")).toString(), QStringLiteral("tokenizer_config.json (<|start|>)"));

        // Without --chat the prompt is the text as typed.
        r = runCli(generate);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        prompt = QJsonDocument::fromJson(readAll(timeline)).object().value(QStringLiteral("prompt")).toObject();
        QCOMPARE(prompt.value(QStringLiteral("ids")).toArray(), QJsonArray({15, 16}));

        // A model without a chat template is refused before anything runs, naming the option and the files.
        const QString plain = m_dir.filePath(QStringLiteral("plain-model"));
        QVERIFY(dlm::testing::writeTinyModel(plain.toStdString()).ok());
        r = runCli({QStringLiteral("generate"), QStringLiteral("--model"), plain, QStringLiteral("--prompt"),
            QStringLiteral("Hi"), QStringLiteral("--chat")});
        checkBadInput(r, QStringLiteral("--chat: "));
        QVERIFY2(r.err.contains(QStringLiteral("chat template")), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestCliText)
#include "test_cli_text.moc"
