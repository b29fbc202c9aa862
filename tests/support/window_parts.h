#pragma once
// Test-only access to the parts of a MainWindow. The window has no getters for them (it assembles its parts
// and nothing reaches through it), so a test finds each part by type among the window's children; there
// must be exactly one of each. Header-only: only GUI tests include it, and they link dlmui.

#include "ui/document/edit_controller.h"
#include "ui/document/playback_controller.h"
#include "ui/document/session_files.h"
#include "ui/document/timeline_document.h"
#include "ui/engine/engine_controller.h"
#include "ui/help/help_menu.h"
#include "ui/help/presentation_mode.h"
#include "ui/panels/generation_panel.h"
#include "ui/panels/step_controls.h"
#include "ui/views/branch_list.h"
#include "ui/views/canvas_view.h"
#include "ui/views/decision_chart.h"
#include "ui/views/heatmap_view.h"
#include "ui/views/run_plots.h"
#include "ui/views/text_view.h"
#include "ui/views/token_inspector.h"
#include "ui/views/view_sync.h"
#include "ui/window/compare_actions.h"
#include "ui/window/dock_layout.h"
#include "ui/window/mainwindow.h"
#include "ui/window/theme_controller.h"
#include "ui/window/window_menus.h"

#include <QtGlobal>

namespace dlm::testing {

/** The one child of `window` of type T; a test that finds none or several stops with the count. */
template<class T> T *windowPart(const QObject &window)
{
    const QList<T *> found = window.findChildren<T *>();
    if (found.size() != 1)
        qFatal("the window has %d %s, not one", static_cast<int>(found.size()), T::staticMetaObject.className());
    return found.front();
}

/** The parts of one window, looked up when asked for. */
class WindowParts
{
public:
    explicit WindowParts(const MainWindow &window)
        : m_window(window)
    {
    }

    EngineController *engine() const { return windowPart<EngineController>(m_window); }
    TimelineDocument *document() const { return windowPart<TimelineDocument>(m_window); }
    PlaybackController *playback() const { return windowPart<PlaybackController>(m_window); }
    EditController *edits() const { return windowPart<EditController>(m_window); }
    ViewSync *viewSync() const { return windowPart<ViewSync>(m_window); }
    ThemeController *theme() const { return windowPart<ThemeController>(m_window); }
    SessionFiles *files() const { return windowPart<SessionFiles>(m_window); }
    GenerationPanel *generationPanel() const { return windowPart<GenerationPanel>(m_window); }
    StepControls *stepControls() const { return windowPart<StepControls>(m_window); }
    CanvasView *canvasView() const { return windowPart<CanvasView>(m_window); }
    HeatmapView *heatmapView() const { return windowPart<HeatmapView>(m_window); }
    DecisionChart *decisionChart() const { return windowPart<DecisionChart>(m_window); }
    TokenInspector *tokenInspector() const { return windowPart<TokenInspector>(m_window); }
    RunPlots *runPlots() const { return windowPart<RunPlots>(m_window); }
    BranchList *branchList() const { return windowPart<BranchList>(m_window); }
    TextView *textView() const { return windowPart<TextView>(m_window); }
    DockLayout *dockLayout() const { return windowPart<DockLayout>(m_window); }
    WindowMenus *menus() const { return windowPart<WindowMenus>(m_window); }
    HelpMenu *help() const { return windowPart<HelpMenu>(m_window); }
    PresentationMode *presentation() const { return windowPart<PresentationMode>(m_window); }
    CompareActions *compareActions() const { return windowPart<CompareActions>(m_window); }

private:
    const MainWindow &m_window;
};

/** parts(w).document(): what w.document() was before the window lost its getters. */
inline WindowParts parts(const MainWindow &window)
{
    return WindowParts(window);
}

} // namespace dlm::testing
