#include "ui/document/edit_controller.h"

#include "ui/engine/engine_controller.h"
#include "ui/document/playback_controller.h"
#include "ui/document/timeline_document.h"

#include <QAction>
#include <QInputDialog>
#include <QMenu>
#include <QUndoCommand>
#include <QUndoStack>

#include <algorithm>
#include <cstdlib>

namespace dlm {

/**
 * One applied edit on the undo stack. Its undo() and redo() do nothing: EditController moves the stack only
 * after the engine has taken the edit back or made it again, so the stack cannot get ahead of the engine.
 * The command keeps where the edit's record is and, while undone, what the engine took out.
 */
class EditCommand : public QUndoCommand
{
public:
    EditCommand(const EditOutcome &outcome, const QString &text)
        : QUndoCommand(text)
        , m_outcome(outcome)
    {
    }

    void undo() override { }
    void redo() override { }

    const EditOutcome &outcome() const { return m_outcome; }
    const DetachedPtr &detached() const { return m_detached; }
    void setDetached(DetachedPtr detached) { m_detached = std::move(detached); }

private:
    EditOutcome m_outcome;
    DetachedPtr m_detached;
};

namespace {

/** The record at or before `index` whose predictions cover `position`: where its top-k comes from. */
RecordPtr latestPredictions(const TimelineDocument &doc, int index, int position)
{
    for (int i = index; i >= 0; --i) {
        const RecordPtr r = doc.recordAt(i);
        if (r && r->topK > 0 && position < r->length() && r->considered(position))
            return r;
    }
    return {};
}

QString quotedPiece(const TimelineDocument &doc, int32_t id)
{
    return QStringLiteral("“%1”").arg(doc.displayText(id));
}

} // namespace

EditController::EditController(EngineController *engine, TimelineDocument *document, QObject *parent)
    : QObject(parent)
    , m_engine(engine)
    , m_document(document)
    , m_stack(new QUndoStack(this))
{
    m_undo = new QAction(tr("&Undo edit"), this);
    m_undo->setShortcut(QKeySequence::Undo);
    m_redo = new QAction(tr("&Redo edit"), this);
    m_redo->setShortcut(QKeySequence::Redo);
    connect(m_undo, &QAction::triggered, this, &EditController::undo);
    connect(m_redo, &QAction::triggered, this, &EditController::redo);
    connect(m_stack, &QUndoStack::indexChanged, this, &EditController::refreshActions);
    connect(m_engine, &EngineController::runningChanged, this, &EditController::refreshActions);
    connect(m_engine, &EngineController::editApplied, this, &EditController::onEditApplied);
    connect(m_engine, &EngineController::undoDone, this, &EditController::onUndoDone);
    connect(m_engine, &EngineController::sessionStarted, this, &EditController::clear);
    connect(m_engine, &EngineController::modelLoaded, this, &EditController::clear);
    refreshActions();
}

EditController::~EditController() = default;

void EditController::setPlayback(PlaybackController *playback)
{
    m_playback = playback;
    connect(playback, &PlaybackController::stateChanged, this, &EditController::refreshActions);
}

QString EditController::blockedReason() const
{
    if (m_document->isEmpty())
        return tr("no session (press Start first)");
    if (m_engine->isRunning() || (m_playback && m_playback->isPacing()))
        return tr("a run is in progress (pause it first)");
    if (!m_document->isLive())
        return tr("this is a replay of a saved timeline; load the model it was made with to continue or edit it");
    return {};
}

QString EditController::undoBlockedReason() const
{
    const QString why = blockedReason();
    if (!why.isEmpty())
        return why;
    // The next undo applies at the cursor the previous one leaves, so requests go one at a time.
    if (m_engine->isBusy())
        return tr("the engine is still working on the last request");
    return {};
}

void EditController::undo()
{
    if (!m_stack->canUndo())
        return;
    const QString why = undoBlockedReason();
    if (!why.isEmpty()) {
        Q_EMIT message(tr("Cannot undo now: %1").arg(why), true);
        return;
    }
    const auto *command = static_cast<const EditCommand *>(m_stack->command(m_stack->index() - 1));
    m_waitingIsUndo = true;
    m_waitingFor = m_engine->undoEdit(command->outcome(), m_document->branch(), m_document->index());
}

void EditController::redo()
{
    if (!m_stack->canRedo())
        return;
    const QString why = undoBlockedReason();
    if (!why.isEmpty()) {
        Q_EMIT message(tr("Cannot redo now: %1").arg(why), true);
        return;
    }
    const auto *command = static_cast<const EditCommand *>(m_stack->command(m_stack->index()));
    m_waitingIsUndo = false;
    m_waitingFor = m_engine->redoEdit(command->detached(), m_document->branch(), m_document->index());
}

void EditController::onUndoDone(const UndoReply &reply)
{
    if (reply.id != m_waitingFor)
        return; // asked before the stack was cleared (a new session): nothing to move
    m_waitingFor = 0;
    const int at = m_waitingIsUndo ? m_stack->index() - 1 : m_stack->index();
    auto *command = static_cast<EditCommand *>(const_cast<QUndoCommand *>(m_stack->command(at)));
    if (!command)
        return;
    const QString what = command->text();
    if (!reply.ok) {
        Q_EMIT message(
            (m_waitingIsUndo ? tr("Cannot undo “%1”: %2") : tr("Cannot redo “%1”: %2")).arg(what, reply.error), true);
        return;
    }
    if (m_waitingIsUndo) {
        command->setDetached(reply.detached);
        m_stack->undo();
        Q_EMIT message(tr("Undone: %1").arg(what), false);
    } else {
        command->setDetached({});
        m_stack->redo();
        Q_EMIT message(tr("Redone: %1").arg(what), false);
    }
}

int EditController::unsavedEditCount() const
{
    const int clean = m_stack->cleanIndex();
    // With the saved state no longer reachable by undo (an edit replaced what was undone after saving),
    // every edit now applied differs from the file.
    if (clean < 0)
        return std::max(1, m_stack->index());
    return std::abs(m_stack->index() - clean);
}

void EditController::refreshActions()
{
    const bool idle = !m_engine->isRunning() && !(m_playback && m_playback->isPacing());
    m_undo->setEnabled(idle && m_stack->canUndo());
    m_redo->setEnabled(idle && m_stack->canRedo());
    m_undo->setText(m_stack->canUndo() ? tr("&Undo %1").arg(m_stack->undoText()) : tr("&Undo edit"));
    m_redo->setText(m_stack->canRedo() ? tr("&Redo %1").arg(m_stack->redoText()) : tr("&Redo edit"));
}

void EditController::clear()
{
    m_waitingFor = 0;
    m_stack->clear();
}

void EditController::request(const EditRequest &request)
{
    const QString why = blockedReason();
    if (!why.isEmpty()) {
        Q_EMIT message(tr("Cannot edit now: %1").arg(why), true);
        return;
    }
    m_engine->applyEdit(request, m_document->branch(), m_document->index());
}

void EditController::replaceToken(int position, int32_t tokenId)
{
    EditRequest r;
    r.kind = EditRequest::Kind::SetTokens;
    r.positions = {position};
    r.ids = {tokenId};
    request(r);
}

void EditController::replaceText(int position, const QString &text)
{
    if (text.isEmpty()) {
        Q_EMIT message(tr("Nothing typed: the token at position %1 is unchanged.").arg(position), true);
        return;
    }
    EditRequest r;
    r.kind = EditRequest::Kind::SetText;
    r.positions = {position};
    r.text = text;
    request(r);
}

void EditController::remask(int position)
{
    EditRequest r;
    r.kind = EditRequest::Kind::Remask;
    r.positions = {position};
    request(r);
}

void EditController::setLocked(int position, bool locked)
{
    EditRequest r;
    r.kind = locked ? EditRequest::Kind::Lock : EditRequest::Kind::Unlock;
    r.positions = {position};
    request(r);
}

void EditController::onEditApplied(const EditOutcome &outcome)
{
    QString text = describe(outcome);
    m_stack->push(new EditCommand(outcome, text));
    if (outcome.forked)
        text += tr(" — made at an earlier step, so it started branch %1; the original history is kept.")
                    .arg(outcome.branch);
    Q_EMIT message(text, false);
}

QString EditController::describe(const EditOutcome &o) const
{
    const EditRequest &r = o.request;
    const int first = r.positions.empty() ? -1 : r.positions.front();
    switch (r.kind) {
    case EditRequest::Kind::SetTokens:
        return tr("replace position %1 with %2").arg(first).arg(quotedPiece(*m_document, r.ids.front()));
    case EditRequest::Kind::SetText:
        if (o.written > 1)
            return tr("type “%1” at positions %2–%3 (%4 tokens)")
                .arg(r.text)
                .arg(first)
                .arg(first + o.written - 1)
                .arg(o.written);
        return tr("type “%1” at position %2").arg(r.text).arg(first);
    case EditRequest::Kind::Remask:
        return tr("send position %1 back to the mask").arg(first);
    case EditRequest::Kind::Lock:
        return tr("lock position %1").arg(first);
    case EditRequest::Kind::Unlock:
        return tr("unlock position %1").arg(first);
    }
    return {};
}

void EditController::populateMenu(QMenu &menu, int position, QWidget *dialogParent)
{
    const RecordPtr record = m_document->currentRecord();
    if (!record || position < 0 || position >= record->length())
        return;
    const size_t at = static_cast<size_t>(position);
    const QString why = blockedReason();
    if (!why.isEmpty()) {
        menu.addAction(tr("Editing unavailable: %1").arg(why))->setEnabled(false);
        return;
    }
    if (record->states[at] == PositionState::Prompt) {
        menu.addAction(tr("Prompt token: change the prompt and press Start to edit it"))->setEnabled(false);
        return;
    }
    const bool locked = at < record->flags.size() && (record->flags[at] & FlagLocked);
    const bool masked = record->tokens[at] == m_document->maskId();
    if (locked) {
        menu.addAction(tr("Unlock position %1").arg(position), this, [this, position] { setLocked(position, false); });
        return;
    }

    QMenu *replace = menu.addMenu(tr("Replace with"));
    const RecordPtr predictions = latestPredictions(*m_document, m_document->index(), position);
    if (predictions) {
        const int k = predictions->topK;
        for (int j = 0; j < k; ++j) {
            const size_t slot = at * static_cast<size_t>(k) + static_cast<size_t>(j);
            const int32_t id = predictions->topIds[slot];
            if (id < 0 || id == m_document->maskId() || id == record->tokens[at])
                continue;
            const QString label
                = tr("%1   p = %2").arg(quotedPiece(*m_document, id)).arg(predictions->topProbs[slot], 0, 'f', 3);
            replace->addAction(label, this, [this, position, id] { replaceToken(position, id); });
        }
    }
    if (replace->isEmpty())
        replace->addAction(tr("(no recorded alternatives for this position)"))->setEnabled(false);
    menu.addAction(tr("Type text at position %1…").arg(position), this, [this, position, dialogParent] {
        bool ok = false;
        const QString text = QInputDialog::getText(dialogParent, tr("Replace token"),
            tr("Text for position %1 (several tokens fill the positions after it):").arg(position), QLineEdit::Normal,
            QString(), &ok);
        if (ok)
            replaceText(position, text);
    });
    if (!masked) {
        menu.addAction(tr("Send back to the mask"), this, [this, position] { remask(position); });
        menu.addAction(
            tr("Lock (the sampler and edits keep it)"), this, [this, position] { setLocked(position, true); });
    }
}

} // namespace dlm
