#include "ui/window/mainwindow.h"

#include "ui/views/branch_list.h"
#include "ui/views/canvas_legend.h"
#include "ui/views/canvas_view.h"
#include "ui/views/color_maps.h"
#include "ui/window/compare_actions.h"
#include "ui/views/decision_chart.h"
#include "ui/document/edit_controller.h"
#include "ui/engine/engine_controller.h"
#include "ui/export/export_dialog.h"
#include "ui/panels/generation_panel.h"
#include "ui/views/heatmap_view.h"
#include "ui/document/playback_controller.h"
#include "core/text/prompt.h"
#include "core/text/tokenizer.h"
#include "ui/views/run_plots.h"
#include "ui/document/session_files.h"
#include "ui/panels/step_controls.h"
#include "ui/window/theme_controller.h"
#include "ui/document/timeline_document.h"
#include "ui/views/token_inspector.h"
#include "ui/views/view_sync.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileInfo>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QProgressBar>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QUndoStack>
#include <QVBoxLayout>

namespace dlm {

namespace {

QString noModelHint()
{
    return MainWindow::tr("No model loaded.\n\nType a model directory at the left and press Load, use Browse…, "
                          "or start with  dlmstudio --model DIR.\nThe small demo model lives in models/demo.");
}

// Bumped when the set of docks changes, so an old saved layout is not applied to different docks.
constexpr int kLayoutVersion = 2;

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("DLM Studio"));
    setDockNestingEnabled(true);
    createControllers();
    createCentralArea();
    createDocks();

    TimelineViews views;
    views.canvas = m_canvas;
    views.heatmap = m_heatmap;
    views.decisions = m_decisions;
    views.inspector = m_inspector;
    views.plots = m_plots;
    m_sync = new ViewSync(m_document, m_playback, m_engine, m_edits, views, this);

    createStatusBar();
    createMenus();
    m_compare = new CompareActions(this, {m_engine, m_document, m_panel, m_branches, m_inspector, m_playback, m_sync});
    connect(m_compare, &CompareActions::message, this, &MainWindow::showStatus);
    resize(1400, 900);
    connectEngine();
    connectDocument();
    connectPlayback();
    showStatus(tr("Pick a model directory to begin."));
}

void MainWindow::createControllers()
{
    m_engine = new EngineController(this);
    m_document = new TimelineDocument(this);
    m_playback = new PlaybackController(m_engine, m_document, this);
    m_edits = new EditController(m_engine, m_document, this);
    m_edits->setPlayback(m_playback);
    m_files = new SessionFiles(m_engine, m_document, m_edits, this);
    m_theme = new ThemeController(this);
}

void MainWindow::createCentralArea()
{
    m_controls = new StepControls;
    m_legend = new CanvasLegend;
    m_canvas = new CanvasView;
    m_canvas->setPieceText([doc = m_document](int32_t id) { return doc->displayText(id); },
        [doc = m_document](int32_t id) { return doc->rawPiece(id); });
    m_canvas->setPlaceholder(noModelHint());
    m_canvas->setMenuBuilder([this](QMenu &menu, int pos) { m_edits->populateMenu(menu, pos, this); });
    m_scroll = new QScrollArea;
    m_scroll->setWidget(m_canvas);
    m_scroll->setWidgetResizable(true);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto *central = new QWidget;
    auto *layout = new QVBoxLayout(central);
    layout->addWidget(m_controls);
    layout->addWidget(m_legend);
    layout->addWidget(m_scroll, 1);
    setCentralWidget(central);
}

void MainWindow::createStatusBar()
{
    m_status = new QLabel;
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(200);
    m_progress->hide();
    statusBar()->addWidget(m_status, 1);
    statusBar()->addPermanentWidget(m_progress);
}

