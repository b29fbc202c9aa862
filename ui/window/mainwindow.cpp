#include "ui/window/mainwindow.h"

#include "core/text/prompt.h"
#include "core/text/tokenizer.h"
#include "ui/document/edit_controller.h"
#include "ui/document/playback_controller.h"
#include "ui/document/session_files.h"
#include "ui/document/timeline_document.h"
#include "ui/engine/engine_controller.h"
#include "ui/help/help_menu.h"
#include "ui/help/presentation_mode.h"
#include "ui/panels/generation_panel.h"
#include "ui/panels/load_progress_bar.h"
#include "ui/panels/step_controls.h"
#include "ui/panels/step_progress.h"
#include "ui/views/branch_list.h"
#include "ui/views/canvas_legend.h"
#include "ui/views/canvas_view.h"
#include "ui/figures/color_maps.h"
#include "ui/views/decision_chart.h"
#include "ui/views/experts_view.h"
#include "ui/views/heatmap_view.h"
#include "ui/views/legend_tips.h"
#include "ui/views/run_plots.h"
#include "ui/views/text_view.h"
#include "ui/views/timeline_view.h"
#include "ui/views/token_inspector.h"
#include "ui/views/view_sync.h"
#include "ui/window/compare_actions.h"
#include "ui/window/dock_layout.h"
#include "ui/window/startup_driver.h"
#include "ui/window/window_menus.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileInfo>
#include <QLabel>
#include <QScrollArea>
#include <QScreen>
#include <QMenu>
#include <QSettings>
#include <QProgressBar>
#include <QStatusBar>
#include <QUndoStack>
#include <QVBoxLayout>

#include <algorithm>

