#pragma once
// The left-hand panel: which model to load, the prompt, and the settings of the next generation.

#include "core/sampling/generation_settings.h"
#include "core/text/chat_message.h"
#include "ui/panels/settings_explainer.h"

#include <QString>
#include <QStringList>
#include <QWidget>

#include <functional>
#include <memory>
#include <vector>

class QComboBox;
class QGroupBox;
class QLabel;
class QPushButton;
class QSettings;

namespace dlm {

class ChatTemplate;
class PromptEditor;
class RecentModels;
class SamplerForm;

/**
 * Model picker (directory with the recently loaded ones, precision, Load), prompt editor and every sampler
 * setting. Invalid combinations are explained in a line under the fields and keep Start disabled, with the
 * reason in its tooltip; the explanation follows every edit.
 *
 * Where the settings come from, last one wins:
 *   built-in defaults -> restoreState() (the user's last settings) -> setSettings() (a loaded model's
 *   generation_config.json). A newly loaded model thus resets the knobs to what its authors recommend; the
 *   prompt is never touched by setSettings(). Call restoreState() after a load to let the user's values win.
 */
class GenerationPanel : public QWidget
{
    Q_OBJECT

public:
    explicit GenerationPanel(QWidget *parent = nullptr);
    ~GenerationPanel() override;

    QString modelDirectory() const;
    void setModelDirectory(const QString &dir);
    /** The precision chosen for the next Load; it takes effect only by (re)loading the model. */
    ComputeDType dtype() const;
    /** What the model is fed: the typed text in Raw mode, the rendered conversation in Chat mode. */
    QString prompt() const;
    /** Sets the typed text (the user message in Chat mode). */
    void setPrompt(const QString &prompt);
    /** The conversation the prompt is rendered from in Chat mode; empty in Raw mode. */
    std::vector<ChatMessage> chatMessages() const;
    /** The loaded model's chat template (null: none, Raw only); `error`: it exists but cannot be read. */
    void setChatTemplate(std::shared_ptr<const ChatTemplate> chatTemplate, const QString &error = {});
    PromptEditor *promptEditor() const { return m_prompt; }

    /** The fields as settings. `dtype` is the precision of the loaded model as given by setSettings(), since a
     *  changed but not yet loaded choice does not change how this generation computes. */
    GenerationSettings settings() const;
    /** Shows `settings` in every field and the precision picker; MainWindow passes the model's defaults. */
    void setSettings(const GenerationSettings &settings);
    /**
     * Shows the prompt and settings of an opened timeline, so Start reruns what is on screen. The precision
     * stays the loaded model's: it is how the model was loaded, not a setting of the run.
     */
    void setRun(
        const QString &prompt, const GenerationSettings &settings, const std::vector<ChatMessage> &chatMessages = {});
    /** The model's max_sequence_length, checked against prompt + gen length; 0 = no model, no check. */
    void setMaxSequenceLength(int length);
    /** Counts the prompt's tokens, so the length check includes the prompt; unset, only gen length is checked. */
    void setPromptTokenCounter(std::function<int(const QString &)> counter);
    /** Why the current settings cannot start, as shown under the fields; empty when they can. */
    QString settingsProblemText() const;

    /** One line about the loaded model, or an error (shown as one). */
    void setModelStatus(const QString &text, bool error);
    /** Whether starting is possible at all (a model is loaded); invalid settings keep Start disabled anyway. */
    void setStartEnabled(bool enabled);

    /** Puts `dir` first in the recent models list (call after a successful load). */
    void addRecentModel(const QString &dir);
    /** The recent models shown in the picker, most recent first. */
    QStringList recentModels() const;
    /** Keeps the recent models in `settings` instead of DLM Studio's settings file (for tests); not owned. */
    void setRecentModelsSettings(QSettings *settings);

    /** Writes the prompt, the settings, the chosen precision and the Advanced section's state. */
    void saveState(QSettings &settings) const;
    /** Reads what saveState() wrote; absent or unreadable entries leave the fields as they are. */
    void restoreState(QSettings &settings);

    /** Asks for a directory and loads it. */
    void browse();

Q_SIGNALS:
    void loadRequested(const QString &dir, dlm::ComputeDType dtype);
    void startRequested();

private:
    // The constructor's parts.
    QGroupBox *createModelBox();
    QGroupBox *createPromptBox();
    void createLayout(QGroupBox *modelBox, QGroupBox *promptBox);
    void connectFields();
    void requestLoad();
    void refresh();
    void fillRecentModels();
    ModelLimits limits() const;

    std::unique_ptr<RecentModels> m_recent;
    std::function<int(const QString &)> m_countTokens;
    int m_maxSequenceLength = 0;
    ComputeDType m_modelDType = ComputeDType::F32; ///< precision of the last setSettings(), i.e. the loaded model
    bool m_startAllowed = false;
    QString m_problem;

    QComboBox *m_dir = nullptr;
    QComboBox *m_dtype = nullptr;
    QPushButton *m_load = nullptr;
    QLabel *m_dtypeNote = nullptr;
    QLabel *m_modelStatus = nullptr;
    PromptEditor *m_prompt = nullptr;
    SamplerForm *m_form = nullptr;
    QLabel *m_schedule = nullptr;
    QLabel *m_limits = nullptr;
    QLabel *m_problemLabel = nullptr;
    QPushButton *m_start = nullptr;
};

} // namespace dlm