void MainWindow::connectEngine()
{
    connect(m_panel, &GenerationPanel::loadRequested, this, [this](const QString &dir, ComputeDType dtype) {
        if (m_files->confirmDiscard(tr("Load another model")))
            m_engine->loadModel(dir, dtype);
    });
    connect(m_panel, &GenerationPanel::startRequested, this, &MainWindow::startSession);
    connect(m_engine, &EngineController::loadProgress, this, &MainWindow::onLoadProgress);
    connect(m_engine, &EngineController::modelLoaded, this, &MainWindow::onModelLoaded);
    connect(m_engine, &EngineController::failed, this, &MainWindow::onFailed);
    connect(m_engine, &EngineController::stateChanged, m_document, &TimelineDocument::applyState);
    connect(m_engine, &EngineController::finished, this,
        [this](bool stopped) { showStatus(stopped ? tr("Stopped.") : tr("Run finished.")); });
    connect(m_edits, &EditController::message, this, &MainWindow::showStatus);
    connect(m_files, &SessionFiles::message, this, &MainWindow::showStatus);
    connect(m_files, &SessionFiles::fileChanged, this, &MainWindow::updateTitle);
    connect(m_files, &SessionFiles::runOpened, m_panel, &GenerationPanel::setRun);
    connect(m_edits->undoStack(), &QUndoStack::cleanChanged, this, &MainWindow::updateTitle);
}

void MainWindow::connectDocument()
{
    connect(m_document, &TimelineDocument::timelineReset, this, &MainWindow::updateTitle);
    connect(m_document, &TimelineDocument::currentChanged, this, &MainWindow::onCurrentChanged);
    connect(m_document, &TimelineDocument::timelineReset, this, [this] {
        m_canvas->setMaskId(m_document->maskId());
        const RecordPtr r = m_document->currentRecord();
        if (m_document->fileName().isEmpty() && r) // a file's own message says what happened to it
            showStatus(tr("Session started: %1 positions. Step with → or Space; right-click a token to edit it.")
                           .arg(r->length()));
    });
}

void MainWindow::connectPlayback()
{
    connect(m_playback, &PlaybackController::stateChanged, m_controls, &StepControls::setState);
    connect(m_controls, &StepControls::firstRequested, m_playback, &PlaybackController::first);
    connect(m_controls, &StepControls::lastRequested, m_playback, &PlaybackController::last);
    connect(m_controls, &StepControls::speedChanged, m_playback, &PlaybackController::setSpeed);
    connect(m_controls, &StepControls::backRequested, m_playback, &PlaybackController::back);
    connect(m_controls, &StepControls::forwardRequested, m_playback, &PlaybackController::forward);
    connect(m_controls, &StepControls::stepRequested, m_playback, &PlaybackController::step);
    connect(m_controls, &StepControls::runToggled, m_playback, &PlaybackController::toggleRun);
    connect(m_controls, &StepControls::stopRequested, m_playback, &PlaybackController::stop);
    connect(m_controls, &StepControls::indexRequested, m_playback, &PlaybackController::goTo);
    connect(m_branches, &BranchList::branchActivated, m_playback, [this](int id) {
        if (id != m_document->branch())
            m_playback->switchBranch(id);
    });
}

MainWindow::~MainWindow()
{
    // Join the engine thread before the document and views it reports to go away.
    delete m_engine;
    m_engine = nullptr;
}

QDockWidget *MainWindow::addDock(const QString &title, const QString &name, QWidget *widget, Qt::DockWidgetArea area)
{
    auto *dock = new QDockWidget(title, this);
    dock->setObjectName(name); // saveState() identifies docks by object name
    dock->setWidget(widget);
    addDockWidget(area, dock);
    return dock;
}

