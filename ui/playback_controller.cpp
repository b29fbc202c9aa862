#include "playback_controller.h"

#include "engine_controller.h"
#include "timeline_document.h"

namespace dlm {

PlaybackController::PlaybackController(EngineController *engine, TimelineDocument *document, QObject *parent)
    : QObject(parent), m_engine(engine), m_document(document)
{
    connect(m_document, &TimelineDocument::timelineReset, this, &PlaybackController::refresh);
    connect(m_document, &TimelineDocument::countChanged, this, &PlaybackController::refresh);
    connect(m_document, &TimelineDocument::currentChanged, this, &PlaybackController::refresh);
    connect(m_document, &TimelineDocument::historyChanged, this, &PlaybackController::refresh);
    connect(m_engine, &EngineController::runningChanged, this, &PlaybackController::refresh);
}

PlaybackState PlaybackController::state() const
{
    PlaybackState s;
    s.active = !m_document->isEmpty();
    s.running = m_engine->isRunning();
    if (!s.active)
        return s;
    s.index = m_document->index();
    s.count = m_document->count();
    const RecordPtr record = m_document->currentRecord();
    s.denoiseStep = record ? record->denoiseStep : 0;
    s.masked = record ? record->maskedCount(m_document->maskId()) : 0;
    const GenerationSettings &settings = m_document->timeline().settings;
    s.plannedSteps = settings.useThreshold ? 0 : settings.steps;
    s.canBack = s.index > 0;
    s.canForward = !m_document->atTip();
    s.canStep = s.canForward || s.masked > 0;
    return s;
}

void PlaybackController::refresh()
{
    Q_EMIT stateChanged(state());
}

void PlaybackController::step()
{
    if (m_engine->isRunning()) {
        stop();
        return;
    }
    if (!m_document->atTip())
        goTo(m_document->index() + 1);
    else if (m_document->hasMasks())
        m_engine->step();
}

void PlaybackController::back()
{
    goTo(m_document->index() - 1);
}

void PlaybackController::forward()
{
    if (!m_document->atTip())
        goTo(m_document->index() + 1);
}

void PlaybackController::first()
{
    goTo(0);
}

void PlaybackController::last()
{
    goTo(m_document->count() - 1);
}

void PlaybackController::goTo(int index)
{
    if (m_document->isEmpty() || index < 0 || index >= m_document->count())
        return;
    // Looking around pauses a run: otherwise the next record would pull the view away again.
    if (m_engine->isRunning())
        m_engine->stop();
    if (m_document->setIndex(index))
        m_engine->goTo(index); // keep the engine's cursor with the view, so the next step continues from here
}

void PlaybackController::switchBranch(int branch, int index)
{
    if (m_engine->isRunning())
        m_engine->stop();
    if (m_document->setBranch(branch, index))
        m_engine->switchBranch(m_document->branch(), m_document->index());
}

void PlaybackController::run(int maxSteps)
{
    if (m_document->isEmpty() || m_engine->isRunning())
        return;
    if (m_document->atTip() && !m_document->hasMasks())
        return;
    m_engine->run(maxSteps);
}

void PlaybackController::stop()
{
    m_engine->stop();
}

void PlaybackController::toggleRun()
{
    if (m_engine->isRunning())
        stop();
    else
        run();
}

} // namespace dlm
