#pragma once
// The fields of every sampler knob, grouped as "Sampling" and a collapsible "Advanced" section.

#include "core/sampling/generation_settings.h"

#include <QWidget>

#include <cstdint>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLineEdit;
class QSpinBox;
class QToolButton;

namespace dlm {

/**
 * Edits every field of GenerationSettings except the precision, which belongs to model loading. The spin
 * boxes allow more than the engine does on purpose: an out-of-range value is explained by the panel instead
 * of being clamped silently. Steps is disabled in threshold mode (the model's confidence sets the step count)
 * and tau outside it. Only the rows of the sampler in use are shown: LLaDA's (blocks, threshold, remasking,
 * guidance) or Dream's (alg, alg temp, top p, top k filter, eps); setSettings() says which.
 */
class SamplerForm : public QWidget
{
    Q_OBJECT

public:
    explicit SamplerForm(QWidget *parent = nullptr);

    /** The fields as settings; `dtype` is left at its default for the caller to fill in. */
    GenerationSettings settings() const;
    /** Shows `settings` (its dtype is ignored) without emitting edited(). */
    void setSettings(const GenerationSettings &settings);
    /** Why a field's text is not a value at all (only the seed can be), or empty. */
    QString inputProblem() const;

    bool isAdvancedOpen() const;
    void setAdvancedOpen(bool open);

Q_SIGNALS:
    /** Any field changed by the user (not by setSettings). */
    void edited();

private:
    void updateModeFields();
    void pickRandomSeed();
    QWidget *buildDreamRows();
    void readDreamRows(GenerationSettings *s) const;
    void showDreamRows(const GenerationSettings &s);
    void showSamplerRows();

    QSpinBox *m_genLength = nullptr;
    QSpinBox *m_blockLength = nullptr;
    QSpinBox *m_steps = nullptr;
    QCheckBox *m_useThreshold = nullptr;
    QDoubleSpinBox *m_tau = nullptr;
    QDoubleSpinBox *m_temperature = nullptr;
    QComboBox *m_measure = nullptr;
    QLineEdit *m_seed = nullptr;
    QToolButton *m_advancedToggle = nullptr;
    QWidget *m_advanced = nullptr;
    QDoubleSpinBox *m_cfgScale = nullptr;
    QSpinBox *m_topK = nullptr;
    QSpinBox *m_threads = nullptr;
    QComboBox *m_cache = nullptr;
    QCheckBox *m_laterBlocks = nullptr; ///< settings.laterBlocks: record predictions right of the block
    QFormLayout *m_samplingForm = nullptr;
    QFormLayout *m_advancedForm = nullptr;
    SamplerKind m_sampler = SamplerKind::Llada; ///< the loaded family's; chooses which rows are shown
    QWidget *m_dream = nullptr; ///< Dream's rows, in their own group
    QComboBox *m_alg = nullptr;
    QDoubleSpinBox *m_algTemp = nullptr;
    QDoubleSpinBox *m_topP = nullptr;
    QSpinBox *m_sampleTopK = nullptr;
    QDoubleSpinBox *m_eps = nullptr;
    uint64_t m_lastSeed = 0; ///< reported while the seed text is not a number, which inputProblem() explains
    bool m_updating = false; ///< true inside setSettings, so programmatic changes do not count as edits
};

} // namespace dlm
