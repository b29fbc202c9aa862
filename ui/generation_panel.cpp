#include "generation_panel.h"

#include "color_maps.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>

namespace dlm {

namespace {

constexpr ConfidenceMeasure kMeasures[] = {ConfidenceMeasure::LowConfidence, ConfidenceMeasure::Random,
                                           ConfidenceMeasure::Margin, ConfidenceMeasure::Entropy};

QSpinBox *spinBox(int min, int max, const QString &tip)
{
    auto *box = new QSpinBox;
    box->setRange(min, max);
    box->setToolTip(tip);
    return box;
}

} // namespace

GenerationPanel::GenerationPanel(QWidget *parent) : QWidget(parent)
{
    auto *modelBox = new QGroupBox(tr("Model"));
    m_dir = new QLineEdit;
    m_dir->setPlaceholderText(tr("model directory"));
    m_dir->setToolTip(tr("A directory with config.json, model.safetensors and tokenizer.model"));
    auto *browse = new QToolButton;
    browse->setText(tr("Browse…"));
    m_dtype = new QComboBox;
    m_dtype->addItem(QStringLiteral("F32"), static_cast<int>(ComputeDType::F32));
    m_dtype->addItem(QStringLiteral("BF16"), static_cast<int>(ComputeDType::BF16));
    m_dtype->setToolTip(tr("Precision the model computes in"));
    m_load = new QPushButton(tr("Load"));
    m_modelStatus = new QLabel(tr("No model loaded."));
    m_modelStatus->setWordWrap(true);
    m_modelStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);

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
    modelLayout->addWidget(m_modelStatus);

    auto *genBox = new QGroupBox(tr("Generation"));
    m_prompt = new QPlainTextEdit;
    m_prompt->setPlaceholderText(tr("Prompt. Write [MASK] where the model should fill in."));
    m_prompt->setTabChangesFocus(true);
    m_prompt->setFixedHeight(m_prompt->fontMetrics().lineSpacing() * 5 + 12);
    m_genLength = spinBox(1, 1 << 20, tr("Masked positions appended to the prompt"));
    m_steps = spinBox(1, 1 << 20, tr("Denoising steps in total, spread evenly over the blocks"));
    m_blockLength = spinBox(1, 1 << 20, tr("Semi-autoregressive block size; equal to gen length for one block"));
    m_temperature = new QDoubleSpinBox;
    m_temperature->setRange(0.0, 10.0);
    m_temperature->setSingleStep(0.1);
    m_temperature->setDecimals(2);
    m_temperature->setToolTip(tr("0 takes the most likely token; higher samples more freely"));
    m_measure = new QComboBox;
    for (ConfidenceMeasure m : kMeasures)
        m_measure->addItem(QString::fromUtf8(measureName(m)), static_cast<int>(m));
    m_measure->setToolTip(tr("How the sampler ranks masked positions when it decides which to commit"));
    m_seed = spinBox(0, INT_MAX, tr("Same model, settings and seed give the same run"));
    m_start = new QPushButton(tr("Start"));
    m_start->setDefault(true);
    m_start->setEnabled(false);

    auto *form = new QFormLayout;
    form->addRow(tr("Gen length"), m_genLength);
    form->addRow(tr("Steps"), m_steps);
    form->addRow(tr("Block length"), m_blockLength);
    form->addRow(tr("Temperature"), m_temperature);
    form->addRow(tr("Remasking"), m_measure);
    form->addRow(tr("Seed"), m_seed);
    auto *genLayout = new QVBoxLayout(genBox);
    genLayout->addWidget(m_prompt);
    genLayout->addLayout(form);
    genLayout->addWidget(m_start);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(modelBox);
    layout->addWidget(genBox);
    layout->addStretch(1);

    setSettings(GenerationSettings{});

    connect(browse, &QToolButton::clicked, this, &GenerationPanel::browse);
    connect(m_load, &QPushButton::clicked, this, &GenerationPanel::requestLoad);
    connect(m_dir, &QLineEdit::returnPressed, this, &GenerationPanel::requestLoad);
    connect(m_start, &QPushButton::clicked, this, &GenerationPanel::startRequested);
}

QString GenerationPanel::modelDirectory() const
{
    return m_dir->text().trimmed();
}

void GenerationPanel::setModelDirectory(const QString &dir)
{
    m_dir->setText(dir);
}

ComputeDType GenerationPanel::dtype() const
{
    return static_cast<ComputeDType>(m_dtype->currentData().toInt());
}

QString GenerationPanel::prompt() const
{
    return m_prompt->toPlainText();
}

void GenerationPanel::setPrompt(const QString &prompt)
{
    m_prompt->setPlainText(prompt);
}

GenerationSettings GenerationPanel::settings() const
{
    GenerationSettings s = m_base;
    s.genLength = m_genLength->value();
    s.steps = m_steps->value();
    s.blockLength = m_blockLength->value();
    s.temperature = m_temperature->value();
    s.measure = static_cast<ConfidenceMeasure>(m_measure->currentData().toInt());
    // A seed too large for the spin box stays as the config gave it until the user picks another.
    s.seed = m_seed->value() == m_seedShown ? m_base.seed : static_cast<uint64_t>(m_seed->value());
    s.dtype = dtype();
    return s;
}

void GenerationPanel::setSettings(const GenerationSettings &settings)
{
    m_base = settings;
    m_genLength->setValue(settings.genLength);
    m_steps->setValue(settings.steps);
    m_blockLength->setValue(settings.blockLength);
    m_temperature->setValue(settings.temperature);
    m_measure->setCurrentIndex(m_measure->findData(static_cast<int>(settings.measure)));
    m_seed->setValue(static_cast<int>(std::min<uint64_t>(settings.seed, INT_MAX)));
    m_seedShown = m_seed->value();
}

void GenerationPanel::setMaxSequenceLength(int length)
{
    const int max = length > 0 ? length : 1 << 20;
    m_genLength->setMaximum(max);
    m_blockLength->setMaximum(max);
}

void GenerationPanel::setModelStatus(const QString &text, bool error)
{
    m_modelStatus->setText(text);
    QPalette pal = m_modelStatus->palette();
    pal.setColor(QPalette::WindowText, error ? colors::kOkabeVermillion : palette().color(QPalette::WindowText));
    m_modelStatus->setPalette(pal);
}

void GenerationPanel::setStartEnabled(bool enabled)
{
    m_start->setEnabled(enabled);
}

void GenerationPanel::browse()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open model directory"), modelDirectory());
    if (dir.isEmpty())
        return;
    m_dir->setText(dir);
    requestLoad();
}

void GenerationPanel::requestLoad()
{
    if (!modelDirectory().isEmpty())
        Q_EMIT loadRequested(modelDirectory(), dtype());
}

} // namespace dlm
