#include "ui/panels/sampler_form.h"

#include "ui/text/field_labels.h"
#include "ui/panels/wheel_guard.h"
#include "core/base/compute_environment.h"
#include "core/sampling/sampler_registry.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRandomGenerator>
#include <QRegularExpressionValidator>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

namespace dlm {

namespace {

constexpr int kIntMax = 1 << 20; // above every engine limit, so too-large values reach the inline message

QSpinBox *spinBox(const char *name, int min, int max, const QString &tip)
{
    auto *box = new QSpinBox;
    box->setObjectName(QLatin1String(name));
    box->setRange(min, max);
    box->setToolTip(tip);
    return box;
}

QDoubleSpinBox *doubleBox(const char *name, double min, double max, double step, int decimals, const QString &tip)
{
    auto *box = new QDoubleSpinBox;
    box->setObjectName(QLatin1String(name));
    box->setRange(min, max);
    box->setSingleStep(step);
    box->setDecimals(decimals);
    box->setToolTip(tip);
    return box;
}

struct MeasureText
{
    ConfidenceMeasure measure;
    const char *tip;
};

const MeasureText kMeasures[] = {
    {ConfidenceMeasure::LowConfidence,
        QT_TRANSLATE_NOOP("SamplerForm", "Probability of the candidate (LLaDA's default)")},
    {ConfidenceMeasure::Random, QT_TRANSLATE_NOOP("SamplerForm", "A uniform random score (LLaDA's baseline)")},
    {ConfidenceMeasure::Margin, QT_TRANSLATE_NOOP("SamplerForm", "Top-1 minus top-2 probability")},
    {ConfidenceMeasure::Entropy, QT_TRANSLATE_NOOP("SamplerForm", "Minus the entropy of the distribution")},
};

} // namespace

SamplerForm::SamplerForm(QWidget *parent)
    : QWidget(parent)
{
    m_genLength = spinBox("genLength", 1, kIntMax,
        tr("Masked positions appended to the prompt for the model to fill (LLaDA's gen_length)."));
    m_blockLength = spinBox("blockLength", 1, kIntMax,
        tr("Semi-autoregressive block size: blocks are denoised left to right; equal to gen "
           "length for a single block (LLaDA's block_length)."));
    m_steps = spinBox("steps", 1, kIntMax, {});
    m_useThreshold = new QCheckBox(tr("Threshold decoding (Fast-dLLM)"));
    m_useThreshold->setObjectName(QStringLiteral("useThreshold"));
    m_useThreshold->setToolTip(tr("Commit every masked position of the block whose confidence reaches τ, at least "
                                  "one per step, instead of a fixed quota (Fast-dLLM's parallel decoding)."));
    m_tau = doubleBox("tau", -100.0, 100.0, 0.05, 3,
        tr("Confidence a prediction needs to be committed (Fast-dLLM's threshold): between 0 and 1, "
           "or at most 0 for the entropy measure."));
    m_temperature = doubleBox("temperature", 0.0, 100.0, 0.1, 3,
        tr("0 commits the most likely token; above 0 samples through Gumbel noise, more freely "
           "as it grows (LLaDA's temperature)."));
    m_measure = new QComboBox;
    m_measure->setObjectName(QStringLiteral("remasking"));
    for (const MeasureText &m : kMeasures) {
        m_measure->addItem(measureLabel(m.measure), static_cast<int>(m.measure));
        m_measure->setItemData(m_measure->count() - 1, tr(m.tip), Qt::ToolTipRole);
    }
    m_measure->setToolTip(tr("How masked positions are ranked to choose which predictions to keep; the rest go "
                             "back to the mask (LLaDA's remasking)."));
    m_seed = new QLineEdit;
    m_seed->setObjectName(QStringLiteral("seed"));
    m_seed->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("\\d{0,20}")), m_seed));
    m_seed->setToolTip(tr("Seed of the sampling noise: the same model, settings and seed give the same run."));
    auto *newSeed = new QToolButton;
    newSeed->setText(tr("New"));
    newSeed->setToolTip(tr("Pick a random seed"));

    auto *seedRow = new QHBoxLayout;
    seedRow->setContentsMargins(0, 0, 0, 0);
    seedRow->addWidget(m_seed, 1);
    seedRow->addWidget(newSeed);
    auto *sampling = new QGroupBox(tr("Sampling"));
    auto *form = new QFormLayout(sampling);
    m_samplingForm = form;
    form->addRow(tr("Gen length"), m_genLength);
    form->addRow(tr("Block length"), m_blockLength);
    form->addRow(tr("Steps"), m_steps);
    form->addRow(m_useThreshold);
    form->addRow(tr("Threshold τ"), m_tau);
    form->addRow(tr("Temperature"), m_temperature);
    form->addRow(tr("Remasking"), m_measure);
    form->addRow(tr("Seed"), seedRow);

    m_cfgScale = doubleBox("cfgScale", 0.0, 100.0, 0.5, 2,
        tr("Classifier-free guidance weight w: logits = u + (w + 1)(c − u) from a second forward "
           "with the prompt masked; 0 turns it off (LLaDA's cfg_scale)."));
    m_topK = spinBox("topK", 0, 1000,
        tr("Alternatives per position and step the timeline records for the inspector; does not "
           "change sampling."));
    m_threads = spinBox("threads", 0, 4096,
        tr("CPU threads for each step. Auto (0) takes, before every step, the cores no other program is "
           "using, so the engine never fights the window or another job for a core."));
    m_threads->setSpecialValueText(tr("auto"));
    m_cache = new QComboBox;
    m_cache->setObjectName(QStringLiteral("kvCache"));
    m_cache->addItem(tr("None (exact)"), static_cast<int>(CacheMode::None));
    m_cache->addItem(tr("Prefix (Fast-dLLM, approximate)"), static_cast<int>(CacheMode::Prefix));
    m_cache->addItem(tr("Dual (Fast-dLLM, approximate)"), static_cast<int>(CacheMode::Dual));
    m_cache->setToolTip(tr("Fast-dLLM's KV cache: a block's first step runs the whole canvas and keeps every "
                           "layer's keys and values; its later steps recompute only the block (dual) or the block "
                           "and what follows (prefix). Faster, but the kept values are those of the block's "
                           "start, so the run can differ from an exact one: compare them with Compare > Run "
                           "again. Not with CFG."));
    m_laterBlocks = new QCheckBox(tr("Record predictions right of the block"));
    m_laterBlocks->setObjectName(QStringLiteral("laterBlocks"));
    m_laterBlocks->setToolTip(
        tr("Also record what the model predicts for the masks of later blocks (the canvas and inspector show them; "
           "they are never committed and do not change the run). Cost: the output head, softmax and top-k run on "
           "those rows too, one vocabulary-wide row each. Measured on a LLaDA-1B-shaped model (vocabulary 126,464, "
           "128 positions in blocks of 32) on a 2-core CPU: about 30 % of a step without a cache while three blocks "
           "lie ahead, less as they fill; with the dual KV cache only the steps that run the whole canvas record "
           "them, which cost no measurable time averaged over a block. dlmstudio-cli bench --later-blocks-cost "
           "measures it on your model."));
    // How the threads wait is fixed when the program starts (libgomp reads it once): show it, do not offer it.
    auto *waitPolicy = new QLabel(QString::fromStdString(computeEnvironment().describe()));
    waitPolicy->setObjectName(QStringLiteral("waitPolicy"));
    waitPolicy->setWordWrap(true);
    waitPolicy->setForegroundRole(QPalette::PlaceholderText);
    m_advancedToggle = new QToolButton;
    m_advancedToggle->setObjectName(QStringLiteral("advancedToggle"));
    m_advancedToggle->setText(tr("Advanced"));
    m_advancedToggle->setCheckable(true);
    m_advancedToggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_advancedToggle->setAutoRaise(true);
    m_advancedToggle->setToolTip(tr("Guidance, recorded top-k and later-block predictions, threads and the KV cache"));
    m_advanced = new QWidget;
    auto *advancedForm = new QFormLayout(m_advanced);
    m_advancedForm = advancedForm;
    advancedForm->setContentsMargins(0, 0, 0, 0);
    advancedForm->addRow(tr("CFG scale"), m_cfgScale);
    advancedForm->addRow(tr("Top-k recorded"), m_topK);
    advancedForm->addRow(m_laterBlocks);
    advancedForm->addRow(tr("Threads"), m_threads);
    advancedForm->addRow(tr("KV cache"), m_cache);
    advancedForm->addRow(QString(), waitPolicy);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(sampling);
    layout->addWidget(buildDreamRows());
    layout->addWidget(m_advancedToggle);
    layout->addWidget(m_advanced);

    // The form sits in a scrolling panel: the wheel scrolls it unless a field was clicked into first.
    for (QWidget *field : std::initializer_list<QWidget *> {m_genLength, m_blockLength, m_steps, m_tau, m_temperature,
             m_measure, m_cfgScale, m_topK, m_threads, m_cache})
        installWheelGuard(field);

    setAdvancedOpen(false);
    setSettings(GenerationSettings {});

    const auto changed = [this] {
        updateModeFields();
        if (!m_updating)
            Q_EMIT edited();
    };
    for (QSpinBox *box : {m_genLength, m_blockLength, m_steps, m_topK, m_threads})
        connect(box, &QSpinBox::valueChanged, this, changed);
    for (QDoubleSpinBox *box : {m_tau, m_temperature, m_cfgScale})
        connect(box, &QDoubleSpinBox::valueChanged, this, changed);
    connect(m_useThreshold, &QCheckBox::toggled, this, changed);
    connect(m_laterBlocks, &QCheckBox::toggled, this, changed);
    connect(m_measure, &QComboBox::currentIndexChanged, this, changed);
    connect(m_cache, &QComboBox::currentIndexChanged, this, changed);
    connect(m_seed, &QLineEdit::textChanged, this, changed);
    connect(newSeed, &QToolButton::clicked, this, &SamplerForm::pickRandomSeed);
    connect(m_advancedToggle, &QToolButton::toggled, this, &SamplerForm::setAdvancedOpen);
}

