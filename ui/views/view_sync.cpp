#include "ui/views/view_sync.h"

#include "ui/views/canvas_view.h"
#include "ui/views/decision_chart.h"
#include "ui/document/edit_controller.h"
#include "ui/engine/engine_controller.h"
#include "ui/views/heatmap_view.h"
#include "ui/document/playback_controller.h"
#include "ui/views/run_plots.h"
#include "ui/document/timeline_document.h"
#include "ui/views/token_inspector.h"
#include "ui/views/experts_view.h"

namespace dlm {

ViewSync::ViewSync(TimelineDocument *document, PlaybackController *playback, EngineController *engine,
    EditController *edits, const TimelineViews &views, QObject *parent)
    : QObject(parent)
    , m_document(document)
    , m_playback(playback)
    , m_engine(engine)
    , m_views(views)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ViewSync::refreshViews);

    connect(m_document, &TimelineDocument::timelineReset, this, [this] {
        m_selected = -1;
        scheduleRebuild();
    });
    connect(m_document, &TimelineDocument::historyChanged, this, &ViewSync::scheduleRebuild);
    connect(m_document, &TimelineDocument::countChanged, this, &ViewSync::scheduleRebuild);
    connect(m_document, &TimelineDocument::currentChanged, this, [this] {
        showCanvas();
        scheduleCurrent();
    });
    // A run's last records must not wait for the throttle once it ends.
    connect(m_engine, &EngineController::runningChanged, this, [this](bool running) {
        if (!running && m_timer.isActive())
            flush();
    });

    if (CanvasView *c = m_views.canvas)
        connect(c, &CanvasView::positionClicked, this, &ViewSync::selectPosition);
    if (HeatmapView *h = m_views.heatmap) {
        connect(h, &HeatmapView::cellClicked, this, [this](int record, int position) {
            m_playback->goTo(record);
            selectPosition(position);
        });
    }
    if (DecisionChart *d = m_views.decisions)
        connect(d, &DecisionChart::positionClicked, this, &ViewSync::selectPosition);
    if (RunPlots *p = m_views.plots)
        connect(p, &RunPlots::recordClicked, m_playback, &PlaybackController::goTo);
    if (TokenInspector *i = m_views.inspector; i && edits)
        connect(i, &TokenInspector::candidateActivated, edits, &EditController::replaceToken);
}

void ViewSync::selectPosition(int position)
{
    if (position == m_selected)
        return;
    m_selected = position;
    if (m_views.canvas)
        m_views.canvas->setSelectedPosition(position);
    if (m_views.heatmap)
        m_views.heatmap->setSelectedPosition(position);
    if (m_views.inspector)
        m_views.inspector->setPosition(position);
    if (m_views.experts)
        m_views.experts->setPosition(position);
    Q_EMIT selectionChanged(position);
}

void ViewSync::scheduleRebuild()
{
    m_rebuildPending = true;
    scheduleCurrent();
}

void ViewSync::scheduleCurrent()
{
    m_currentPending = true;
    if (!m_engine->isRunning()) {
        m_timer.start(0);
        return;
    }
    if (!m_timer.isActive())
        m_timer.start(kRunRefreshMs);
}

void ViewSync::flush()
{
    m_timer.stop();
    refreshViews();
}

void ViewSync::refreshViews()
{
    const bool empty = m_document->isEmpty();
    if (m_rebuildPending) {
        m_rebuildPending = false;
        const Timeline &t = m_document->timeline();
        const int branch = m_document->branch();
        if (empty) {
            if (m_views.heatmap)
                m_views.heatmap->clear();
            if (m_views.decisions)
                m_views.decisions->clear();
            if (m_views.inspector)
                m_views.inspector->clear();
            if (m_views.plots)
                m_views.plots->clear();
            if (m_views.experts)
                m_views.experts->clear();
        } else {
            if (m_views.heatmap)
                m_views.heatmap->setTimelineBranch(t, branch);
            if (m_views.decisions)
                m_views.decisions->setTimelineBranch(t, branch);
            if (m_views.inspector)
                m_views.inspector->setTimelineBranch(t, branch);
            if (m_views.plots)
                m_views.plots->setTimelineBranch(t, branch);
            if (m_views.experts)
                m_views.experts->setTimelineBranch(t, branch);
        }
        if (m_views.heatmap)
            m_views.heatmap->setSelectedPosition(m_selected);
        if (m_views.inspector)
            m_views.inspector->setPosition(m_selected);
        if (m_views.experts)
            m_views.experts->setPosition(m_selected);
    }
    if (m_currentPending && !empty) {
        m_currentPending = false;
        const int index = m_document->index();
        if (m_views.heatmap)
            m_views.heatmap->setCurrentIndex(index);
        if (m_views.decisions)
            m_views.decisions->setCurrentIndex(index);
        if (m_views.inspector)
            m_views.inspector->setCurrentIndex(index);
        if (m_views.plots)
            m_views.plots->setCurrentIndex(index);
        if (m_views.experts)
            m_views.experts->setCurrentIndex(index);
    }
}

void ViewSync::showCanvas()
{
    CanvasView *canvas = m_views.canvas;
    if (!canvas)
        return;
    const RecordPtr record = m_document->currentRecord();
    if (!record)
        return;
    canvas->setRecord(record, m_document->committedProbabilities(m_document->index()));
    canvas->setSelectedPosition(m_selected);
}

} // namespace dlm
