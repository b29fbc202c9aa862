// Real models' chat templates rendered by the interpreter and by Jinja2 (as transformers renders them) must
// agree byte for byte; and ChatTemplate reads model directories in every layout transformers writes.
#include "core/text/chat_template.h"
#include "core/text/jinja_json.h"
#include "jinja_reference.h"

#include "source_dir.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace dlm;

namespace {

const char *const kModels[] = {
    "llada-8b-instruct", "dream-v0-instruct-7b", "qwen2-7b-instruct", "qwen3", "llama3-8b-instruct", "llama2-7b-chat"};

// Conversations as apply_chat_template receives them. Llama-2's template rejects the last one (roles must
// alternate after the system turn), which both sides must report as an error.
const char *const kConversations[] = {
    "[{\"role\": \"user\", \"content\": \"What is 2 + 2?\"}]",
    "[{\"role\": \"system\", \"content\": \"You are terse.\"}, {\"role\": \"user\", \"content\": \"  Name a colour.  "
    "\"}]",
    "[{\"role\": \"system\", \"content\": \"Be kind.\"}, {\"role\": \"user\", \"content\": \"Hi\"},"
    "{\"role\": \"assistant\", \"content\": \"Hello! How can I help?\"},"
    "{\"role\": \"user\", \"content\": \"A joke about \\\"quotes\\\", tabs\\tand \\u00fcn\\u00efcode "
    "\\u2713\\nplease\"}]",
    "[{\"role\": \"user\", \"content\": \"Q1\"}, {\"role\": \"assistant\", \"content\": "
    "\"<think>\\nsteps\\n</think>\\n\\nA1\"},"
    "{\"role\": \"user\", \"content\": \"Q2\"}]",
    "[{\"role\": \"user\", \"content\": \"one\"}, {\"role\": \"user\", \"content\": \"two\"}]",
};

// Tool calls exercise tojson and attribute access on nested dicts (Qwen and Dream templates have them).
const char *const kToolVariables = "\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"get_weather\","
                                   "\"description\": \"Weather for a city\", \"parameters\": {\"type\": \"object\", "
                                   "\"properties\": {\"city\": {\"type\": \"string\"}},"
                                   "\"required\": [\"city\"]}}}],"
                                   "\"messages\": [{\"role\": \"system\", \"content\": \"Use tools.\"}, {\"role\": "
                                   "\"user\", \"content\": \"Weather in Paris?\"},"
                                   "{\"role\": \"assistant\", \"content\": \"\", \"tool_calls\": [{\"type\": "
                                   "\"function\", \"function\": {\"name\": \"get_weather\","
                                   "\"arguments\": {\"city\": \"Paris\", \"unit\": \"\\u00b0C\"}}}]},"
                                   "{\"role\": \"tool\", \"content\": \"{\\\"temp\\\": 21}\"}, {\"role\": "
                                   "\"assistant\", \"content\": \"It is 21 \\u00b0C.\"}]";

QString modelDir(const char *name)
{
    return dlm::testing::sourceDir() + QStringLiteral("/tests/data/templates/") + QLatin1String(name);
}

std::string tokensJson(const ChatTemplate &t)
{
    jinja::JsonOptions o;
    const std::string all = jinja::toJson(jinja::Value(t.specialTokens()), o);
    return all.size() > 2 ? all.substr(1, all.size() - 2) + ", " : std::string(); // members only, to splice in
}

std::vector<ChatMessage> toMessages(const char *json)
{
    std::vector<ChatMessage> out;
    const auto v = parseJsonValue(json, "conversation");
    for (const auto &m : v->list())
        out.push_back({m.dict().find("role")->asString(), m.dict().find("content")->asString()});
    return out;
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

} // namespace

class TestChatTemplate : public QObject
{
    Q_OBJECT

private slots:
    void modelTemplatesMatchJinja2()
    {
        struct Rendered
        {
            std::string label;
            Result<std::string> ours;
        };
        std::vector<Rendered> ours;
        std::vector<jinja_reference::Case> cases;
        for (const char *model : kModels) {
            auto t = ChatTemplate::fromModelDirectory(modelDir(model).toStdString());
            QVERIFY2(t.ok(), t.error().c_str());
            for (size_t c = 0; c < std::size(kConversations); ++c) {
                for (bool prompt : {false, true}) {
                    ours.push_back({std::string(model) + " conversation " + std::to_string(c)
                            + (prompt ? " with" : " without") + " generation prompt",
                        t->render(toMessages(kConversations[c]), prompt)});
                    cases.push_back({t->source(),
                        "{" + tokensJson(*t) + "\"tools\": null, \"documents\": null, " + "\"add_generation_prompt\": "
                            + (prompt ? "true" : "false") + ", \"messages\": " + kConversations[c] + "}"});
                }
            }
            if (std::string(model) == "qwen3" || std::string(model) == "dream-v0-instruct-7b") {
                const std::string variables = std::string("{") + kToolVariables + ", \"add_generation_prompt\": true}";
                auto parsed = parseJsonValue(variables, "tools case");
                QVERIFY2(parsed.ok(), parsed.error().c_str());
                ours.push_back({std::string(model) + " with tools", t->renderWith(parsed->dict())});
                cases.push_back({t->source(),
                    "{" + tokensJson(*t) + "\"documents\": null, " + kToolVariables
                        + ", \"add_generation_prompt\": true}"});
            }
        }
        QString problem;
        const auto reference = jinja_reference::render(cases, &problem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        int errors = 0;
        for (size_t i = 0; i < ours.size(); ++i) {
            const std::string &label = ours[i].label;
            QVERIFY2(ours[i].ours.ok() == reference[i].ok,
                (label + ": ours " + (ours[i].ours.ok() ? "rendered" : ours[i].ours.error()) + ", Jinja2 "
                    + (reference[i].ok ? "rendered" : reference[i].error))
                    .c_str());
            if (!reference[i].ok) {
                ++errors;
                QVERIFY2(ours[i].ours.error().find("Conversation roles must alternate") != std::string::npos,
                    ours[i].ours.error().c_str());
                continue;
            }
            if (*ours[i].ours != reference[i].output)
                QFAIL(qPrintable(QStringLiteral("%1 differs.\nours:\n%2\nJinja2:\n%3")
                                     .arg(QString::fromStdString(label), QString::fromStdString(*ours[i].ours),
                                         QString::fromStdString(reference[i].output))));
        }
        QCOMPARE(errors, 2); // Llama-2's non-alternating conversation, with and without the prompt
    }

    // Spot checks written by hand, so a shared misunderstanding of both renderers would still show.
    void knownRenderings()
    {
        auto llada = ChatTemplate::fromModelDirectory(modelDir("llada-8b-instruct").toStdString());
        QVERIFY2(llada.ok(), llada.error().c_str());
        const auto out = llada->render({{"user", "  Hello  "}}, true);
        QVERIFY2(out.ok(), out.error().c_str());
        QCOMPARE(*out,
            std::string("<|startoftext|><|start_header_id|>user<|end_header_id|>\n\nHello<|eot_id|>"
                        "<|start_header_id|>assistant<|end_header_id|>\n\n"));

        auto llama2 = ChatTemplate::fromModelDirectory(modelDir("llama2-7b-chat").toStdString());
        QVERIFY2(llama2.ok(), llama2.error().c_str());
        const auto l2 = llama2->render({{"system", "S"}, {"user", "U"}, {"assistant", "A"}}, false);
        QVERIFY2(l2.ok(), l2.error().c_str());
        QCOMPARE(*l2, std::string("<s>[INST] <<SYS>>\nS\n<</SYS>>\n\nU [/INST] A </s>"));

        auto qwen3 = ChatTemplate::fromModelDirectory(modelDir("qwen3").toStdString());
        QVERIFY2(qwen3.ok(), qwen3.error().c_str());
        QVERIFY(qwen3->specialTokens().find("bos_token") == nullptr); // null in the file: not passed at all
        QCOMPARE(qwen3->specialTokens().find("eos_token")->asString(), std::string("<|im_end|>"));
    }

    void readsTokenizerConfigLayouts()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString config = dir.filePath(QStringLiteral("tokenizer_config.json"));
        writeFile(config,
            "{\"bos_token\": {\"content\": \"<s>\", \"lstrip\": false}, \"eos_token\": \"</s>\","
            "\"chat_template\": \"{{ bos_token }}{% for m in messages %}[{{ m.role }}:{{ m.content }}]{% endfor %}\"}");
        auto plain = ChatTemplate::fromModelDirectory(dir.path().toStdString());
        QVERIFY2(plain.ok(), plain.error().c_str());
        QCOMPARE(*plain->render({{"user", "hi"}}, true), std::string("<s>[user:hi]"));

        writeFile(config,
            "{\"eos_token\": \"</s>\", \"chat_template\": [{\"name\": \"tool_use\", \"template\": \"tools\"},"
            "{\"name\": \"default\", \"template\": \"default{{ eos_token }}\"}]}");
        auto named = ChatTemplate::fromModelDirectory(dir.path().toStdString());
        QVERIFY2(named.ok(), named.error().c_str());
        QCOMPARE(*named->render({}, false), std::string("default</s>"));

        // A chat_template.jinja file takes precedence over the config's field, as in transformers.
        writeFile(dir.filePath(QStringLiteral("chat_template.jinja")), "from the file {{ eos_token }}\n");
        auto file = ChatTemplate::fromModelDirectory(dir.path().toStdString());
        QVERIFY2(file.ok(), file.error().c_str());
        QCOMPARE(*file->render({}, false), std::string("from the file </s>"));
        QVERIFY(file->origin().find("chat_template.jinja") != std::string::npos);
    }