namespace dlm {

namespace {

QString noModelHint()
{
    return MainWindow::tr("No model loaded.\n\nType a model directory at the left and press Load, use Browse…, "
                          "or start with  dlmstudio --model DIR.\nThe small demo model lives in models/demo.");
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("DLM Studio"));
    createControllers();
    createCentralArea();
    createDocks();
    registerViews();
    createStatusBar();
    createFeatures();
    fitToScreen(true);
    connectEngine();
    connectDocument();
    connectPlayback();
    showStatus(tr("Pick a model directory to begin."));
}

void MainWindow::fitToScreen(bool preferred)
{
    // Before the first show the window manager's frame is unknown: assume a common title bar and border.
    const bool framed = isVisible() && frameGeometry() != geometry();
    const QMargins frame = framed
        ? QMargins(geometry().left() - frameGeometry().left(), geometry().top() - frameGeometry().top(),
            frameGeometry().right() - geometry().right(), frameGeometry().bottom() - geometry().bottom())
        : QMargins(4, 30, 4, 4);
    const QRect available = screen()->availableGeometry().marginsRemoved(frame);
    const QSize wanted = preferred ? QSize(1400, 900) : size();
    const QSize fitted = wanted.boundedTo(available.size()).expandedTo(minimumSizeHint().boundedTo(available.size()));
    resize(fitted);
    if (preferred) {
        // The arrangement depends on the size (a small window tabs some docks) and the smallest size on the
        // arrangement: arrange for the size wanted, then take it, since the old arrangement may not allow it.
        m_docks->resetLayout();
        resize(fitted);
    }
    QRect placed(geometry().topLeft(), fitted);
    if (preferred || !available.contains(placed)) {
        placed.moveCenter(available.center());
        placed.moveTopLeft(QPoint(std::max(placed.left(), available.left()), std::max(placed.top(), available.top())));
    }
    // move() places the frame, not the client area.
    move(placed.topLeft() - QPoint(frame.left(), frame.top()));
}

void MainWindow::resetLayout()
{
    m_docks->resetLayout();
}

void MainWindow::setThemeMode(ThemeController::Mode mode)
{
    m_theme->setMode(mode);
}

bool MainWindow::showTourOnFirstRun(QSettings &settings)
{
    return m_help->showTourOnFirstRun(settings);
}

StartupDriver *MainWindow::createStartupDriver(const GuiOptions &options)
{
    return new StartupDriver({this, m_engine, m_panel, m_files, m_playback, m_document, m_sync}, options, this);
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
    m_canvas->setSpecialTest([doc = m_document](int32_t id) { return doc->timeline().isSpecial(id); });
    m_canvas->setPlaceholder(noModelHint());
    m_canvas->setMenuBuilder([this](QMenu &menu, int pos) { m_edits->populateMenu(menu, pos, this); });
    m_scroll = new QScrollArea;
    m_scroll->setWidget(m_canvas);
    m_scroll->setWidgetResizable(true);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto *central = new QWidget;
    auto *layout = new QVBoxLayout(central);
    addToolBar(Qt::TopToolBarArea, m_controls);
    layout->addWidget(m_legend);
    layout->addWidget(m_scroll, 1);
    setCentralWidget(central);
}

void MainWindow::createStatusBar()
{
    m_status = new QLabel;
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_loadProgress = new LoadProgressBar;
    statusBar()->addWidget(m_status, 1);
    statusBar()->addPermanentWidget(m_loadProgress);
    // Steps have a bar of their own: a load's bar carries its Cancel, a step is stopped with Stop.
    auto *stepBar = new QProgressBar;
    stepBar->setMaximumWidth(220);
    stepBar->hide();
    statusBar()->addPermanentWidget(stepBar);
    auto *stepProgress = new StepProgressDisplay(m_engine, stepBar, this);
    connect(stepProgress, &StepProgressDisplay::message, this, [this](const QString &text) { showStatus(text); });
}

void MainWindow::connectEngine()
{
    connect(m_panel, &GenerationPanel::loadRequested, this, [this](const QString &dir, ComputeDType dtype) {
        if (m_files->confirmDiscard(tr("Load another model")))
            m_engine->loadModel(dir, dtype);
    });
    connect(m_panel, &GenerationPanel::startRequested, this, &MainWindow::startSession);
    connect(m_engine, &EngineController::loadProgress, this, &MainWindow::onLoadProgress);
    connect(m_engine, &EngineController::loadingChanged, m_loadProgress, &LoadProgressBar::setLoading);
    connect(m_loadProgress, &LoadProgressBar::cancelRequested, m_engine, &EngineController::cancelLoad);
    connect(m_engine, &EngineController::loadCancelled, this, [this] {
        m_panel->setModelDirectory(m_modelDir);
        showStatus(tr("Loading cancelled."));
    });
    connect(m_engine, &EngineController::modelLoaded, this, &MainWindow::onModelLoaded);
    connect(m_engine, &EngineController::failed, this, &MainWindow::onFailed);
    connect(m_engine, &EngineController::stateChanged, m_document, &TimelineDocument::applyState);
    connect(m_engine, &EngineController::finished, this,
        [this](bool stopped) { showStatus(stopped ? tr("Stopped.") : tr("Run finished.")); });
    connect(m_edits, &EditController::message, this, &MainWindow::showStatus);
    connect(m_files, &SessionFiles::message, this, &MainWindow::showStatus);
    connect(m_files, &SessionFiles::fileChanged, this, &MainWindow::updateTitle);
    // An opened chat run shows its conversation again, not only the prompt it was rendered to.
    connect(m_files, &SessionFiles::runOpened, this, [this](const QString &prompt, const GenerationSettings &s) {
        m_panel->setRun(prompt, s, m_document->timeline().chatMessages);
    });
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

void MainWindow::createDocks()
{
    m_panel = new GenerationPanel;
    m_heatmap = new HeatmapView;
    HeatmapLegendTips::install(m_heatmap);
    m_decisions = new DecisionChart;
    m_inspector = new TokenInspector;
    auto *plots = new RunPlots;
    m_branches = new BranchList(m_document);
    auto *text = new TextView(m_document);
    auto *experts = new ExpertsView;

    // One line per dock. A widget that implements TimelineView is kept in step by ViewSync (registerViews);
    // its toggle appears in View by itself. A change here needs DockLayout::kVersion bumped.
    m_docks = new DockLayout(this);
    const QString panel = QStringLiteral("generationDock");
    const QString inspector = QStringLiteral("inspectorDock");
    const QString heatmap = QStringLiteral("heatmapDock");
    const std::pair<DockPlacement, QWidget *> docks[] = {
        {DockPlacement::inArea(tr("Generation"), panel, Qt::LeftDockWidgetArea), m_panel},
        {DockPlacement::splitFrom(tr("Branches"), QStringLiteral("branchDock"), panel, Qt::Vertical, 0.2, true),
            m_branches},
        {DockPlacement::inArea(tr("Token inspector"), inspector, Qt::RightDockWidgetArea), m_inspector},
        {DockPlacement::splitFrom(
             tr("Remasking decisions"), QStringLiteral("decisionDock"), inspector, Qt::Vertical, 0.4, true),
            m_decisions},
        {DockPlacement::tabOf(tr("Text"), QStringLiteral("textDock"), inspector), text},
        {DockPlacement::tabOf(tr("Experts"), QStringLiteral("expertsDock"), inspector), experts},
        {DockPlacement::inArea(tr("Confidence heatmap"), heatmap, Qt::BottomDockWidgetArea), m_heatmap},
        {DockPlacement::splitFrom(tr("Run plots"), QStringLiteral("plotsDock"), heatmap, Qt::Horizontal, 0.4, true),
            plots},
    };
    for (const auto &[placement, widget] : docks)
        m_docks->addDock(placement, widget);
}

void MainWindow::registerViews()
{
    m_sync = new ViewSync(m_document, m_playback, m_engine, m_edits, this);
    m_sync->addView(m_canvas);
    for (QDockWidget *dock : m_docks->docks()) {
        if (auto *view = dynamic_cast<TimelineView *>(dock->widget()))
            m_sync->addView(view);
    }
}

void MainWindow::createFeatures()
{
    m_menus = new WindowMenus(
        this, {m_engine, m_document, m_playback, m_edits, m_files, m_panel, m_canvas, m_theme, m_docks});
    m_help = HelpMenu::install(*this, {m_engine, m_controls, m_scroll, m_legend});
    m_presentation = PresentationMode::install(*this, {m_document, m_canvas, m_decisions});
    m_menus->viewMenu()->addAction(m_presentation->action());
    m_compare = new CompareActions(this, {m_engine, m_document, m_panel, m_branches, m_inspector, m_playback, m_sync});
    connect(m_compare, &CompareActions::message, this, &MainWindow::showStatus);
}

void MainWindow::restoreSettings(QSettings &settings)
{
    m_settingsFile = settings.fileName();
    settings.beginGroup(QStringLiteral("window"));
    const QByteArray geometry = settings.value(QStringLiteral("geometry")).toByteArray();
    if (!geometry.isEmpty())
        restoreGeometry(geometry);
    m_docks->restoreState(settings);
    // The user's arrangement is kept even when it is too big for this screen: View > Reset layout fits it.
    fitToScreen(false);
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
    m_docks->saveState(settings);
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
    m_engine->startSession(m_panel->prompt(), m_panel->settings(), m_panel->chatMessages());
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
    m_loadProgress->setProgress(fraction, text);
    showStatus(text);
}

void MainWindow::onModelLoaded(const ModelInfo &info)
{
    m_modelName = info.name;
    m_modelDir = info.dir;
    m_panel->setModelDirectory(info.dir);
    m_panel->addRecentModel(info.dir);
    m_panel->setMaxSequenceLength(info.maxSequenceLength);
    if (info.tokenizer) {
        // The length check under the fields counts the prompt as the engine will encode it, masks included.
        m_panel->setPromptTokenCounter(
            [tok = info.tokenizer, mask = info.maskId, limit = info.maxSequenceLength](const QString &text) {
                auto ids = encodePrompt(*tok, text.toStdString(), mask, tok->piece(mask), std::max(1, limit));
                return ids ? static_cast<int>(ids->size()) : 0;
            });
    }
    m_panel->setChatTemplate(info.chatTemplate, info.chatTemplateError);
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