void MainWindow::createDocks()
{
    m_panel = new GenerationPanel;
    m_panel->setMinimumWidth(260); // the form's labels and fields stay readable whatever the dock layout
    m_heatmap = new HeatmapView;
    m_decisions = new DecisionChart;
    m_inspector = new TokenInspector;
    m_plots = new RunPlots;
    m_branches = new BranchList(m_document);

    QDockWidget *panel = addDock(tr("Generation"), QStringLiteral("generationDock"), m_panel, Qt::LeftDockWidgetArea);
    QDockWidget *branches = addDock(tr("Branches"), QStringLiteral("branchDock"), m_branches, Qt::LeftDockWidgetArea);
    splitDockWidget(panel, branches, Qt::Vertical);
    QDockWidget *inspector
        = addDock(tr("Token inspector"), QStringLiteral("inspectorDock"), m_inspector, Qt::RightDockWidgetArea);
    QDockWidget *decisions
        = addDock(tr("Remasking decisions"), QStringLiteral("decisionDock"), m_decisions, Qt::RightDockWidgetArea);
    splitDockWidget(inspector, decisions, Qt::Vertical);
    QDockWidget *heatmap
        = addDock(tr("Confidence heatmap"), QStringLiteral("heatmapDock"), m_heatmap, Qt::BottomDockWidgetArea);
    QDockWidget *plots = addDock(tr("Run plots"), QStringLiteral("plotsDock"), m_plots, Qt::BottomDockWidgetArea);
    splitDockWidget(heatmap, plots, Qt::Horizontal);
    resizeDocks({panel, inspector}, {320, 380}, Qt::Horizontal);
    resizeDocks({heatmap, plots}, {620, 380}, Qt::Horizontal);
    resizeDocks({heatmap}, {300}, Qt::Vertical);
    resizeDocks({panel, branches}, {560, 140}, Qt::Vertical);
}

void MainWindow::createMenus()
{
    createFileMenu();
    createEditMenu();
    createPlaybackMenu();
    createViewMenu();
}

void MainWindow::createFileMenu()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *openModel = file->addAction(tr("Open &model directory…"));
    openModel->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    connect(openModel, &QAction::triggered, m_panel, &GenerationPanel::browse);
    QAction *open = file->addAction(tr("&Open timeline…"));
    open->setShortcut(QKeySequence::Open);
    open->setToolTip(tr("Replay a saved timeline; it continues once the model it was made with is loaded"));
    connect(open, &QAction::triggered, m_files, &SessionFiles::open);
    QAction *attach = file->addAction(tr("&Continue with the loaded model"));
    connect(attach, &QAction::triggered, m_files, &SessionFiles::attachModel);
    file->addSeparator();
    QAction *save = file->addAction(tr("&Save timeline"));
    save->setShortcut(QKeySequence::Save);
    connect(save, &QAction::triggered, m_files, &SessionFiles::save);
    QAction *saveAs = file->addAction(tr("Save timeline &as…"));
    saveAs->setShortcut(QKeySequence::SaveAs);
    connect(saveAs, &QAction::triggered, m_files, &SessionFiles::saveAs);
    QAction *exportAction = file->addAction(tr("&Export…"));
    exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    exportAction->setToolTip(tr("JSON, CSV, HTML player, Markdown/LaTeX, PNG/SVG/PDF figures, GIF or frames"));
    connect(exportAction, &QAction::triggered, this,
        [this] { ExportDialog::run(this, m_document->timeline(), m_document->branch(), m_document->index()); });
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);
    auto refreshFileActions = [this, attach, save, saveAs, exportAction] {
        const bool has = !m_document->isEmpty();
        exportAction->setEnabled(has);
        save->setEnabled(has);
        saveAs->setEnabled(has);
        attach->setEnabled(has && !m_document->isLive() && m_engine->isModelLoaded());
    };
    connect(m_document, &TimelineDocument::timelineReset, this, refreshFileActions);
    connect(m_engine, &EngineController::modelLoaded, this, refreshFileActions);
    refreshFileActions();
}

void MainWindow::createEditMenu()
{
    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(m_edits->undoAction());
    edit->addAction(m_edits->redoAction());
    edit->addSeparator();
    QAction *hint = edit->addAction(tr("Right-click a token to replace, remask or lock it"));
    hint->setEnabled(false);
}