    void badDirectoriesSayWhatIsWrong_data()
    {
        QTest::addColumn<QByteArray>("config");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no template") << QByteArray("{\"eos_token\": \"</s>\"}") << "no chat template";
        QTest::newRow("truncated json") << QByteArray("{\"chat_template\": \"{{ x }}")
                                        << "tokenizer_config.json: not valid JSON";
        QTest::newRow("wrong type") << QByteArray("{\"chat_template\": 3}")
                                    << "tokenizer_config.json: chat_template: expected a string or a list";
        QTest::newRow("no default") << QByteArray("{\"chat_template\": [{\"name\": \"rag\", \"template\": \"x\"}]}")
                                    << "none of the named templates is called 'default'";
        QTest::newRow("bad entry") << QByteArray("{\"chat_template\": [{\"name\": \"default\"}]}")
                                   << "chat_template: [0]: expected an object with string 'name' and 'template'";
        QTest::newRow("syntax error") << QByteArray("{\"chat_template\": \"ok\\n{% for m in messages %}\"}")
                                      << "tokenizer_config.json: chat_template: line 2, column 24: unexpected end";
    }

    void badDirectoriesSayWhatIsWrong()
    {
        QFETCH(QByteArray, config);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        writeFile(dir.filePath(QStringLiteral("tokenizer_config.json")), config);
        const auto t = ChatTemplate::fromModelDirectory(dir.path().toStdString());
        QVERIFY(!t.ok());
        QVERIFY2(QString::fromStdString(t.error()).contains(expected), t.error().c_str());
    }

    void renderErrorsNameTheTemplate()
    {
        auto llama2 = ChatTemplate::fromModelDirectory(modelDir("llama2-7b-chat").toStdString());
        QVERIFY2(llama2.ok(), llama2.error().c_str());
        const auto out = llama2->render({{"assistant", "first"}}, false);
        QVERIFY(!out.ok());
        QVERIFY2(out.error().find("llama2-7b-chat/chat_template.jinja: line 1: the template raised an error: "
                                  "Conversation roles must alternate")
                != std::string::npos,
            out.error().c_str());
    }
};

QTEST_GUILESS_MAIN(TestChatTemplate)
#include "test_chat_template.moc"
