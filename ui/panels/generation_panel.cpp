#include "ui/panels/generation_panel.h"

#include "ui/panels/prompt_editor.h"
#include "ui/panels/wheel_guard.h"

#include "ui/figures/color_maps.h"
#include "core/sampling/generation_config.h"
#include "ui/panels/panel_scroll_area.h"
#include "ui/panels/recent_models.h"
#include "ui/panels/sampler_form.h"

#include <QComboBox>
#include <QFileDialog>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSignalBlocker>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace dlm {

namespace {

const QString kGroup = QStringLiteral("GenerationPanel");

QLabel *wrappedLabel(const char *name)
{
    auto *label = new QLabel;
    label->setObjectName(QLatin1String(name));
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

void setTextColor(QLabel *label, const QColor &color)
{
    QPalette pal = label->palette();
    pal.setColor(QPalette::WindowText, color);
    label->setPalette(pal);
}

} // namespace

GenerationPanel::GenerationPanel(QWidget *parent)
    : QWidget(parent)
    , m_recent(std::make_unique<RecentModels>())
{
    QGroupBox *modelBox = createModelBox();
    QGroupBox *promptBox = createPromptBox();
    createLayout(modelBox, promptBox);
    fillRecentModels();
    const QStringList recent = m_recent->directories();
    if (!recent.isEmpty())
        m_dir->setEditText(recent.first());
    setSettings(GenerationSettings {});
    // Connected once every field holds its first value; setSettings() has already refreshed the hints.
    connectFields();
}

QGroupBox *GenerationPanel::createModelBox()
{
    auto *modelBox = new QGroupBox(tr("Model"));
    m_dir = new QComboBox;
    m_dir->setObjectName(QStringLiteral("modelDirectory"));
    m_dir->setEditable(true);
    m_dir->setInsertPolicy(QComboBox::NoInsert); // only a successful load makes a directory "recent"
    m_dir->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_dir->setMinimumContentsLength(8);
    m_dir->lineEdit()->setPlaceholderText(tr("model directory"));
    m_dir->setToolTip(tr("A directory with config.json, model.safetensors and tokenizer.model; the list holds the "
                         "last %1 models loaded.")
                          .arg(RecentModels::kMaxEntries));
    auto *browse = new QToolButton;
    browse->setText(tr("Browse…"));
    browse->setToolTip(tr("Choose a model directory and load it"));
    m_dtype = new QComboBox;
    m_dtype->setObjectName(QStringLiteral("dtype"));
    m_dtype->addItem(QStringLiteral("F32"), static_cast<int>(ComputeDType::F32));
    m_dtype->addItem(QStringLiteral("BF16"), static_cast<int>(ComputeDType::BF16));
    m_dtype->setToolTip(tr("Precision the model computes in; BF16 halves memory at some accuracy. A change takes "
                           "effect when the model is loaded again."));
    m_load = new QPushButton(tr("Load"));
    m_load->setObjectName(QStringLiteral("load"));
    m_load->setToolTip(tr("Load (or reload) the model directory in the chosen precision"));
    m_dtypeNote = wrappedLabel("dtypeNote");
    m_modelStatus = wrappedLabel("modelStatus");
    m_modelStatus->setText(tr("No model loaded."));

    auto *dirRow = new QHBoxLayout;
    dirRow->addWidget(m_dir, 1);
    dirRow->addWidget(browse);
    auto *loadRow = new QHBoxLayout;
    loadRow->addWidget(new QLabel(tr("Precision")));
    loadRow->addWidget(m_dtype);
    loadRow->addStretch(1);
    loadRow->addWidget(m_load);
    auto *modelLayout = new QVBoxLayout(modelBox);
    modelLayout->addLayout(dirRow);
    modelLayout->addLayout(loadRow);
    modelLayout->addWidget(m_dtypeNote);
    modelLayout->addWidget(m_modelStatus);
    // Browsing opens a dialog only when clicked; nothing in the set-up clicks it.
    connect(browse, &QToolButton::clicked, this, &GenerationPanel::browse);
    return modelBox;
}

QGroupBox *GenerationPanel::createPromptBox()
{
    auto *promptBox = new QGroupBox(tr("Prompt"));
    m_prompt = new PromptEditor;
    auto *promptLayout = new QVBoxLayout(promptBox);
    promptLayout->addWidget(m_prompt);
    return promptBox;
}

/** The sampler form and hints scroll on small screens; the verdict and Start stay in sight below them. */
void GenerationPanel::createLayout(QGroupBox *modelBox, QGroupBox *promptBox)
{
    m_form = new SamplerForm;
    m_schedule = wrappedLabel("scheduleHint");
    m_limits = wrappedLabel("limitsHint");
    m_problemLabel = wrappedLabel("settingsProblem");
    setTextColor(m_problemLabel, colors::kOkabeVermillion);
    m_start = new QPushButton(tr("Start"));
    m_start->setObjectName(QStringLiteral("start"));
    m_start->setDefault(true);

    // The fields scroll on small screens; the verdict and Start stay in sight.
    auto *content = new QWidget;
    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(0, 0, 0, 0);
    contentLayout->addWidget(modelBox);
    contentLayout->addWidget(promptBox);
    contentLayout->addWidget(m_form);
    contentLayout->addWidget(m_schedule);
    contentLayout->addWidget(m_limits);
    contentLayout->addStretch(1);
    auto *scroll = new PanelScrollArea;
    scroll->setWidget(content);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll, 1);
    layout->addWidget(m_problemLabel);
    layout->addWidget(m_start);
}