void MainWindow::createPlaybackMenu()
{
    // Window-wide shortcuts: text fields still get Space and the arrows, because they claim those keys
    // through ShortcutOverride before a shortcut fires.
    QMenu *play = menuBar()->addMenu(tr("&Playback"));
    auto add = [&](const QString &text, const QKeySequence &key, void (PlaybackController::*slot)()) {
        QAction *a = play->addAction(text);
        a->setShortcut(key);
        a->setShortcutContext(Qt::WindowShortcut);
        connect(a, &QAction::triggered, m_playback, slot);
        return a;
    };
    add(tr("Run / Pause"), QKeySequence(Qt::Key_Space), &PlaybackController::toggleRun);
    add(tr("Step forward"), QKeySequence(Qt::Key_Right), &PlaybackController::step);
    add(tr("Step back"), QKeySequence(Qt::Key_Left), &PlaybackController::back);
    add(tr("First record"), QKeySequence(Qt::Key_Home), &PlaybackController::first);
    add(tr("Last record"), QKeySequence(Qt::Key_End), &PlaybackController::last);
    add(tr("Stop"), QKeySequence(Qt::Key_Escape), &PlaybackController::stop);
}

void MainWindow::createViewMenu()
{
    // Every dock exists by now (createDocks), so each gets its show/hide entry.
    m_viewMenu = menuBar()->addMenu(tr("&View"));
    for (QDockWidget *dock : findChildren<QDockWidget *>())
        m_viewMenu->addAction(dock->toggleViewAction());
    m_viewMenu->addSeparator();
    QMenu *themes = m_viewMenu->addMenu(tr("&Theme"));
    auto *group = new QActionGroup(this);
    const std::pair<ThemeController::Mode, QString> modes[]
        = {{ThemeController::Mode::System, tr("Follow the &system")}, {ThemeController::Mode::Light, tr("&Light")},
            {ThemeController::Mode::Dark, tr("&Dark")}};
    for (const auto &[mode, label] : modes) {
        QAction *a = themes->addAction(label);
        a->setCheckable(true);
        a->setChecked(mode == m_theme->mode());
        a->setData(ThemeController::modeName(mode));
        group->addAction(a);
        connect(a, &QAction::triggered, m_theme, [this, mode = mode] { m_theme->setMode(mode); });
    }
    connect(m_theme, &ThemeController::modeChanged, group, [group](ThemeController::Mode mode) {
        for (QAction *a : group->actions())
            a->setChecked(a->data().toString() == ThemeController::modeName(mode));
    });
}

void MainWindow::restoreSettings(QSettings &settings)
{
    m_settingsFile = settings.fileName();
    settings.beginGroup(QStringLiteral("window"));
    const QByteArray geometry = settings.value(QStringLiteral("geometry")).toByteArray();
    if (!geometry.isEmpty())
        restoreGeometry(geometry);
    if (settings.value(QStringLiteral("layoutVersion")).toInt() == kLayoutVersion)
        restoreState(settings.value(QStringLiteral("state")).toByteArray(), kLayoutVersion);
    settings.endGroup();
    m_theme->setMode(ThemeController::modeFromName(settings.value(QStringLiteral("appearance/theme")).toString()));
    m_controls->setSpeed(settings.value(QStringLiteral("playback/speed"), 0.0).toDouble());
    settings.beginGroup(QStringLiteral("panel"));
    m_panel->restoreState(settings);
    settings.endGroup();
}

void MainWindow::saveSettings(QSettings &settings) const
{
    settings.beginGroup(QStringLiteral("window"));
    settings.setValue(QStringLiteral("geometry"), saveGeometry());
    settings.setValue(QStringLiteral("state"), saveState(kLayoutVersion));
    settings.setValue(QStringLiteral("layoutVersion"), kLayoutVersion);
    settings.endGroup();
    settings.setValue(QStringLiteral("appearance/theme"), ThemeController::modeName(m_theme->mode()));
    settings.setValue(QStringLiteral("playback/speed"), m_controls->speed());
    settings.beginGroup(QStringLiteral("panel"));
    m_panel->saveState(settings);
    settings.endGroup();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!m_files->confirmDiscard(tr("Quit"))) {
        event->ignore();
        return;
    }
    if (!m_settingsFile.isEmpty()) {
        QSettings settings(m_settingsFile, QSettings::IniFormat);
        saveSettings(settings);
    }
    QMainWindow::closeEvent(event);
}

