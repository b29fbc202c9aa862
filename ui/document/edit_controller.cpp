#include "ui/document/edit_controller.h"

#include "ui/engine/engine_controller.h"
#include "ui/document/playback_controller.h"
#include "ui/document/timeline_document.h"

#include <QAction>
#include <QInputDialog>
#include <QMenu>
#include <QUndoCommand>
#include <QUndoStack>

namespace dlm {

/** One applied edit on the undo stack. The first redo() is the edit the engine already made. */
class EditCommand : public QUndoCommand
{
public:
    EditCommand(EditController *owner, const EditOutcome &outcome, const QString &text)
        : QUndoCommand(text)
        , m_owner(owner)
        , m_outcome(outcome)
    {
    }

    void undo() override { m_owner->m_engine->undoEdit(m_outcome); }
    void redo() override
    {
        if (m_applied) {
            m_applied = false; // pushed after the engine applied it: nothing to do this once
            return;
        }
        m_owner->reapply(this);
    }

    const EditOutcome &outcome() const { return m_outcome; }
    void setOutcome(const EditOutcome &outcome) { m_outcome = outcome; }

private:
    EditController *m_owner;
    EditOutcome m_outcome;
    bool m_applied = true;
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
    connect(m_undo, &QAction::triggered, this, [this] {
        const QString why = blockedReason();
        if (!why.isEmpty())
            Q_EMIT message(tr("Cannot undo now: %1").arg(why), true);
        else if (m_stack->canUndo())
            m_stack->undo();
    });
    connect(m_redo, &QAction::triggered, this, [this] {
        const QString why = blockedReason();
        if (!why.isEmpty())
            Q_EMIT message(tr("Cannot redo now: %1").arg(why), true);
        else if (m_stack->canRedo())
            m_stack->redo();
    });
    connect(m_stack, &QUndoStack::indexChanged, this, &EditController::refreshActions);
    connect(m_engine, &EngineController::runningChanged, this, &EditController::refreshActions);
    connect(m_engine, &EngineController::editApplied, this, &EditController::onEditApplied);
    // History dropped by undo comes back as a whole timeline.
    connect(m_engine, &EngineController::historyChanged, m_document, &TimelineDocument::replaceHistory);
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
    m_redoing.clear();
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

void EditController::reapply(EditCommand *command)
{
    const EditOutcome &o = command->outcome();
    const quint64 id = m_engine->applyEdit(o.request, o.beforeBranch, o.beforeIndex);
    m_redoing[id] = command;
}

void EditController::onEditApplied(const EditOutcome &outcome)
{
    const auto redo = m_redoing.find(outcome.id);
    if (redo != m_redoing.end()) {
        redo->second->setOutcome(outcome);
        m_redoing.erase(redo);
        Q_EMIT message(tr("Redone: %1").arg(describe(outcome)), false);
        return;
    }
    QString text = describe(outcome);
    m_stack->push(new EditCommand(this, outcome, text));
    if (outcome.forked)
        text += tr(" — made at an earlier step, so it started branch %1; the original history is kept.")
                    .arg(outcome.afterBranch);
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
