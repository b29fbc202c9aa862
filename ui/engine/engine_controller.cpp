#include "ui/engine/engine_controller.h"

#include "ui/engine/engine_worker.h"

#include <QMetaObject>

namespace dlm {

EngineController::EngineController(QObject *parent)
    : QObject(parent)
{
    registerEngineTypes();
    m_thread.setObjectName(QStringLiteral("dlm-engine"));
    m_worker = new EngineWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);

    // Signal-to-signal connections across threads are queued: receivers always run on the GUI thread.
    connect(m_worker, &EngineWorker::loadProgress, this, &EngineController::loadProgress);
    connect(m_worker, &EngineWorker::modelLoaded, this, [this](const ModelInfo &info) {
        m_modelLoaded = true;
        Q_EMIT modelLoaded(info);
    });
    connect(m_worker, &EngineWorker::stateChanged, this, &EngineController::onState);
    connect(m_worker, &EngineWorker::failed, this, &EngineController::failed);
    connect(m_worker, &EngineWorker::editApplied, this, &EngineController::editApplied);
    connect(m_worker, &EngineWorker::undoDone, this, &EngineController::undoDone);
    connect(m_worker, &EngineWorker::predictionReady, this, &EngineController::predictionReady);
    connect(m_worker, &EngineWorker::stepProgress, this, &EngineController::stepProgress);
    connect(m_worker, &EngineWorker::stepStopped, this, &EngineController::stepStopped);
    connect(m_worker, &EngineWorker::runStarted, this, [this] {
        m_running = true;
        Q_EMIT runningChanged(true);
        Q_EMIT runStarted();
    });
    connect(m_worker, &EngineWorker::finished, this, [this](bool stopped) {
        m_running = false;
        Q_EMIT runningChanged(false);
        Q_EMIT finished(stopped);
    });
    connect(m_worker, &EngineWorker::requestDone, this, &EngineController::onRequestDone);
    m_thread.start();
}

EngineController::~EngineController()
{
    stop();
    m_thread.quit();
    m_thread.wait();
}

template<typename Fn> void EngineController::post(Fn &&fn, bool computes)
{
    // The worker answers requests in the order they were posted, each with one requestDone.
    m_computes.push_back(computes);
    const bool startsComputing = computes && m_computing++ == 0;
    if (m_pending++ == 0)
        Q_EMIT busyChanged(true);
    if (startsComputing)
        Q_EMIT computingChanged(true);
    QMetaObject::invokeMethod(m_worker, std::forward<Fn>(fn), Qt::QueuedConnection);
}

void EngineController::onRequestDone()
{
    if (!m_computes.empty()) {
        const bool computed = m_computes.front();
        m_computes.pop_front();
        if (computed && --m_computing == 0)
            Q_EMIT computingChanged(false);
    }
    if (m_pending > 0 && --m_pending == 0)
        Q_EMIT busyChanged(false);
}

void EngineController::loadModel(const QString &dir, ComputeDType dtype)
{
    stop();
    post([w = m_worker, dir, dtype] { w->loadModel(dir, dtype); });
}

void EngineController::startSession(
    const QString &prompt, const GenerationSettings &settings, const std::vector<ChatMessage> &chat)
{
    stop();
    post([w = m_worker, prompt, settings, chat] { w->startSession(prompt, settings, chat); });
}

void EngineController::adoptTimeline(const Timeline &timeline, int branch, int index)
{
    stop();
    post([w = m_worker, timeline, branch, index] { w->adoptTimeline(timeline, branch, index); });
}

void EngineController::onState(const EngineState &state)
{
    Q_EMIT stateChanged(state);
    // After stateChanged, so that listeners find the new session in the document already.
    if (state.cause == EngineState::Cause::Started)
        Q_EMIT sessionStarted(state);
}

void EngineController::step(int branch, int index)
{
    post([w = m_worker, ticket = ++m_lastTicket, branch, index] { w->step(ticket, branch, index); }, true);
}

void EngineController::run(int branch, int index, int maxSteps)
{
    post([w = m_worker, ticket = ++m_lastTicket, branch, index, maxSteps] { w->run(ticket, branch, index, maxSteps); },
        true);
}

void EngineController::stop()
{
    // Called on the GUI thread while the worker may be inside a run or a step's forward pass: the flag is
    // atomic, not a queued call, because a queued call would wait behind the work it is meant to stop. The
    // worker reads it after every layer.
    m_worker->requestStop(m_lastTicket);
}

void EngineController::moveTo(int branch, int index)
{
    post([w = m_worker, branch, index] { w->moveTo(branch, index); });
}

void EngineController::applyEdit(const EditRequest &request, int branch, int index)
{
    post([w = m_worker, request, branch, index] { w->applyEdit(request, branch, index); });
}

quint64 EngineController::undoEdit(const EditOutcome &edit, int branch, int index)
{
    const quint64 id = ++m_lastUndoId;
    post([w = m_worker, id, edit, branch, index] { w->undoEdit(id, edit, branch, index); });
    return id;
}

quint64 EngineController::redoEdit(const DetachedPtr &detached, int branch, int index)
{
    const quint64 id = ++m_lastUndoId;
    post([w = m_worker, id, detached, branch, index] { w->redoEdit(id, detached, branch, index); });
    return id;
}

void EngineController::runAgain(const GenerationSettings &settings, int branch, int index)
{
    post([w = m_worker, ticket = ++m_lastTicket, settings, branch,
             index] { w->runAgain(ticket, settings, branch, index); },
        true);
}

quint64 EngineController::predict(int branch, int index, int position)
{
    const quint64 id = ++m_lastPredictionId;
    post([w = m_worker, ticket = ++m_lastTicket, id, branch, index,
             position] { w->predict(ticket, id, branch, index, position); },
        true);
    return id;
}

EngineState EngineController::engineState() const
{
    EngineState state;
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, &state] { state = w->currentState(); }, Qt::BlockingQueuedConnection);
    return state;
}

} // namespace dlm