void MainWindow::loadModel(const QString &dir)
{
    m_panel->setModelDirectory(dir);
    m_engine->loadModel(dir, m_panel->dtype());
}

void MainWindow::startSession()
{
    if (!m_engine->isModelLoaded()) {
        onFailed(tr("No model loaded: pick a model directory first."));
        return;
    }
    if (!m_files->confirmDiscard(tr("Start a new session")))
        return;
    showStatus(tr("Starting…"));
    m_engine->startSession(m_panel->prompt(), m_panel->settings());
}

QString MainWindow::statusText() const
{
    return m_status->text();
}

void MainWindow::showStatus(const QString &text, bool error)
{
    m_status->setText(text);
    QPalette pal = m_status->palette();
    pal.setColor(QPalette::WindowText, error ? colors::kOkabeVermillion : palette().color(QPalette::WindowText));
    m_status->setPalette(pal);
}

void MainWindow::onLoadProgress(double fraction, const QString &text)
{
    m_progress->setVisible(fraction < 1.0);
    m_progress->setValue(static_cast<int>(fraction * 1000));
    showStatus(text);
}

void MainWindow::onModelLoaded(const ModelInfo &info)
{
    m_modelName = info.name;
    m_progress->hide();
    m_panel->setModelDirectory(info.dir);
    m_panel->addRecentModel(info.dir);
    m_panel->setMaxSequenceLength(info.maxSequenceLength);
    if (info.tokenizer) {
        // The length check under the fields counts the prompt as the engine will encode it, masks included.
        m_panel->setPromptTokenCounter([tok = info.tokenizer, mask = info.maskId](const QString &text) {
            auto ids = encodePrompt(*tok, text.toStdString(), mask, tok->piece(mask));
            return ids ? static_cast<int>(ids->size()) : 0;
        });
    }
    m_panel->setSettings(info.defaults);
    m_panel->setModelStatus(tr("%1: %2").arg(info.name, info.summary), false);
    m_panel->setStartEnabled(true);
    if (info.defaultsWarning.isEmpty())
        showStatus(tr("Loaded %1.").arg(info.name));
    else
        showStatus(tr("Loaded %1; generation_config.json ignored: %2").arg(info.name, info.defaultsWarning), true);
    if (!m_document->isEmpty() && !m_document->isLive()) {
        // A replayed file stays on screen and continues on this model if it was made with it.
        m_files->attachModel();
    } else {
        m_document->clear();
        m_canvas->setPlaceholder(tr("Model %1 loaded. Write a prompt and press Start.").arg(info.name));
    }
    updateTitle();
}

void MainWindow::updateTitle()
{
    // "[*]" is where Qt shows the unsaved-changes mark.
    QStringList parts;
    if (!m_document->fileName().isEmpty())
        parts << QFileInfo(m_document->fileName()).fileName() + QStringLiteral("[*]");
    else if (!m_document->isEmpty())
        parts << tr("unsaved session") + QStringLiteral("[*]");
    if (!m_modelName.isEmpty())
        parts << m_modelName;
    parts << tr("DLM Studio");
    setWindowTitle(parts.join(QStringLiteral(" — ")));
    if (!m_document->isEmpty())
        setWindowModified(m_files->hasUnsavedEdits());
}

void MainWindow::onFailed(const QString &message)
{
    m_progress->hide();
    showStatus(message, true);
    if (!m_engine->isModelLoaded())
        m_panel->setModelStatus(message, true);
}

void MainWindow::onCurrentChanged()
{
    if (!m_document->currentRecord() && m_engine->isModelLoaded())
        m_canvas->setPlaceholder(tr("Write a prompt and press Start."));
}

} // namespace dlm
