#pragma once
// The prompt area of the generation panel: the text, and for models with a chat template a Chat/Raw switch and
// an optional system message. In Chat mode the text is one user message and what the model is fed is the
// conversation rendered with the model's template, exactly as `dlmstudio-cli template` prints it.

#include "core/text/chat_message.h"

#include <QString>
#include <QWidget>

#include <memory>
#include <vector>

class QLabel;
class QPlainTextEdit;
class QRadioButton;

namespace dlm {

class ChatTemplate;

/**
 * Edits the prompt. Raw mode sends the text as typed ([MASK] infilling included); Chat mode renders
 * [system?, user] with the model's chat template and the generation prompt. A template that does not render
 * is reported under the text, naming the template line, and makes problem() non-empty.
 */
class PromptEditor : public QWidget
{
    Q_OBJECT

public:
    explicit PromptEditor(QWidget *parent = nullptr);
    ~PromptEditor() override;

    /**
     * The loaded model's template, or null when it has none (the switch hides and Raw is used). A model that
     * brings a template starts in Chat mode. `error`: the model's template exists but cannot be read.
     */
    void setChatTemplate(std::shared_ptr<const ChatTemplate> chatTemplate, const QString &error = {});
    bool hasChatTemplate() const { return m_template != nullptr; }

    /** Chat mode is in use: a template is loaded (or an opened chat run is shown) and Chat is chosen. */
    bool isChat() const;
    void setChat(bool chat);

    /** The text as typed: the user message in Chat mode, the whole prompt in Raw mode. */
    QString text() const;
    void setText(const QString &text);
    QString systemMessage() const;
    void setSystemMessage(const QString &text);

    /** The conversation in Chat mode ([system?, user]); empty in Raw mode. */
    std::vector<ChatMessage> messages() const;
    /** What the model is fed: the rendered conversation in Chat mode, the text in Raw mode. */
    QString modelPrompt() const;
    /** Why Chat mode cannot produce a prompt (the template's message); empty when it can. */
    QString problem() const { return m_problem; }

    /** Shows an opened run: its conversation in Chat mode when it has one, else its text in Raw mode. */
    void showRun(const QString &promptText, const std::vector<ChatMessage> &messages);

Q_SIGNALS:
    /** The text, the system message or the mode changed. */
    void changed();

private:
    void refresh();

    std::shared_ptr<const ChatTemplate> m_template;
    QString m_templateError;
    QString m_rendered;
    QString m_problem;
    bool m_chatRun = false; ///< an opened chat run is shown without a template loaded

    QRadioButton *m_chat = nullptr;
    QRadioButton *m_raw = nullptr;
    QWidget *m_modeRow = nullptr;
    QPlainTextEdit *m_system = nullptr;
    QPlainTextEdit *m_text = nullptr;
    QLabel *m_message = nullptr;
};

} // namespace dlm
