#pragma once
// The left-hand panel: which model to load and the settings of the next generation.

#include "generation_settings.h"

#include <QString>
#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace dlm {

/**
 * Model directory, prompt and the generation knobs users change most. Knobs it does not show (threshold,
 * guidance, top-k, ...) are kept from the last setSettings(), so a model's generation_config.json still
 * applies to them.
 */
class GenerationPanel : public QWidget
{
    Q_OBJECT

public:
    explicit GenerationPanel(QWidget *parent = nullptr);

    QString modelDirectory() const;
    void setModelDirectory(const QString &dir);
    ComputeDType dtype() const;
    QString prompt() const;
    void setPrompt(const QString &prompt);
    GenerationSettings settings() const;
    void setSettings(const GenerationSettings &settings);
    /** Caps gen length at what the model can see; 0 = no model. */
    void setMaxSequenceLength(int length);
    /** One line about the loaded model, or an error (shown as one). */
    void setModelStatus(const QString &text, bool error);
    void setStartEnabled(bool enabled);
    /** Asks for a directory and loads it. */
    void browse();

Q_SIGNALS:
    void loadRequested(const QString &dir, dlm::ComputeDType dtype);
    void startRequested();

private:
    void requestLoad();

    GenerationSettings m_base;
    QLineEdit *m_dir = nullptr;
    QComboBox *m_dtype = nullptr;
    QPushButton *m_load = nullptr;
    QLabel *m_modelStatus = nullptr;
    QPlainTextEdit *m_prompt = nullptr;
    QSpinBox *m_genLength = nullptr;
    QSpinBox *m_steps = nullptr;
    QSpinBox *m_blockLength = nullptr;
    QDoubleSpinBox *m_temperature = nullptr;
    QComboBox *m_measure = nullptr;
    QSpinBox *m_seed = nullptr;
    int m_seedShown = 0; ///< what setSettings put in m_seed
    QPushButton *m_start = nullptr;
};

} // namespace dlm
