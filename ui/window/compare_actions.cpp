#include "ui/window/compare_actions.h"

#include "ui/document/playback_controller.h"
#include "ui/document/timeline_document.h"
#include "ui/engine/engine_controller.h"
#include "ui/panels/generation_panel.h"
#include "ui/views/branch_list.h"
#include "ui/views/compare_view.h"
#include "ui/views/token_inspector.h"
#include "ui/views/view_sync.h"

#include <QAction>
#include <QDockWidget>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>

#include <algorithm>

namespace dlm {

namespace {

// Coalesces the refreshes of a streaming run: the table is rebuilt at most this often.
constexpr int kRefreshMs = 120;

} // namespace

CompareActions::CompareActions(QMainWindow *window, const Parts &parts)
    : QObject(window)
    , m_parts(parts)
    , m_view(new CompareView)
{
    m_dock = new QDockWidget(tr("Compare"), window);
    m_dock->setObjectName(QStringLiteral("compareDock"));
    m_dock->setWidget(m_view);
    window->addDockWidget(Qt::BottomDockWidgetArea, m_dock);
    // Beside the heatmap: the widest dock, where two canvases and the plots fit side by side.
    if (auto *heatmap = window->findChild<QDockWidget *>(QStringLiteral("heatmapDock")))
        window->tabifyDockWidget(heatmap, m_dock);
    m_dock->hide();
    auto orient = [this](Qt::DockWidgetArea area) {
        const bool wide = area == Qt::BottomDockWidgetArea || area == Qt::TopDockWidgetArea;
        m_view->setPlotsOrientation(wide ? Qt::Horizontal : Qt::Vertical);
    };
    orient(window->dockWidgetArea(m_dock));
    connect(m_dock, &QDockWidget::dockLocationChanged, this, orient);

    m_refresh.setSingleShot(true);
    m_refresh.setInterval(kRefreshMs);
    connect(&m_refresh, &QTimer::timeout, this, &CompareActions::refresh);
    auto later = [this] {
        if (m_dock->isVisible())
            m_refresh.start();
    };
    TimelineDocument *doc = m_parts.document;
    connect(doc, &TimelineDocument::timelineReset, this, [this] {
        m_view->clear();
        refresh();
    });
    connect(doc, &TimelineDocument::historyChanged, this, later);
    connect(doc, &TimelineDocument::countChanged, this, later);
    connect(m_dock, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible)
            refresh();
    });
    connect(m_view, &CompareView::positionActivated, this, [this](int branch, int position) {
        // Show branch A's last record with the position selected, so the inspector explains it.
        if (branch != m_parts.document->branch())
            m_parts.playback->switchBranch(branch);
        m_parts.sync->selectPosition(position);
    });
    connect(m_parts.branches, &BranchList::compareRequested, this, &CompareActions::compareWithCurrent);

    // The inspector's "what would the model say here": one pass on the engine thread, answered by id.
    connect(m_parts.inspector, &TokenInspector::predictionRequested, this, [this](int branch, int index, int pos) {
        if (!m_parts.engine->isModelLoaded()) {
            PredictionReply reply;
            reply.branch = branch;
            reply.index = index;
            reply.position = pos;
            reply.error = tr("no model loaded; load the model this run was made with");
            m_parts.inspector->setPrediction(reply);
            return;
        }
        m_parts.engine->predict(branch, index, pos);
    });
    connect(m_parts.engine, &EngineController::predictionReady, m_parts.inspector, &TokenInspector::setPrediction);
    connect(m_parts.engine, &EngineController::finished, this, [this](bool) {
        if (m_pendingFrom < 0)
            return;
        const int from = m_pendingFrom;
        m_pendingFrom = -1;
        const int newest = m_parts.document->timeline().branchCount() - 1;
        if (newest > from)
            compare(from, newest);
    });
    createMenu(window);
}

void CompareActions::createMenu(QMainWindow *window)
{
    QMenu *menu = window->menuBar()->addMenu(tr("&Compare"));
    QAction *show = menu->addAction(tr("Compare &branches…"));
    show->setToolTip(tr("Two branches side by side; pick them at the top of the Compare view"));
    connect(show, &QAction::triggered, this, [this] {
        const Timeline &t = m_parts.document->timeline();
        const int current = m_parts.document->branch();
        if (t.empty()) {
            Q_EMIT message(tr("Nothing to compare yet: start a run first."), true);
            return;
        }
        // The branch on screen against its parent (or the newest other branch for the root).
        const int parent = t.branch(current).parent;
        compare(parent >= 0 ? parent : std::max(0, t.branchCount() - 1), current);
    });
    m_runAgain = menu->addAction(tr("&Run again with the panel's settings"));
    m_runAgain->setToolTip(tr("A second run from the same prompt and seed with the settings now in the Generation "
                              "panel, kept as a new branch and compared with the one on screen"));
    connect(m_runAgain, &QAction::triggered, this, &CompareActions::runAgain);
}

void CompareActions::compare(int a, int b)
{
    m_dock->show();
    m_dock->raise();
    m_view->setTimeline(m_parts.document->timeline());
    m_view->setBranches(a, b);
}

void CompareActions::compareWithCurrent(int other)
{
    compare(m_parts.document->branch(), other);
}

void CompareActions::runAgain()
{
    TimelineDocument *doc = m_parts.document;
    if (doc->isEmpty() || !doc->isLive() || !m_parts.engine->isModelLoaded()) {
        Q_EMIT message(tr("Run again needs a run on the loaded model: start one (or continue the file) first."), true);
        return;
    }
    if (m_parts.engine->isRunning()) {
        Q_EMIT message(tr("Stop the run first, then run again."), true);
        return;
    }
    m_pendingFrom = doc->branch();
    Q_EMIT message(tr("Running again from the prompt with the panel's settings (seed kept)…"));
    m_parts.engine->runAgain(m_parts.panel->settings(), doc->branch(), doc->index());
}

void CompareActions::refresh()
{
    if (!m_dock->isVisible() || m_parts.document->isEmpty())
        return;
    m_view->setTimeline(m_parts.document->timeline());
}

} // namespace dlm