GenerationSettings SamplerForm::settings() const
{
    GenerationSettings s;
    s.genLength = m_genLength->value();
    s.blockLength = m_blockLength->value();
    s.steps = m_steps->value();
    s.useThreshold = m_useThreshold->isChecked();
    s.threshold = m_tau->value();
    s.temperature = m_temperature->value();
    s.measure = static_cast<ConfidenceMeasure>(m_measure->currentData().toInt());
    bool ok = false;
    const qulonglong seed = m_seed->text().toULongLong(&ok);
    s.seed = ok ? seed : m_lastSeed;
    s.cfgScale = m_cfgScale->value();
    s.topK = m_topK->value();
    s.threads = m_threads->value();
    s.cache = static_cast<CacheMode>(m_cache->currentData().toInt());
    s.laterBlocks = m_laterBlocks->isChecked() ? LaterBlocks::Record : LaterBlocks::Skip;
    readDreamRows(&s);
    return s;
}

void SamplerForm::setSettings(const GenerationSettings &s)
{
    m_updating = true;
    m_genLength->setValue(s.genLength);
    m_blockLength->setValue(s.blockLength);
    m_steps->setValue(s.steps);
    m_useThreshold->setChecked(s.useThreshold);
    m_tau->setValue(s.threshold);
    m_temperature->setValue(s.temperature);
    m_measure->setCurrentIndex(m_measure->findData(static_cast<int>(s.measure)));
    m_seed->setText(QString::number(static_cast<qulonglong>(s.seed)));
    m_lastSeed = s.seed;
    m_cfgScale->setValue(s.cfgScale);
    m_topK->setValue(s.topK);
    m_threads->setValue(s.threads);
    m_cache->setCurrentIndex(m_cache->findData(static_cast<int>(s.cache)));
    m_laterBlocks->setChecked(s.laterBlocks == LaterBlocks::Record);
    showDreamRows(s);
    m_updating = false;
    updateModeFields();
}

