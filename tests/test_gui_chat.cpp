// Chatting in the window with a model that has LLaDA-8B-Instruct's layout: the Chat/Raw switch appears with
// the template, the prompt the engine gets is byte for byte what `dlmstudio-cli template` prints for the same
// conversation, its special tokens are drawn as special chips, template errors are named under the prompt,
// and an opened chat run shows its conversation again. Runs offscreen.

#include "app/cli/cli_args.h"
#include "app/cli/commands.h"

#include "core/text/chat_template.h"
#include "core/timeline/timeline_json.h"
#include "ui/document/session_files.h"
#include "ui/panels/prompt_editor.h"
#include "ui/views/canvas_view.h"

#include "cli_process.h"
#include "llada_instruct_model.h"
#include "tiny_model.h"
#include "window_driver.h"

#include <QFile>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <sstream>

using namespace dlm;
using namespace dlm::testing;

namespace {

GenerationSettings smallSettings()
{
    GenerationSettings s;
    s.genLength = 8;
    s.steps = 4;
    s.blockLength = 8;
    return s;
}

/** `dlmstudio-cli template --model DIR --messages FILE` run in this process: its stdout, or "" and a failure. */
std::string cliTemplate(const QString &modelDir, const QString &messagesFile)
{
    auto parsed = parseCli(toStdArgs(
        {QStringLiteral("template"), QStringLiteral("--model"), modelDir, QStringLiteral("--messages"), messagesFile}));
    if (!parsed)
        return {};
    std::ostringstream out, err;
    return runCommand(*parsed, out, err) == 0 ? out.str() : std::string();
}

} // namespace

