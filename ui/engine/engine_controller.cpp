#include "ui/engine/engine_controller.h"

#include "ui/engine/engine_worker.h"

#include <QMetaObject>

namespace dlm {

EngineController::EngineController(QObject *parent) : QObject(parent)
{
    registerEngineTypes();
    m_thread.setObjectName(QStringLiteral("dlm-engine"));
    m_worker = new EngineWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);

    // Signal-to-signal connections across threads are queued: receivers always run on the GUI thread.
    connect(m_worker, &EngineWorker::loadProgress, this, &EngineController::loadProgress);
    connect(m_worker, &EngineWorker::modelLoaded, this, &EngineController::modelLoaded);
    connect(m_worker, &EngineWorker::sessionStarted, this, &EngineController::sessionStarted);
    connect(m_worker, &EngineWorker::recordReady, this, &EngineController::recordReady);
    connect(m_worker, &EngineWorker::failed, this, &EngineController::failed);
    connect(m_worker, &EngineWorker::editApplied, this, &EngineController::editApplied);
    connect(m_worker, &EngineWorker::historyChanged, this, &EngineController::historyChanged);
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

template <typename Fn>
void EngineController::post(Fn &&fn)
{
    if (m_pending++ == 0)
        Q_EMIT busyChanged(true);
    QMetaObject::invokeMethod(m_worker, std::forward<Fn>(fn), Qt::QueuedConnection);
}

void EngineController::onRequestDone()
{
    if (m_pending > 0 && --m_pending == 0)
        Q_EMIT busyChanged(false);
}

void EngineController::loadModel(const QString &dir, ComputeDType dtype)
{
    stop();
    post([w = m_worker, dir, dtype] { w->loadModel(dir, dtype); });
}

void EngineController::startSession(const QString &prompt, const GenerationSettings &settings)
{
    stop();
    post([w = m_worker, prompt, settings] { w->startSession(prompt, settings); });
}

void EngineController::step()
{
    post([w = m_worker, ticket = ++m_lastTicket] { w->step(ticket); });
}

void EngineController::run(int maxSteps)
{
    post([w = m_worker, ticket = ++m_lastTicket, maxSteps] { w->run(ticket, maxSteps); });
}

void EngineController::stop()
{
    // Called on the GUI thread while the worker may be inside a run: the flag is atomic, not a queued call,
    // because a queued call would wait behind the run it is meant to stop.
    m_worker->requestStop(m_lastTicket);
}

void EngineController::goTo(int index)
{
    post([w = m_worker, index] { w->goTo(index); });
}

void EngineController::switchBranch(int branch, int index)
{
    post([w = m_worker, branch, index] { w->switchBranch(branch, index); });
}

quint64 EngineController::applyEdit(const EditRequest &request, int branch, int index)
{
    const quint64 id = ++m_lastEditId;
    post([w = m_worker, id, request, branch, index] { w->applyEdit(id, request, branch, index); });
    return id;
}

void EngineController::adoptTimeline(const Timeline &timeline, int branch, int index)
{
    stop();
    post([w = m_worker, timeline, branch, index] { w->adoptTimeline(timeline, branch, index); });
}

void EngineController::undoEdit(const EditOutcome &outcome)
{
    post([w = m_worker, outcome] { w->undoEdit(outcome); });
}

} // namespace dlm
