#pragma once
// The main window: assembles the generation panel, the step controls, the canvas and the analysis docks,
// and wires them to the engine. Behaviour lives in the parts; this file only connects them. It hands each
// part what it needs when it makes it, and has no getters for them: nothing reaches through the window.

#include "ui/engine/engine_types.h"
#include "ui/window/gui_options.h"
#include "ui/window/theme_controller.h"

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
class SessionFiles;
class StartupDriver;
class StepControls;
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

    /**
     * Sizes the window to fit the available area of its screen (frame included) and moves it inside.
     * `preferred`: take the default size, shrunk to fit; otherwise keep the current size where it fits.
     */
    void fitToScreen(bool preferred);
    /** View > Reset layout: every dock in its default place, sized for the window as it is now. */
    void resetLayout();
    void setThemeMode(ThemeController::Mode mode);
    /** Starts the guided tour once the window is up unless `settings` says it was shown (see HelpMenu). */
    bool showTourOnFirstRun(QSettings &settings);
    /** A driver that carries out `options` (load, start, run, screenshot) on this window; owned by it. */
    StartupDriver *createStartupDriver(const GuiOptions &options);
    /** The status bar's message (errors included). */
    QString statusText() const;

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    // The constructor's parts, one job each, called in this order.
    void createControllers();
    void createCentralArea();
    void createDocks();
    void registerViews();
    void createFeatures();
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
    BranchList *m_branches = nullptr;
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