class TestGuiChat : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_model;

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_tmp.isValid());
        m_model = m_tmp.filePath(QStringLiteral("LLaDA-8B-Instruct"));
        auto written = writeLladaInstructModel(m_model.toStdString());
        QVERIFY2(written.ok(), written.error().c_str());
    }

    void chatRendersAsTheCliDoes()
    {
        MainWindow w;
        QVERIFY(loadModel(w, m_model));
        GenerationPanel *panel = parts(w).generationPanel();
        PromptEditor *editor = panel->promptEditor();
        QVERIFY(editor->hasChatTemplate());
        QVERIFY(editor->isChat()); // Chat by default for a model with a template
        editor->setSystemMessage(QStringLiteral("Answer briefly."));
        editor->setText(QStringLiteral("  What is 2 + 2?\n"));

        const QString messages = m_tmp.filePath(QStringLiteral("messages.json"));
        QFile file(messages);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(
            R"([{"role": "system", "content": "Answer briefly."}, {"role": "user", "content": "  What is 2 + 2?\n"}])");
        file.close();
        const std::string expected = cliTemplate(m_model, messages);
        QVERIFY(!expected.empty());
        QCOMPARE(panel->prompt().toStdString(), expected);

        // Raw sends the text as typed.
        editor->setChat(false);
        QCOMPARE(panel->prompt(), QStringLiteral("  What is 2 + 2?\n"));
        QVERIFY(panel->chatMessages().empty());
        editor->setChat(true);
        QCOMPARE(panel->chatMessages().size(), size_t(2));
    }

    void chatStartsAndStepsWithSpecialChips()
    {
        MainWindow w;
        w.show();
        QVERIFY(loadModel(w, m_model));
        parts(w).generationPanel()->setSettings(smallSettings());
        parts(w).generationPanel()->setPrompt(QStringLiteral("Hi"));
        QVERIFY(parts(w).generationPanel()->promptEditor()->isChat());
        QSignalSpy started(parts(w).engine(), &EngineController::sessionStarted);
        w.startSession();
        QVERIFY(QTest::qWaitFor([&] { return started.count() == 1; }, kWindowTimeoutMs));
        QVERIFY(stepTo(w, 3));

        const Timeline &t = parts(w).document()->timeline();
        QVERIFY(t.chatMessages == (std::vector<ChatMessage> {{"user", "Hi"}}));
        QCOMPARE(t.promptIds.front(), kLladaBos);
        QCOMPARE(t.promptText,
            std::string("<|startoftext|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                        "<|start_header_id|>assistant<|end_header_id|>\n\n"));
        // Position 0 is bos, 1 <|start_header_id|>, 2 "user": the special ones are drawn and described as such.
        CanvasView *canvas = parts(w).canvasView();
        QVERIFY(canvas->chip(0) && canvas->chip(0)->kind == TokenChip::Kind::Prompt);
        QVERIFY(canvas->chip(0)->special);
        QVERIFY(canvas->chip(1)->special);
        QVERIFY(!canvas->chip(2)->special);
        QCOMPARE(canvas->chip(2)->text, QStringLiteral("user"));
        QVERIFY(canvas->details(1, false).contains(QStringLiteral("special token")));
        QVERIFY(!canvas->details(2, false).contains(QStringLiteral("special token")));
        // A special chip is boxed with a token's padding, so it is wider than plain prompt text of the same piece.
        TokenChipPainter painter(canvas->font());
        TokenChip plain = *canvas->chip(1);
        plain.special = false;
        QVERIFY(painter.chipWidth(*canvas->chip(1)) > painter.chipWidth(plain));
        QCOMPARE(canvas->maskedCount(), parts(w).document()->currentRecord()->maskedCount(kLladaMask));
        // The random head's 126,464 rows mostly have no token: a committed one shows as "<unused N>".
        const StepRecord &r = *parts(w).document()->currentRecord();
        const int committed = committedPosition(r, kLladaMask);
        QVERIFY(committed >= 0);
        const int32_t id = r.tokens[static_cast<size_t>(committed)];
        QCOMPARE(canvas->chip(committed)->text, QStringLiteral("<unused %1>").arg(id));

        // Saved and opened again, the run shows its conversation in Chat mode.
        const QString saved = m_tmp.filePath(QStringLiteral("chat-run.json"));
        QVERIFY(saveTimeline(t, saved.toStdString()).ok());
        MainWindow reopened;
        QVERIFY(parts(reopened).files()->openFile(saved));
        PromptEditor *editor = parts(reopened).generationPanel()->promptEditor();
        QVERIFY(editor->isChat());
        QCOMPARE(editor->text(), QStringLiteral("Hi"));
        QVERIFY(parts(reopened).canvasView()->chip(0)->special);
    }

    void templateErrorsAreNamedUnderThePrompt()
    {
        MainWindow w;
        QVERIFY(loadModel(w, m_model));
        GenerationPanel *panel = parts(w).generationPanel();
        // A template that raises on render (as Llama 2's does for roles out of order) names its line.
        auto raising = ChatTemplate::fromSource("{{ bos_token }}\n{% if messages[0].role == 'user' %}{{ "
                                                "raise_exception('roles must alternate') }}{% endif %}",
            "test template");
        QVERIFY2(raising.ok(), raising.error().c_str());
        panel->setChatTemplate(std::make_shared<const ChatTemplate>(*raising));
        panel->setPrompt(QStringLiteral("Hi"));
        auto *message = panel->findChild<QLabel *>(QStringLiteral("promptMessage"));
        QVERIFY(message);
        QVERIFY(!message->isHidden());
        QVERIFY2(message->text().contains(QStringLiteral("roles must alternate")), qPrintable(message->text()));
        QVERIFY2(message->text().contains(QStringLiteral("line 2")), qPrintable(message->text()));
        QVERIFY(!panel->settingsProblemText().isEmpty());
        QVERIFY(!panel->findChild<QPushButton *>(QStringLiteral("start"))->isEnabled());
        // Raw mode does not need the template.
        panel->promptEditor()->setChat(false);
        QVERIFY(message->isHidden());
        QVERIFY(panel->findChild<QPushButton *>(QStringLiteral("start"))->isEnabled());

        // A template with a syntax error: the model loads, Chat is unavailable, and the message names the line.
        const QString broken = m_tmp.filePath(QStringLiteral("broken-template"));
        QVERIFY(writeLladaInstructModel(broken.toStdString()).ok());
        QFile jinja(broken + QStringLiteral("/chat_template.jinja"));
        QVERIFY(jinja.open(QIODevice::WriteOnly));
        jinja.write("{{ bos_token }}\n{% for m in messages %}{{ m.content }}\n");
        jinja.close();
        QVERIFY(loadModel(w, broken));
        QVERIFY(!panel->promptEditor()->hasChatTemplate());
        QVERIFY(!panel->promptEditor()->isChat());
        QVERIFY(!message->isHidden());
        QVERIFY2(message->text().contains(QStringLiteral("chat_template.jinja")), qPrintable(message->text()));
        QVERIFY2(message->text().contains(QStringLiteral("line")), qPrintable(message->text()));
    }

    void modelsWithoutTemplateHaveNoSwitch()
    {
        const QString tiny = m_tmp.filePath(QStringLiteral("tiny"));
        QVERIFY(writeTinyModel(tiny.toStdString()).ok());
        MainWindow w;
        w.show();
        QVERIFY(loadModel(w, tiny));
        PromptEditor *editor = parts(w).generationPanel()->promptEditor();
        QVERIFY(!editor->hasChatTemplate());
        QVERIFY(!editor->isChat());
        QVERIFY(!editor->findChild<QRadioButton *>(QStringLiteral("chatMode"))->isVisible());
        parts(w).generationPanel()->setPrompt(QStringLiteral("the [MASK] sat"));
        QCOMPARE(parts(w).generationPanel()->prompt(), QStringLiteral("the [MASK] sat"));
    }
};

QTEST_MAIN(TestGuiChat)
#include "test_gui_chat.moc"