void GenerationPanel::connectFields()
{
    // Scrolling the panel must never change the model or the precision under the pointer.
    installWheelGuard(m_dir);
    installWheelGuard(m_dtype);
    connect(m_load, &QPushButton::clicked, this, &GenerationPanel::requestLoad);
    connect(m_dir->lineEdit(), &QLineEdit::returnPressed, this, &GenerationPanel::requestLoad);
    connect(m_start, &QPushButton::clicked, this, &GenerationPanel::startRequested);
    connect(m_form, &SamplerForm::edited, this, &GenerationPanel::refresh);
    connect(m_dtype, &QComboBox::currentIndexChanged, this, &GenerationPanel::refresh);
    // The template's verdict and the token count follow every keystroke.
    connect(m_prompt, &PromptEditor::changed, this, &GenerationPanel::refresh);
}

GenerationPanel::~GenerationPanel() = default;

QString GenerationPanel::modelDirectory() const
{
    return m_dir->currentText().trimmed();
}

void GenerationPanel::setModelDirectory(const QString &dir)
{
    m_dir->setEditText(dir);
}

ComputeDType GenerationPanel::dtype() const
{
    return static_cast<ComputeDType>(m_dtype->currentData().toInt());
}

QString GenerationPanel::prompt() const
{
    return m_prompt->modelPrompt();
}

void GenerationPanel::setPrompt(const QString &prompt)
{
    m_prompt->setText(prompt);
}

std::vector<ChatMessage> GenerationPanel::chatMessages() const
{
    return m_prompt->messages();
}

void GenerationPanel::setChatTemplate(std::shared_ptr<const ChatTemplate> chatTemplate, const QString &error)
{
    m_prompt->setChatTemplate(std::move(chatTemplate), error);
}

GenerationSettings GenerationPanel::settings() const
{
    GenerationSettings s = m_form->settings();
    s.dtype = m_modelDType;
    return s;
}

void GenerationPanel::setSettings(const GenerationSettings &settings)
{
    m_form->setSettings(settings);
    m_modelDType = settings.dtype;
    {
        const QSignalBlocker block(m_dtype);
        m_dtype->setCurrentIndex(m_dtype->findData(static_cast<int>(settings.dtype)));
    }
    refresh();
}

void GenerationPanel::setRun(
    const QString &prompt, const GenerationSettings &settings, const std::vector<ChatMessage> &chatMessages)
{
    GenerationSettings run = settings;
    run.dtype = m_modelDType;
    m_form->setSettings(run);
    m_prompt->showRun(prompt, chatMessages);
    refresh();
}

void GenerationPanel::setMaxSequenceLength(int length)
{
    m_maxSequenceLength = std::max(0, length);
    refresh();
}

void GenerationPanel::setPromptTokenCounter(std::function<int(const QString &)> counter)
{
    m_countTokens = std::move(counter);
    refresh();
}

QString GenerationPanel::settingsProblemText() const
{
    return m_problem;
}

void GenerationPanel::setModelStatus(const QString &text, bool error)
{
    m_modelStatus->setText(text);
    setTextColor(m_modelStatus, error ? colors::kOkabeVermillion : palette().color(QPalette::WindowText));
}

void GenerationPanel::setStartEnabled(bool enabled)
{
    m_startAllowed = enabled;
    refresh();
}

void GenerationPanel::addRecentModel(const QString &dir)
{
    m_recent->add(dir);
    fillRecentModels();
}

QStringList GenerationPanel::recentModels() const
{
    QStringList out;
    for (int i = 0; i < m_dir->count(); ++i)
        out << m_dir->itemText(i);
    return out;
}

