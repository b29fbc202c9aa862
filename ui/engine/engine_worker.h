#pragma once
// The engine side of the GUI: owns the loaded model and the Session and lives on its own QThread, so a
// forward pass never blocks the event loop. Everything it reports leaves by value through queued signals,
// and no exception ever leaves a slot.

#include "ui/engine/engine_types.h"
#include "core/sampling/generation_settings.h"
#include "core/model/model_loader.h"
#include "core/base/progress_throttle.h"
#include "core/base/result.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

namespace dlm {

class Session;
struct StepProgressInfo;

/**
 * Runs model loading and denoising. Lives on the engine thread; its slots are invoked queued by
 * EngineController. Work requested before a stop is skipped: every compute request (step, run, run again,
 * prediction) carries a ticket and requestStop() cancels all tickets issued so far, the one in flight
 * included: its forward pass ends after the layer it is in, and the timeline stays as it was.
 */
class EngineWorker : public QObject
{
    Q_OBJECT

public:
    explicit EngineWorker(QObject *parent = nullptr);
    ~EngineWorker() override;

    /**
     * Thread-safe: cancels runs, steps and predictions with a ticket up to `ticket`. A step in flight ends
     * within one layer and records nothing (a run then finishes with finished(true)); a prediction in flight
     * or queued answers "stopped".
     */
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
    /**
     * Makes `session` the current one and announces it (Started); engine thread only. startSession and
     * adoptTimeline end here; tests use it to run the worker on a session over a test model.
     */
    void takeSession(std::unique_ptr<Session> session);

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
    void predict(quint64 ticket, quint64 id, int branch, int index, int position);

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
    /**
     * Where the forward pass of a slow step (or prediction) is: throttled by ProgressThrottle, so a step
     * faster than 100 ms sends nothing and a slow one at most 20 updates a second.
     */
    void stepProgress(const dlm::StepProgressUpdate &progress);
    /** A step was stopped inside its forward pass (`at`: the last stage done); nothing was recorded. */
    void stepStopped(const dlm::StepProgressUpdate &at);
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
    /** Whether a step, run or "run again" goes ahead: not stopped while queued, and at the engine's cursor
     *  (else `failed` says why). */
    bool acceptCompute(quint64 ticket, int branch, int index);
    void emitState(EngineState::Cause cause, int fromBranch, int fromIndex);
    /** The body of run() once the cursor was checked: steps with stop checks, runStarted and finished. */
    void runSteps(quint64 ticket, int maxSteps);
    Status applyToSession(const EditRequest &request, int *written);
    template<typename Fn> void guarded(const char *what, Fn &&fn);
    /** The session's layer callback: false once the request in flight is cancelled; emits stepProgress. */
    bool onLayer(const StepProgressInfo &info);
    /** onLayer watches the passes of this request from here until m_inFlight is reset. */
    void beginCompute(quint64 ticket, int branch, bool prediction);
    /** A step of the request in flight came back stopped: tells the GUI where it stopped. */
    void reportStopped();

    /** The compute request being worked on: what its layer reports carry and which ticket stops it. */
    struct InFlight
    {
        quint64 ticket = 0;
        StepProgressUpdate last; ///< the latest stage reported by the model (emitted or not)
    };

    LoadedModel m_loaded;
    std::unique_ptr<Session> m_session;
    std::atomic<quint64> m_stopTicket {0};
    std::optional<InFlight> m_inFlight; ///< engine thread only
    ProgressThrottle m_throttle;
    std::atomic<quint64> m_loadCancelTicket {0};
    std::function<void(const LoadProgressInfo &)> m_loadHook;
};

} // namespace dlm
