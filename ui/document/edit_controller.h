#pragma once
// Mid-denoise editing: turns a user's change at the record on screen into an engine request, and keeps
// every applied edit on a QUndoStack so it can be taken back and made again.

#include "ui/engine/engine_types.h"

#include <QObject>
#include <QString>

class QAction;
class QMenu;
class QUndoStack;
class QWidget;

namespace dlm {

class EditCommand;
class EngineController;
class PlaybackController;
class TimelineDocument;

/**
 * Edits always apply at the document's cursor. At the branch tip they append an Edit record; at an earlier
 * record the engine forks a branch and the old history stays. Only edits the engine accepted reach the undo
 * stack.
 *
 * Undo and redo are requests to the engine like edits: the stack moves only once the engine confirms, so it
 * never claims a state the engine does not have. Undo takes the edit back with the records computed after
 * it (or the branch it forked), and redo puts those very records back without recomputing them. A refusal
 * leaves the stack where it was and says why on the status bar.
 */
class EditController : public QObject
{
    Q_OBJECT

public:
    EditController(EngineController *engine, TimelineDocument *document, QObject *parent = nullptr);
    ~EditController() override;

    /** Lets edits wait while Run plays records at a set speed, as they wait for an engine run. */
    void setPlayback(PlaybackController *playback);

    QUndoStack *undoStack() const { return m_stack; }
    /** Undo/redo actions; they refuse, with the reason, while the engine is running or still working. */
    QAction *undoAction() const { return m_undo; }
    QAction *redoAction() const { return m_redo; }
    /** Asks the engine to take the newest edit back; the stack moves when it confirms. */
    void undo();
    /** Asks the engine to make the next undone edit again; the stack moves when it confirms. */
    void redo();

    /** Why editing is impossible right now (no session, a run in progress), or empty when it is possible. */
    QString blockedReason() const;
    /** Edits between the last save (or the session's start) and now, as the quit prompt counts them. */
    int unsavedEditCount() const;

    void replaceToken(int position, int32_t tokenId);
    /** Tokenises `text` in the engine; several tokens fill consecutive positions. */
    void replaceText(int position, const QString &text);
    void remask(int position);
    void setLocked(int position, bool locked);

    /** Adds the edit actions for `position` at the record on screen to a context menu. */
    void populateMenu(QMenu &menu, int position, QWidget *dialogParent);

    /** Forgets the undo history (a new session or model). */
    void clear();

Q_SIGNALS:
    /** A line for the status bar: what an edit did, or why it was refused. */
    void message(const QString &text, bool error);

private:
    void request(const EditRequest &request);
    void onEditApplied(const EditOutcome &outcome);
    void onUndoDone(const UndoReply &reply);
    /** Why undo or redo cannot be asked for now, or empty. */
    QString undoBlockedReason() const;
    void refreshActions();
    QString describe(const EditOutcome &outcome) const;

    EngineController *m_engine;
    TimelineDocument *m_document;
    PlaybackController *m_playback = nullptr;
    QUndoStack *m_stack;
    QAction *m_undo;
    QAction *m_redo;
    quint64 m_waitingFor = 0; ///< the undo or redo request whose answer moves the stack; 0 when none
    bool m_waitingIsUndo = false;
};

} // namespace dlm
