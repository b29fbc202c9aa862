// dlmstudio-cli's text commands end to end, run as a process: `template` must print what Jinja2 (set up as
// transformers sets it up) renders from the same template and conversation, byte for byte; bad input is one
// line naming the file.

#include "cli_process.h"
#include "jinja_reference.h"

#include <QtTest>

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

using dlm::testing::checkBadInput;
using dlm::testing::ProcessResult;

namespace {

QString templateDir(const QString &name)
{
    return qEnvironmentVariable("DLM_SOURCE_DIR") + QStringLiteral("/tests/data/templates/") + name;
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
};

QTEST_GUILESS_MAIN(TestCliText)
#include "test_cli_text.moc"
