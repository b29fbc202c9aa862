#pragma once
// The GUI thread's handle on the engine: owns the engine thread and its worker, posts requests to it and
// re-emits the worker's results on the GUI thread.

#include "ui/engine/engine_types.h"
#include "core/sampling/generation_settings.h"

#include <QObject>
#include <QString>
#include <QThread>

#include <deque>

namespace dlm {

class EngineWorker;

/**
 * Starts an EngineWorker on a QThread of its own. Requests return at once; results arrive as signals.
 * The destructor stops any run, then quits and joins the thread, so closing the window mid-run is safe.
 *
 * Its signals repeat the worker's on purpose: they are the GUI thread's side of the engine. A receiver
 * runs on the GUI thread and finds the controller's own state already updated (isModelLoaded, isRunning),
 * and never needs the worker, which lives on the engine thread and brings the session's headers.
 * Qt forwards a signal only to a signal declared by the receiver, so each is declared once here.
 */
class EngineController : public QObject
{
    Q_OBJECT

public:
    explicit EngineController(QObject *parent = nullptr);
    ~EngineController() override;

    void loadModel(const QString &dir, ComputeDType dtype = ComputeDType::F32);
    /**
     * Cancels the loads requested so far, at once: the engine thread sees it inside the loader (an atomic,
     * not a queued call) and answers loadCancelled, keeping the previous model and session.
     */
    void cancelLoad();
    /** True from loadModel until modelLoaded, loadCancelled or the load's failure. */
    bool isLoading() const { return m_loadsPending > 0; }
    /** Cancels queued work and starts a new session on the loaded model. */
    /** `chat`: the conversation `prompt` was rendered from with the model's template, empty for a raw prompt. */
    void startSession(
        const QString &prompt, const GenerationSettings &settings, const std::vector<ChatMessage> &chat = {});
    /** Continues a saved timeline on the loaded model; sessionStarted follows, or failed with the reason. */
    void adoptTimeline(const Timeline &timeline, int branch, int index);

    // Requests at the cursor (branch, index) the caller shows; the engine refuses them if its cursor differs.
    void step(int branch, int index);
    /** Runs until the canvas is complete or `maxSteps` records were added (-1: no limit). */
    void run(int branch, int index, int maxSteps = -1);
    /**
     * Cancels the running run, the step in flight and queued steps and predictions. A step in flight ends
     * within one layer of its forward pass and records nothing; a run then finishes with finished(true).
     */
    void stop();
    /** Moves the engine's cursor to record `index` of `branch` (the GUI already shows it). */
    void moveTo(int branch, int index);
    /** Applies an edit at the cursor; stateChanged and editApplied follow, or failed with the reason. */
    void applyEdit(const EditRequest &request, int branch, int index);
    /** Takes `edit` back; undoDone follows with the returned id (and stateChanged when it was done). */
    quint64 undoEdit(const EditOutcome &edit, int branch, int index);
    /** Puts back what an undo took out; undoDone follows with the returned id. */
    quint64 redoEdit(const DetachedPtr &detached, int branch, int index);

    /** "Run again with…": a new branch from the first record with `settings`, run to the end. */
    void runAgain(const GenerationSettings &settings, int branch, int index);
    /** One forward pass on record (branch, index) for `position`; predictionReady follows with the id. */
    quint64 predict(int branch, int index, int position);

    /** True while any request is queued or being worked on: the one place that knows. */
    bool isBusy() const { return m_pending > 0; }
    /** True between runStarted and finished. */
    bool isRunning() const { return m_running; }
    /** True while a step, run or prediction is queued or computing: what Stop can cancel. */
    bool isComputing() const { return m_computing > 0; }
    /** True once a model loaded (a failed load of another one keeps the previous model). */
    bool isModelLoaded() const { return m_modelLoaded; }
    /** The worker, for tests and diagnostics that must observe the engine thread directly. */
    EngineWorker *worker() const { return m_worker; }
    /**
     * The engine's timeline and cursor, read on the engine thread; blocks until the requests queued before it
     * are done. For tests that check the window shows exactly what the engine holds.
     */
    EngineState engineState() const;

Q_SIGNALS:
    void loadProgress(double fraction, const QString &text);
    void modelLoaded(const dlm::ModelInfo &info);
    void loadCancelled();
    void loadingChanged(bool loading);
    /** A new session (or a continued file) started; emitted right after stateChanged with the same state. */
    void sessionStarted(const dlm::EngineState &state);
    /** The engine's timeline or cursor changed: the whole new state. */
    void stateChanged(const dlm::EngineState &state);
    void runStarted();
    /** Where the forward pass of a slow step or prediction is (throttled; see EngineWorker::stepProgress). */
    void stepProgress(const dlm::StepProgressUpdate &progress);
    /** A step was stopped inside its forward pass; nothing was recorded. */
    void stepStopped(const dlm::StepProgressUpdate &at);
    void finished(bool stopped);
    void failed(const QString &message);
    void editApplied(const dlm::EditOutcome &outcome);
    void undoDone(const dlm::UndoReply &reply);
    void predictionReady(const dlm::PredictionReply &reply);
    void busyChanged(bool busy);
    void runningChanged(bool running);
    void computingChanged(bool computing);

private:
    /** Queues `fn` on the engine thread; `computes`: a step, run or prediction (see isComputing). */
    template<typename Fn> void post(Fn &&fn, bool computes = false);
    void onRequestDone();
    void onState(const EngineState &state);
    void onLoadEnded();

    QThread m_thread;
    EngineWorker *m_worker = nullptr; ///< lives on m_thread; deleted when the thread finishes
    quint64 m_lastTicket = 0;
    quint64 m_lastLoadTicket = 0;
    int m_loadsPending = 0;
    quint64 m_lastUndoId = 0;
    quint64 m_lastPredictionId = 0;
    int m_pending = 0;
    std::deque<bool> m_computes; ///< per request queued or in flight, in order: whether it computes
    int m_computing = 0;
    bool m_running = false;
    bool m_modelLoaded = false;
};

} // namespace dlm
