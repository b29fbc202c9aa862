#pragma once
// Mid-denoise editing: turns a user's change at the record on screen into an engine request, and keeps
// every applied edit on a QUndoStack so it can be taken back and made again.

#include "ui/engine/engine_types.h"

#include <QObject>
#include <QString>

#include <map>

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
 * stack. Undo drops the edit and whatever was computed after it (the engine's noise is keyed by seed, step
 * and position, so stepping again after redo gives the same records back).
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
    /** Undo/redo actions that also refuse while a run is going (the run would append after the edit). */
    QAction *undoAction() const { return m_undo; }
    QAction *redoAction() const { return m_redo; }

    /** Why editing is impossible right now (no session, a run in progress), or empty when it is possible. */
    QString blockedReason() const;

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
    friend class EditCommand;
    void request(const EditRequest &request);
    void onEditApplied(const EditOutcome &outcome);
    /** Called by a command's redo() after the first: asks the engine to apply the edit again. */
    void reapply(EditCommand *command);
    void refreshActions();
    QString describe(const EditOutcome &outcome) const;

    EngineController *m_engine;
    TimelineDocument *m_document;
    PlaybackController *m_playback = nullptr;
    QUndoStack *m_stack;
    QAction *m_undo;
    QAction *m_redo;
    std::map<quint64, EditCommand *> m_redoing; ///< redo requests in flight, by edit id
};

} // namespace dlm
