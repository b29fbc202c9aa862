#include "ui/views/view_sync.h"

#include "ui/document/edit_controller.h"
#include "ui/document/playback_controller.h"
#include "ui/document/timeline_document.h"
#include "ui/engine/engine_controller.h"
#include "ui/views/timeline_view.h"

namespace dlm {

ViewSync::ViewSync(TimelineDocument *document, PlaybackController *playback, EngineController *engine,
    EditController *edits, QObject *parent)
    : QObject(parent)
    , m_document(document)
    , m_playback(playback)
    , m_engine(engine)
    , m_edits(edits)
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
        showRecordViews();
        scheduleCurrent();
    });
    // A run's last records must not wait for the throttle once it ends.
    connect(m_engine, &EngineController::runningChanged, this, [this](bool running) {
        if (!running && m_timer.isActive())
            flush();
    });
}

void ViewSync::addView(TimelineView *view)
{
    m_views.push_back(view);
    view->connectTo(*this);
}

void ViewSync::selectPosition(int position)
{
    if (position == m_selected)
        return;
    m_selected = position;
    for (TimelineView *view : m_views)
        view->showSelection(position);
    Q_EMIT selectionChanged(position);
}

void ViewSync::goTo(int index)
{
    m_playback->goTo(index);
}

void ViewSync::replaceToken(int position, int32_t tokenId)
{
    if (m_edits)
        m_edits->replaceToken(position, tokenId);
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
        for (TimelineView *view : m_views) {
            if (view->follows() == TimelineView::Follows::Branch) {
                view->showBranch(*m_document);
                view->showSelection(m_selected);
            }
        }
    }
    if (m_currentPending && !empty) {
        m_currentPending = false;
        for (TimelineView *view : m_views) {
            if (view->follows() == TimelineView::Follows::Branch)
                view->showCursor(*m_document);
        }
    }
}

void ViewSync::showRecordViews()
{
    if (!m_document->currentRecord())
        return;
    for (TimelineView *view : m_views) {
        if (view->follows() == TimelineView::Follows::Record) {
            view->showCursor(*m_document);
            view->showSelection(m_selected);
        }
    }
}

} // namespace dlm
