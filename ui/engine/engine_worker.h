#pragma once
// The engine side of the GUI: owns the loaded model and the Session and lives on its own QThread, so a
// forward pass never blocks the event loop. Everything it reports leaves by value through queued signals,
// and no exception ever leaves a slot.

#include "ui/engine/engine_types.h"
#include "core/sampling/generation_settings.h"
#include "core/model/model_loader.h"
#include "core/base/result.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>

namespace dlm {

class Session;

/**
 * Runs model loading and denoising. Lives on the engine thread; its slots are invoked queued by
 * EngineController. Work requested before a stop is skipped: every compute request carries a ticket and
 * requestStop() cancels all tickets issued so far, between steps.
 */
class EngineWorker : public QObject
{
    Q_OBJECT

public:
    explicit EngineWorker(QObject *parent = nullptr);
    ~EngineWorker() override;

    /** Thread-safe: cancels runs and steps with a ticket up to `ticket`; a running step finishes first. */
    void requestStop(quint64 ticket);
    /**
     * Thread-safe: cancels the loads with a ticket up to `ticket`; the engine thread sees it inside the
     * loader at its next progress report and keeps the model it had.
     */
    void requestLoadCancel(quint64 ticket);
    /**
     * Called on the engine thread at every progress report of a load, before the cancel is looked at (tests
     * hold a load at a chosen stage with it). Set before loading, not during.
     */
    void setLoadProgressHook(std::function<void(const dlm::LoadProgressInfo &)> hook) { m_loadHook = std::move(hook); }
    /** The session's timeline and cursor (engine thread only): what the GUI must be showing once idle. */
    EngineState currentState() const;

public Q_SLOTS:
    /** Loads `dir`; emits loadProgress as it goes, then modelLoaded, loadCancelled or failed. */
    void loadModel(quint64 ticket, const QString &dir, dlm::ComputeDType dtype);
    /** Starts a session on `prompt`; `chat`, the conversation it was rendered from, goes into the timeline. */
    void startSession(
        const QString &prompt, const dlm::GenerationSettings &settings, const std::vector<dlm::ChatMessage> &chat = {});
    /** Continues a saved timeline on the loaded model at record (branch, index); emits stateChanged (Started). */
    void adoptTimeline(const dlm::Timeline &timeline, int branch, int index);

    // Requests on the session. Each carries the cursor (branch, index) the GUI believes the engine is at and
    // is refused, changing nothing, when the engine's cursor differs: the GUI and the engine never disagree
    // silently. What a request changed comes back as stateChanged; a refusal as failed (or undoDone).

    /** One step forward: along history if the cursor is not at the tip, else a new denoising step. */
    void step(quint64 ticket, int branch, int index);
    /** Steps until the canvas has no mask, `maxSteps` records were added (-1: no limit) or a stop. */
    void run(quint64 ticket, int branch, int index, int maxSteps);
    /** Moves the cursor to record `index` of `branch` (any branch); refused if there is no such record. */
    void moveTo(int branch, int index);
    /** Applies `request` at the cursor; emits stateChanged (Edited), then editApplied. */
    void applyEdit(const dlm::EditRequest &request, int branch, int index);
    /** Takes `edit` back, with the records computed after it; emits stateChanged (Undone), then undoDone. */
    void undoEdit(quint64 id, const dlm::EditOutcome &edit, int branch, int index);
    /** Puts back what an undo took out; emits stateChanged (Redone), then undoDone. */
    void redoEdit(quint64 id, const dlm::DetachedPtr &detached, int branch, int index);
    /**
     * "Run again with…": a new branch from the initial record with `settings` (same prompt and seed), then a
     * run on it like run(); emits stateChanged (Moved) when the branch exists, then the run's signals.
     */
    void runAgain(quint64 ticket, const dlm::GenerationSettings &settings, int branch, int index);
    /**
     * One forward pass on the canvas of record `index` of `branch` (any record, not only the cursor's); the
     * top-k at `position` comes back as predictionReady. Nothing is recorded.
     */
    void predict(quint64 id, int branch, int index, int position);

Q_SIGNALS:
    void loadProgress(double fraction, const QString &text);
    void modelLoaded(const dlm::ModelInfo &info);
    /** A load was cancelled; the previous model and its session are as they were. */
    void loadCancelled();
    /** After every loadModel, whatever its outcome (modelLoaded, loadCancelled or failed come first). */
    void loadEnded();
    /** The timeline or the cursor changed; `state` is the whole result. */
    void stateChanged(const dlm::EngineState &state);
    void runStarted();
    /** A run ended: the canvas is complete, the step limit was reached, or it was stopped. */
    void finished(bool stopped);
    void failed(const QString &message);
    void editApplied(const dlm::EditOutcome &outcome);
    /** The answer to undoEdit or redoEdit, successful or not. */
    void undoDone(const dlm::UndoReply &reply);
    void predictionReady(const dlm::PredictionReply &reply);
    /** Emitted after every request, successful or not, so the owner can count what is still queued. */
    void requestDone();

private:
    bool cancelled(quint64 ticket) const { return ticket <= m_stopTicket.load(); }
    /** Why a request made at (branch, index) cannot apply now (no session, another cursor); empty if it can. */
    QString cursorProblem(int branch, int index) const;
    void emitState(EngineState::Cause cause, int fromBranch, int fromIndex);
    /** The body of run() once the cursor was checked: steps with stop checks, runStarted and finished. */
    void runSteps(quint64 ticket, int maxSteps);
    Status applyToSession(const EditRequest &request, int *written);
    /** Makes `session` the current one and announces it (Started). */
    void takeSession(std::unique_ptr<Session> session);
    template<typename Fn> void guarded(const char *what, Fn &&fn);

    LoadedModel m_loaded;
    std::unique_ptr<Session> m_session;
    std::atomic<quint64> m_stopTicket {0};
    std::atomic<quint64> m_loadCancelTicket {0};
    std::function<void(const LoadProgressInfo &)> m_loadHook;
};

} // namespace dlm
