#pragma once
// The main window: assembles the generation panel, the step controls, the canvas and the analysis docks,
// and wires them to the engine. Behaviour lives in the parts; this file only connects them.

#include "ui/engine/engine_types.h"

#include <QMainWindow>
#include <QString>

class QLabel;
class QScrollArea;
class QSettings;

namespace dlm {

class BranchList;
class CanvasLegend;
class CanvasView;
class CompareActions;
class DecisionChart;
class DockLayout;
class EditController;
class EngineController;
class GenerationPanel;
class HeatmapView;
class HelpMenu;
class LoadProgressBar;
class PresentationMode;
class PlaybackController;
class RunPlots;
class SessionFiles;
class StepControls;
class ThemeController;
class TextView;
class ExpertsView;
class TimelineDocument;
class TokenInspector;
class ViewSync;
class WindowMenus;

/** DLM Studio's window. */
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /** Puts `dir` in the panel and loads it. */
    void loadModel(const QString &dir);
    /** Starts a session with the panel's prompt and settings. */
    void startSession();

    /** Restores layout, panel state and theme from `settings`; from then on closing the window saves them. */
    void restoreSettings(QSettings &settings);
    void saveSettings(QSettings &settings) const;

    EngineController *engine() const { return m_engine; }
    TimelineDocument *document() const { return m_document; }
    PlaybackController *playback() const { return m_playback; }
    EditController *edits() const { return m_edits; }
    ViewSync *viewSync() const { return m_sync; }
    ThemeController *theme() const { return m_theme; }
    SessionFiles *files() const { return m_files; }
    GenerationPanel *generationPanel() const { return m_panel; }
    StepControls *stepControls() const { return m_controls; }
    CanvasView *canvasView() const { return m_canvas; }
    HeatmapView *heatmapView() const { return m_heatmap; }
    DecisionChart *decisionChart() const { return m_decisions; }
    TokenInspector *tokenInspector() const { return m_inspector; }
    RunPlots *runPlots() const { return m_plots; }
    BranchList *branchList() const { return m_branches; }
    TextView *textView() const { return m_text; }
    /** The docks: add a view with dockLayout()->addDock(placement, widget) (see dock_layout.h). */
    DockLayout *dockLayout() const { return m_docks; }
    /** The menus: add entries to menus()->viewMenu() etc., or a menu with menus()->addMenu(title). */
    WindowMenus *menus() const { return m_menus; }

    /**
     * Sizes the window to fit the available area of its screen (frame included) and moves it inside.
     * `preferred`: take the default size, shrunk to fit; otherwise keep the current size where it fits.
     */
    void fitToScreen(bool preferred);
    HelpMenu *help() const { return m_help; }
    PresentationMode *presentation() const { return m_presentation; }
    CompareActions *compareActions() const { return m_compare; }
    /** The status bar's message (errors included). */
    QString statusText() const;

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    // The constructor's parts, one job each, called in this order.
    void createControllers();
    void createCentralArea();
    void createDocks();
    void createStatusBar();
    void connectEngine();
    void connectDocument();
    void connectPlayback();
    void showStatus(const QString &text, bool error = false);
    void onModelLoaded(const ModelInfo &info);
    void onFailed(const QString &message);
    void onLoadProgress(double fraction, const QString &text);
    void onCurrentChanged();
    void updateTitle();

    EngineController *m_engine = nullptr;
    TimelineDocument *m_document = nullptr;
    PlaybackController *m_playback = nullptr;
    EditController *m_edits = nullptr;
    ViewSync *m_sync = nullptr;
    ThemeController *m_theme = nullptr;
    SessionFiles *m_files = nullptr;
    QString m_modelName;
    QString m_modelDir; ///< of the loaded model: the panel shows it again when another load is cancelled
    GenerationPanel *m_panel = nullptr;
    StepControls *m_controls = nullptr;
    CanvasLegend *m_legend = nullptr;
    CanvasView *m_canvas = nullptr;
    QScrollArea *m_scroll = nullptr;
    HeatmapView *m_heatmap = nullptr;
    DecisionChart *m_decisions = nullptr;
    TokenInspector *m_inspector = nullptr;
    RunPlots *m_plots = nullptr;
    BranchList *m_branches = nullptr;
    TextView *m_text = nullptr;
    ExpertsView *m_experts = nullptr;
    DockLayout *m_docks = nullptr;
    WindowMenus *m_menus = nullptr;
    HelpMenu *m_help = nullptr;
    PresentationMode *m_presentation = nullptr;
    CompareActions *m_compare = nullptr;
    QLabel *m_status = nullptr;
    LoadProgressBar *m_loadProgress = nullptr;
    QString m_settingsFile; ///< where closeEvent saves; empty until restoreSettings (tests, screenshots)
};

} // namespace dlm