QString SamplerForm::inputProblem() const
{
    bool ok = false;
    m_seed->text().toULongLong(&ok);
    if (!ok)
        return tr("seed must be a whole number from 0 to 18446744073709551615");
    return {};
}

bool SamplerForm::isAdvancedOpen() const
{
    return m_advancedToggle->isChecked();
}

void SamplerForm::setAdvancedOpen(bool open)
{
    const QSignalBlocker block(m_advancedToggle);
    m_advancedToggle->setChecked(open);
    m_advancedToggle->setArrowType(open ? Qt::DownArrow : Qt::RightArrow);
    m_advanced->setVisible(open);
}

void SamplerForm::updateModeFields()
{
    const bool threshold = m_useThreshold->isChecked();
    m_steps->setEnabled(!threshold);
    m_steps->setToolTip(threshold ? tr("Not used with threshold decoding: each step commits every position whose "
                                       "confidence reaches τ, so the model's confidence sets the number of steps.")
                                  : tr("Denoising steps in total, spread over the blocks; each step commits a "
                                       "quota of tokens (LLaDA's steps)."));
    m_tau->setEnabled(threshold);
}

void SamplerForm::pickRandomSeed()
{
    // Below 2^31 so the seed stays short enough to read aloud and type into the CLI.
    m_seed->setText(QString::number(QRandomGenerator::global()->bounded(0x7fffffff)));
}

