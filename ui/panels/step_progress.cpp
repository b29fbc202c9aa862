#include "ui/panels/step_progress.h"

#include "ui/engine/engine_controller.h"

#include <QProgressBar>

#include <algorithm>

namespace dlm {

StepProgressDisplay::StepProgressDisplay(EngineController *engine, QProgressBar *bar, QObject *parent)
    : QObject(parent)
    , m_bar(bar)
{
    connect(engine, &EngineController::stepProgress, this, &StepProgressDisplay::show);
    // Within a run the bar stays up from step to step (the next report replaces the text); it goes when
    // nothing is left to compute, or when a step was stopped.
    connect(engine, &EngineController::computingChanged, this, [this](bool computing) {
        if (!computing)
            hide();
    });
    connect(engine, &EngineController::stepStopped, this, [this](const StepProgressUpdate &at) {
        hide();
        const QString after = at.layersDone < at.layersTotal
            ? tr("layer %1 of %2").arg(at.layersDone).arg(at.layersTotal)
            : tr("the output head");
        Q_EMIT message(tr("Stopped step %1 after %2; nothing was recorded for it.").arg(at.denoiseStep).arg(after));
    });
}

QString StepProgressDisplay::describe(const StepProgressUpdate &p)
{
    const int stage = std::min(p.layersDone + 1, p.layersTotal);
    const QString where
        = stage >= p.layersTotal ? tr("output head") : tr("layer %1 of %2").arg(stage).arg(p.layersTotal);
    if (p.prediction)
        return tr("Prediction · %1").arg(where);
    return tr("Step %1 · %2").arg(p.denoiseStep).arg(where);
}

void StepProgressDisplay::show(const StepProgressUpdate &progress)
{
    if (progress.layersTotal <= 0)
        return;
    if (!m_showing) {
        m_savedFormat = m_bar->format();
        m_showing = true;
    }
    // Keep the bar's range (loading sets it): the value is the fraction of stages done.
    const double fraction = double(progress.layersDone) / double(progress.layersTotal);
    m_bar->setValue(m_bar->minimum() + int(fraction * (m_bar->maximum() - m_bar->minimum())));
    m_bar->setFormat(describe(progress));
    m_bar->setToolTip(tr("The forward pass of the step being computed; Stop (Esc) ends it within one layer"));
    m_bar->show();
}

void StepProgressDisplay::hide()
{
    if (!m_showing)
        return;
    m_showing = false;
    m_bar->hide();
    m_bar->setFormat(m_savedFormat);
    m_bar->setToolTip({});
}

} // namespace dlm
