#pragma once
// The session as a file: open a saved timeline (replayed without a model, continued once the model it was
// made with is loaded), save it, and ask before unsaved edits would be thrown away.

#include "core/sampling/generation_settings.h"

#include <QObject>
#include <QString>

#include <functional>

class QWidget;

namespace dlm {

class EditController;
class EngineController;
class TimelineDocument;

/** File > Open, Save and Save as for timelines, and the question before unsaved edits would be lost. */
class SessionFiles : public QObject
{
    Q_OBJECT

public:
    /** What the user chose when unsaved edits were about to go. */
    enum class Choice { Save, Discard, Cancel };
    /** Asks the question (a message box by default; tests answer themselves). */
    using Asker = std::function<Choice(const QString &question)>;

    SessionFiles(EngineController *engine, TimelineDocument *document, EditController *edits, QWidget *window);

    /** Reads `path` and shows it as a replay; continues it at once when a model is loaded. */
    bool openFile(const QString &path);
    /** Writes the timeline to `path` atomically (an interrupted save never leaves a broken file). */
    bool saveTo(const QString &path);
    /** File dialogs around the two above. */
    void open();
    bool save();
    bool saveAs();

    /** Continues the replay on the loaded model (called after a model load, and by File > Continue). */
    void attachModel();

    /** True when edits were made since the last save or the start of the session. */
    bool hasUnsavedEdits() const;
    /** Before `action` replaces the session: true to go on (saved or discarded), false to cancel. */
    bool confirmDiscard(const QString &action);
    void setAsker(Asker asker) { m_ask = std::move(asker); }

Q_SIGNALS:
    void message(const QString &text, bool error);
    /** The document's file changed (opened or saved under a name). */
    void fileChanged(const QString &file);
    /** A timeline was opened: its prompt and settings, so Start reruns what is on screen. */
    void runOpened(const QString &prompt, const dlm::GenerationSettings &settings);

private:
    /** A new session started: it has no file until saved (or it is the file being continued). */
    void onSessionStarted();

    EngineController *m_engine;
    TimelineDocument *m_document;
    EditController *m_edits;
    QWidget *m_window;
    Asker m_ask;
    QString m_adoptingFile; ///< the file being continued, until the engine's sessionStarted arrives
};

} // namespace dlm