void GenerationPanel::setRecentModelsSettings(QSettings *settings)
{
    m_recent = std::make_unique<RecentModels>(settings);
    fillRecentModels();
}

void GenerationPanel::saveState(QSettings &settings) const
{
    // The precision saved is the one chosen for the next load, which is what the user expects back.
    GenerationSettings s = this->settings();
    s.dtype = dtype();
    settings.beginGroup(kGroup);
    // The typed text, not the rendered chat: restoring it under another model renders it with that template.
    settings.setValue(QStringLiteral("prompt"), m_prompt->text());
    settings.setValue(QStringLiteral("systemMessage"), m_prompt->systemMessage());
    settings.setValue(QStringLiteral("settings"), QString::fromStdString(settingsToJsonText(s)));
    settings.setValue(QStringLiteral("advancedOpen"), m_form->isAdvancedOpen());
    settings.endGroup();
}

void GenerationPanel::restoreState(QSettings &settings)
{
    settings.beginGroup(kGroup);
    if (settings.contains(QStringLiteral("prompt")))
        setPrompt(settings.value(QStringLiteral("prompt")).toString());
    if (settings.contains(QStringLiteral("systemMessage")))
        m_prompt->setSystemMessage(settings.value(QStringLiteral("systemMessage")).toString());
    if (settings.contains(QStringLiteral("settings"))) {
        const std::string text = settings.value(QStringLiteral("settings")).toString().toStdString();
        // A file from another version or edited by hand may not parse; the fields then keep their values.
        const auto restored = settingsFromJsonText(text, "saved settings");
        if (restored)
            setSettings(*restored);
    }
    if (settings.contains(QStringLiteral("advancedOpen")))
        m_form->setAdvancedOpen(settings.value(QStringLiteral("advancedOpen")).toBool());
    settings.endGroup();
}

void GenerationPanel::browse()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open model directory"), modelDirectory());
    if (dir.isEmpty())
        return;
    setModelDirectory(dir);
    requestLoad();
}

void GenerationPanel::requestLoad()
{
    if (!modelDirectory().isEmpty())
        Q_EMIT loadRequested(modelDirectory(), dtype());
}

ModelLimits GenerationPanel::limits() const
{
    ModelLimits limits;
    limits.maxSequenceLength = m_maxSequenceLength;
    if (m_countTokens && m_maxSequenceLength > 0)
        limits.promptTokens = m_countTokens(prompt());
    return limits;
}

void GenerationPanel::refresh()
{
    const GenerationSettings s = settings();
    const ModelLimits modelLimits = limits();
    m_problem = m_form->inputProblem();
    if (m_problem.isEmpty())
        m_problem = m_prompt->problem();
    if (m_problem.isEmpty())
        m_problem = settingsProblem(s, modelLimits);

    // Colour and words together: the warning sign and "Cannot start" carry the meaning without the vermillion.
    m_problemLabel->setText(m_problem.isEmpty() ? QString() : tr("⚠ Cannot start: %1.").arg(m_problem));
    m_problemLabel->setVisible(!m_problem.isEmpty());
    const QString schedule = m_problem.isEmpty() ? scheduleSummary(s) : QString();
    m_schedule->setText(schedule);
    m_schedule->setVisible(!schedule.isEmpty());
    const QString limitsText = limitsSummary(modelLimits, s.genLength);
    m_limits->setText(limitsText);
    m_limits->setVisible(!limitsText.isEmpty());

    m_start->setEnabled(m_startAllowed && m_problem.isEmpty());
    if (!m_problem.isEmpty())
        m_start->setToolTip(tr("Cannot start: %1").arg(m_problem));
    else if (!m_startAllowed)
        m_start->setToolTip(tr("Load a model first"));
    else
        m_start->setToolTip(tr("Start a new generation from the prompt with these settings"));

    const bool reloadNeeded = dtype() != m_modelDType;
    m_dtypeNote->setText(reloadNeeded ? tr("ℹ %1 takes effect on Load (the model is loaded again in that "
                                           "precision).")
                                            .arg(m_dtype->currentText())
                                      : QString());
    m_dtypeNote->setVisible(reloadNeeded);
}

void GenerationPanel::fillRecentModels()
{
    // Refilling an editable combo resets its text; keep what the user typed.
    const QString text = m_dir->currentText();
    const QSignalBlocker block(m_dir);
    m_dir->clear();
    for (const QString &dir : m_recent->directories()) {
        m_dir->addItem(dir);
        m_dir->setItemData(m_dir->count() - 1, dir, Qt::ToolTipRole);
    }
    m_dir->setCurrentIndex(m_dir->findText(text));
    m_dir->setEditText(text);
}

} // namespace dlm