QWidget *SamplerForm::buildDreamRows()
{
    m_alg = new QComboBox;
    m_alg->setObjectName(QStringLiteral("alg"));
    for (DreamAlg a : {DreamAlg::Origin, DreamAlg::MaskgitPlus, DreamAlg::TopkMargin, DreamAlg::Entropy})
        m_alg->addItem(QString::fromUtf8(dreamAlgName(a)), static_cast<int>(a));
    m_alg->setToolTip(tr("Which masks a step reveals (Dream's alg): origin reveals each one with probability "
                         "1 − s/t; the others reveal the k most confident by top-1 probability (maskgit_plus), "
                         "top-1 minus top-2 (topk_margin) or minus the entropy (entropy)."));
    m_algTemp = doubleBox("algTemp", 0.0, 100.0, 0.05, 3,
        tr("0 reveals the k most confident positions; above 0 draws k positions from "
           "softmax(confidence / alg temp) (Dream's alg_temp)."));
    m_topP = doubleBox("topP", 0.0, 1.0, 0.05, 3,
        tr("Nucleus filtering before sampling: keep the most likely tokens up to this mass; 1 = off "
           "(Dream's top_p)."));
    m_sampleTopK = spinBox("sampleTopK", 0, kIntMax,
        tr("Keep only the k most likely tokens before sampling; 0 = off (Dream's top_k). \"Top-k recorded\" "
           "is what the timeline keeps for the inspector."));
    m_eps = doubleBox("eps", 0.0, 1.0, 0.001, 4,
        tr("The time grid runs from 1 down to eps over the steps; each step reveals about 1 − s/t of the "
           "masks left (Dream's eps)."));
    m_dream = new QGroupBox(tr("Dream"));
    m_dream->setObjectName(QStringLiteral("dreamRows"));
    auto *form = new QFormLayout(m_dream);
    form->addRow(tr("Alg"), m_alg);
    form->addRow(tr("Alg temp"), m_algTemp);
    form->addRow(tr("Top p"), m_topP);
    form->addRow(tr("Top k filter"), m_sampleTopK);
    form->addRow(tr("Eps"), m_eps);
    const auto changed = [this] {
        if (!m_updating)
            Q_EMIT edited();
    };
    for (QDoubleSpinBox *box : {m_algTemp, m_topP, m_eps}) {
        installWheelGuard(box);
        connect(box, &QDoubleSpinBox::valueChanged, this, changed);
    }
    installWheelGuard(m_sampleTopK);
    installWheelGuard(m_alg);
    connect(m_sampleTopK, &QSpinBox::valueChanged, this, changed);
    connect(m_alg, &QComboBox::currentIndexChanged, this, changed);
    return m_dream;
}

void SamplerForm::readDreamRows(GenerationSettings *s) const
{
    s->sampler = m_sampler;
    s->alg = static_cast<DreamAlg>(m_alg->currentData().toInt());
    s->algTemp = m_algTemp->value();
    s->topP = m_topP->value();
    s->sampleTopK = m_sampleTopK->value();
    s->eps = m_eps->value();
}

void SamplerForm::showDreamRows(const GenerationSettings &s)
{
    m_sampler = s.sampler;
    m_alg->setCurrentIndex(m_alg->findData(static_cast<int>(s.alg)));
    m_algTemp->setValue(s.algTemp);
    m_topP->setValue(s.topP);
    m_sampleTopK->setValue(s.sampleTopK);
    m_eps->setValue(s.eps);
    showSamplerRows();
}

// The loaded family's sampler's options only: each row shows when its sampler reads that setting.
void SamplerForm::showSamplerRows()
{
    using S = SamplerSetting;
    const auto reads = [this](SamplerSetting setting) { return samplerReads(m_sampler, setting); };
    m_samplingForm->setRowVisible(m_blockLength, reads(S::BlockLength));
    m_samplingForm->setRowVisible(m_useThreshold, reads(S::Threshold));
    m_samplingForm->setRowVisible(m_tau, reads(S::Threshold));
    m_samplingForm->setRowVisible(m_measure, reads(S::Measure));
    m_advancedForm->setRowVisible(m_cfgScale, reads(S::CfgScale));
    m_advancedForm->setRowVisible(m_cache, reads(S::Cache));
    m_advancedForm->setRowVisible(m_laterBlocks, reads(S::LaterBlocks));
    m_dream->setVisible(reads(S::Alg)); // Dream's group: alg, alg temp, top p, sample top k, eps
    m_genLength->setToolTip(tr(samplerInfo(m_sampler).genLengthHelp));
}

} // namespace dlm
