#include "ui/panels/prompt_editor.h"

#include "core/text/chat_template.h"
#include "ui/figures/color_maps.h"

#include <QButtonGroup>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QRadioButton>
#include <QSignalBlocker>
#include <QVBoxLayout>

namespace dlm {

namespace {

QPlainTextEdit *textField(const char *name, int lines)
{
    auto *edit = new QPlainTextEdit;
    edit->setObjectName(QLatin1String(name));
    edit->setTabChangesFocus(true);
    edit->setFixedHeight(edit->fontMetrics().lineSpacing() * lines + 12);
    return edit;
}

} // namespace

PromptEditor::PromptEditor(QWidget *parent)
    : QWidget(parent)
{
    m_chat = new QRadioButton(tr("Chat"));
    m_chat->setObjectName(QStringLiteral("chatMode"));
    m_chat->setToolTip(tr("The text is one user message, rendered with the model's chat template (with its special "
                          "tokens) as the model was tuned on"));
    m_raw = new QRadioButton(tr("Raw"));
    m_raw->setObjectName(QStringLiteral("rawMode"));
    m_raw->setToolTip(tr("The text is fed as typed; write [MASK] where the model should fill in"));
    auto *group = new QButtonGroup(this);
    group->addButton(m_chat);
    group->addButton(m_raw);
    m_raw->setChecked(true);
    m_modeRow = new QWidget;
    auto *modeLayout = new QHBoxLayout(m_modeRow);
    modeLayout->setContentsMargins(0, 0, 0, 0);
    modeLayout->addWidget(m_chat);
    modeLayout->addWidget(m_raw);
    modeLayout->addStretch(1);

    m_system = textField("systemMessage", 2);
    m_system->setPlaceholderText(tr("System message (optional)"));
    m_text = textField("prompt", 5);
    m_message = new QLabel;
    m_message->setObjectName(QStringLiteral("promptMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette pal = m_message->palette();
    pal.setColor(QPalette::WindowText, colors::kOkabeVermillion);
    m_message->setPalette(pal);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_modeRow);
    layout->addWidget(m_system);
    layout->addWidget(m_text);
    layout->addWidget(m_message);

    connect(m_chat, &QRadioButton::toggled, this, &PromptEditor::refresh);
    connect(m_system, &QPlainTextEdit::textChanged, this, &PromptEditor::refresh);
    connect(m_text, &QPlainTextEdit::textChanged, this, &PromptEditor::refresh);
    refresh();
}

PromptEditor::~PromptEditor() = default;

void PromptEditor::setChatTemplate(std::shared_ptr<const ChatTemplate> chatTemplate, const QString &error)
{
    const bool had = m_template != nullptr;
    m_template = std::move(chatTemplate);
    m_templateError = error;
    m_chatRun = false;
    const QSignalBlocker block(m_chat);
    // A model that brings a template is chatted with by default; a reload of one keeps the user's choice.
    if (m_template && !had)
        m_chat->setChecked(true);
    else if (!m_template)
        m_raw->setChecked(true);
    refresh();
}

bool PromptEditor::isChat() const
{
    return (m_template || m_chatRun) && m_chat->isChecked();
}

void PromptEditor::setChat(bool chat)
{
    (chat ? m_chat : m_raw)->setChecked(true);
}

QString PromptEditor::text() const
{
    return m_text->toPlainText();
}

void PromptEditor::setText(const QString &text)
{
    m_text->setPlainText(text);
}

QString PromptEditor::systemMessage() const
{
    return m_system->toPlainText();
}

void PromptEditor::setSystemMessage(const QString &text)
{
    m_system->setPlainText(text);
}

std::vector<ChatMessage> PromptEditor::messages() const
{
    if (!isChat())
        return {};
    std::vector<ChatMessage> out;
    if (!systemMessage().isEmpty())
        out.push_back({"system", systemMessage().toStdString()});
    out.push_back({"user", text().toStdString()});
    return out;
}

QString PromptEditor::modelPrompt() const
{
    return isChat() ? m_rendered : text();
}

void PromptEditor::showRun(const QString &promptText, const std::vector<ChatMessage> &messages)
{
    // Only the shape this editor makes ([system?, user]) can be edited again; other conversations show raw.
    const bool chatShape = !messages.empty() && messages.back().role == "user"
        && (messages.size() == 1 || (messages.size() == 2 && messages.front().role == "system"));
    {
        const QSignalBlocker blockText(m_text), blockSystem(m_system), blockChat(m_chat);
        m_chatRun = chatShape && !m_template;
        m_system->setPlainText(
            chatShape && messages.size() == 2 ? QString::fromStdString(messages.front().content) : QString());
        m_text->setPlainText(chatShape ? QString::fromStdString(messages.back().content) : promptText);
        (chatShape ? m_chat : m_raw)->setChecked(true);
    }
    refresh();
}

void PromptEditor::refresh()
{
    const bool switchable = m_template || m_chatRun;
    m_modeRow->setVisible(switchable);
    const bool chat = isChat();
    m_system->setVisible(chat);
    m_text->setPlaceholderText(chat ? tr("Message to the model, rendered with its chat template")
                                    : tr("Prompt. [MASK] is one token for the model to fill in; [MASK:5] is five."));
    m_text->setToolTip(chat ? QString()
                            : tr("Infilling: each [MASK] is exactly one masked token (a word may take several), "
                                 "[MASK:N] is N of them in a row. Text right after a mask continues its word."));
    m_rendered.clear();
    m_problem.clear();
    if (chat && m_template) {
        auto rendered = m_template->render(messages(), true);
        if (rendered)
            m_rendered = QString::fromStdString(*rendered);
        else
            m_problem = tr("chat template: %1").arg(QString::fromStdString(rendered.error()));
    } else if (chat) {
        m_problem = tr("load the model to render its chat template");
    }
    QString note = m_problem;
    if (note.isEmpty() && !m_templateError.isEmpty())
        note = tr("Chat is unavailable: %1").arg(m_templateError);
    m_message->setText(note.isEmpty() ? QString() : tr("⚠ %1").arg(note));
    m_message->setVisible(!note.isEmpty());
    Q_EMIT changed();
}

} // namespace dlm
