#pragma once
// The GUI thread's handle on the engine: owns the engine thread and its worker, posts requests to it and
// re-emits the worker's results on the GUI thread.

#include "ui/engine/engine_types.h"
#include "core/sampling/generation_settings.h"

#include <QObject>
#include <QString>
#include <QThread>

namespace dlm {

class EngineWorker;

/**
 * Starts an EngineWorker on a QThread of its own. Requests return at once; results arrive as signals.
 * The destructor stops any run, then quits and joins the thread, so closing the window mid-run is safe.
 */
class EngineController : public QObject
{
    Q_OBJECT

public:
    explicit EngineController(QObject *parent = nullptr);
    ~EngineController() override;

    void loadModel(const QString &dir, ComputeDType dtype = ComputeDType::F32);
    /** Cancels queued work and starts a new session on the loaded model. */
    void startSession(const QString &prompt, const GenerationSettings &settings);
    void step();
    /** Runs until the canvas is complete or `maxSteps` records were added (-1: no limit). */
    void run(int maxSteps = -1);
    /** Cancels the running run and queued steps; takes effect once the step in flight finishes. */
    void stop();
    /** Moves the engine's cursor to a record of the current branch (the GUI already shows it). */
    void goTo(int index);
    void switchBranch(int branch, int index);
    /** Applies an edit at record (branch, index); returns the id its editApplied will carry. */
    quint64 applyEdit(const EditRequest &request, int branch, int index);
    /** Continues a saved timeline on the loaded model; sessionStarted follows, or failed with the reason. */
    void adoptTimeline(const Timeline &timeline, int branch, int index);
    /** Takes an applied edit back; historyChanged follows. */
    void undoEdit(const EditOutcome &outcome);

    /** True while any request is queued or being worked on. */
    bool isBusy() const { return m_pending > 0; }
    /** True between runStarted and finished. */
    bool isRunning() const { return m_running; }
    /** The worker, for tests and diagnostics that must observe the engine thread directly. */
    EngineWorker *worker() const { return m_worker; }

Q_SIGNALS:
    void loadProgress(double fraction, const QString &text);
    void modelLoaded(const dlm::ModelInfo &info);
    void sessionStarted(const dlm::SessionSnapshot &snapshot);
    void recordReady(const dlm::RecordUpdate &update);
    void runStarted();
    void finished(bool stopped);
    void failed(const QString &message);
    void editApplied(const dlm::EditOutcome &outcome);
    void historyChanged(const dlm::SessionSnapshot &snapshot);
    void busyChanged(bool busy);
    void runningChanged(bool running);

private:
    template <typename Fn>
    void post(Fn &&fn);
    void onRequestDone();

    QThread m_thread;
    EngineWorker *m_worker = nullptr; ///< lives on m_thread; deleted when the thread finishes
    quint64 m_lastTicket = 0;
    quint64 m_lastEditId = 0;
    int m_pending = 0;
    bool m_running = false;
};

} // namespace dlm
