#include "ui/document/playback_controller.h"

#include "ui/engine/engine_controller.h"
#include "ui/document/timeline_document.h"

namespace dlm {

PlaybackController::PlaybackController(EngineController *engine, TimelineDocument *document, QObject *parent)
    : QObject(parent)
    , m_engine(engine)
    , m_document(document)
{
    connect(m_document, &TimelineDocument::timelineReset, this, &PlaybackController::refresh);
    connect(m_document, &TimelineDocument::countChanged, this, &PlaybackController::refresh);
    connect(m_document, &TimelineDocument::currentChanged, this, &PlaybackController::refresh);
    connect(m_document, &TimelineDocument::historyChanged, this, &PlaybackController::refresh);
    connect(m_engine, &EngineController::runningChanged, this, &PlaybackController::refresh);
    connect(m_engine, &EngineController::computingChanged, this, &PlaybackController::refresh);
    connect(&m_pace, &QTimer::timeout, this, &PlaybackController::advance);
    // A new session or an undo ends a paced run, as an engine run ends on stop().
    connect(m_document, &TimelineDocument::timelineReset, this, &PlaybackController::stopPacing);
    connect(m_document, &TimelineDocument::historyChanged, this, &PlaybackController::stopPacing);
}

void PlaybackController::setSpeed(double recordsPerSecond)
{
    m_speed = recordsPerSecond > 0 ? recordsPerSecond : 0.0;
    if (m_pacing) {
        if (m_speed > 0)
            m_pace.start(static_cast<int>(1000.0 / m_speed));
        else
            stopPacing();
    }
}

bool PlaybackController::isRunning() const
{
    return m_pacing || m_engine->isRunning();
}

void PlaybackController::stopPacing()
{
    if (!m_pacing)
        return;
    m_pacing = false;
    m_pace.stop();
    refresh();
}

void PlaybackController::advance()
{
    if (m_engine->isBusy())
        return; // the step asked for last tick is still computing: wait, do not queue more
    if (!m_document->atTip()) {
        if (m_document->setIndex(m_document->index() + 1) && m_document->isLive())
            m_engine->moveTo(m_document->branch(), m_document->index());
        return;
    }
    if (m_document->isLive() && m_document->hasMasks()) {
        m_engine->step(m_document->branch(), m_document->index());
        return;
    }
    stopPacing();
}

PlaybackState PlaybackController::state() const
{
    PlaybackState s;
    s.active = !m_document->isEmpty();
    s.running = isRunning();
    s.computing = m_engine->isComputing();
    s.live = m_document->isLive();
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
    s.canStep = s.canForward || (s.live && s.masked > 0);
    return s;
}

void PlaybackController::refresh()
{
    Q_EMIT stateChanged(state());
}

void PlaybackController::step()
{
    if (isRunning()) {
        stop();
        return;
    }
    if (!m_document->atTip()) {
        goTo(m_document->index() + 1);
    } else if (m_document->isLive() && m_document->hasMasks() && !m_engine->isBusy()) {
        // Presses while a step computes are dropped: the engine would refuse them, since they were made at
        // the record before the one it is computing.
        m_engine->step(m_document->branch(), m_document->index());
    }
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
    stopPacing();
    if (m_engine->isRunning())
        m_engine->stop();
    if (m_document->setIndex(index) && m_document->isLive())
        m_engine->moveTo(m_document->branch(), index); // the next step continues from where the view is
}

void PlaybackController::switchBranch(int branch, int index)
{
    stopPacing();
    if (m_engine->isRunning())
        m_engine->stop();
    if (m_document->setBranch(branch, index) && m_document->isLive())
        m_engine->moveTo(m_document->branch(), m_document->index());
}

void PlaybackController::run(int maxSteps)
{
    if (m_document->isEmpty() || isRunning())
        return;
    const bool canCompute = m_document->isLive() && m_document->hasMasks();
    if (m_document->atTip() && !canCompute)
        return;
    // A set speed, or a replay (nothing to compute, only history to play), goes record by record on a timer.
    if (m_speed > 0 || !m_document->isLive()) {
        m_pacing = true;
        m_pace.start(static_cast<int>(1000.0 / (m_speed > 0 ? m_speed : 30.0)));
        refresh();
        return;
    }
    m_engine->run(m_document->branch(), m_document->index(), maxSteps);
}

void PlaybackController::stop()
{
    stopPacing();
    m_engine->stop();
}

void PlaybackController::toggleRun()
{
    if (isRunning())
        stop();
    else
        run();
}

} // namespace dlm
