#include "mainwindow.h"

#include "canvas_legend.h"
#include "canvas_view.h"
#include "color_maps.h"
#include "engine_controller.h"
#include "generation_panel.h"
#include "playback_controller.h"
#include "step_controls.h"
#include "timeline_document.h"

#include <QAction>
#include <QApplication>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QProgressBar>
#include <QScrollArea>
#include <QStatusBar>
#include <QVBoxLayout>

namespace dlm {

namespace {

QString noModelHint()
{
    return MainWindow::tr("No model loaded.\n\nType a model directory at the left and press Load, use Browse…, "
                          "or start with  dlmstudio --model DIR.\nThe small demo model lives in models/demo.");
}

} // namespace

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(tr("DLM Studio"));
    m_engine = new EngineController(this);
    m_document = new TimelineDocument(this);
    m_playback = new PlaybackController(m_engine, m_document, this);

    m_panel = new GenerationPanel;
    m_panel->setFixedWidth(300);
    m_controls = new StepControls;
    m_legend = new CanvasLegend;
    m_canvas = new CanvasView;
    m_canvas->setPieceText([doc = m_document](int32_t id) { return doc->displayText(id); },
                           [doc = m_document](int32_t id) { return doc->rawPiece(id); });
    m_canvas->setPlaceholder(noModelHint());
    m_scroll = new QScrollArea;
    m_scroll->setWidget(m_canvas);
    m_scroll->setWidgetResizable(true);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    auto *right = new QVBoxLayout;
    right->addWidget(m_controls);
    right->addWidget(m_legend);
    right->addWidget(m_scroll, 1);
    auto *central = new QWidget;
    auto *layout = new QHBoxLayout(central);
    layout->addWidget(m_panel);
    layout->addLayout(right, 1);
    setCentralWidget(central);

    m_status = new QLabel;
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(200);
    m_progress->hide();
    statusBar()->addWidget(m_status, 1);
    statusBar()->addPermanentWidget(m_progress);
    createMenus();
    resize(1100, 720);

    connect(m_panel, &GenerationPanel::loadRequested, m_engine, &EngineController::loadModel);
    connect(m_panel, &GenerationPanel::startRequested, this, &MainWindow::startSession);
    connect(m_engine, &EngineController::loadProgress, this, &MainWindow::onLoadProgress);
    connect(m_engine, &EngineController::modelLoaded, this, &MainWindow::onModelLoaded);
    connect(m_engine, &EngineController::failed, this, &MainWindow::onFailed);
    connect(m_engine, &EngineController::sessionStarted, m_document, &TimelineDocument::reset);
    connect(m_engine, &EngineController::recordReady, m_document, &TimelineDocument::applyUpdate);
    connect(m_engine, &EngineController::finished, this, [this](bool stopped) {
        showStatus(stopped ? tr("Stopped.") : tr("Run finished."));
    });
    connect(m_document, &TimelineDocument::currentChanged, this, &MainWindow::showCurrentRecord);
    connect(m_document, &TimelineDocument::timelineReset, this, [this] {
        m_canvas->setMaskId(m_document->maskId());
        showStatus(tr("Session started: %1 positions.").arg(m_document->currentRecord()
                                                                ? m_document->currentRecord()->length()
                                                                : 0));
    });
    connect(m_playback, &PlaybackController::stateChanged, m_controls, &StepControls::setState);
    connect(m_controls, &StepControls::backRequested, m_playback, &PlaybackController::back);
    connect(m_controls, &StepControls::forwardRequested, m_playback, &PlaybackController::forward);
    connect(m_controls, &StepControls::stepRequested, m_playback, &PlaybackController::step);
    connect(m_controls, &StepControls::runToggled, m_playback, &PlaybackController::toggleRun);
    connect(m_controls, &StepControls::stopRequested, m_playback, &PlaybackController::stop);
    connect(m_controls, &StepControls::indexRequested, m_playback, &PlaybackController::goTo);

    showStatus(tr("Pick a model directory to begin."));
}

MainWindow::~MainWindow()
{
    // Join the engine thread before the document and views it reports to go away.
    delete m_engine;
    m_engine = nullptr;
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open model directory…"));
    open->setShortcut(QKeySequence::Open);
    connect(open, &QAction::triggered, m_panel, &GenerationPanel::browse);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

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

void MainWindow::loadModel(const QString &dir)
{
    m_panel->setModelDirectory(dir);
    m_engine->loadModel(dir, m_panel->dtype());
}

void MainWindow::startSession()
{
    if (!m_modelLoaded) {
        onFailed(tr("No model loaded: pick a model directory first."));
        return;
    }
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
    m_modelLoaded = true;
    m_progress->hide();
    m_panel->setModelDirectory(info.dir);
    m_panel->setMaxSequenceLength(info.maxSequenceLength);
    m_panel->setSettings(info.defaults);
    m_panel->setModelStatus(tr("%1: %2").arg(info.name, info.summary), false);
    m_panel->setStartEnabled(true);
    m_document->clear();
    m_canvas->setPlaceholder(tr("Model %1 loaded. Write a prompt and press Start.").arg(info.name));
    if (info.defaultsWarning.isEmpty())
        showStatus(tr("Loaded %1.").arg(info.name));
    else
        showStatus(tr("Loaded %1; generation_config.json ignored: %2").arg(info.name, info.defaultsWarning), true);
    setWindowTitle(tr("%1 — DLM Studio").arg(info.name));
}

void MainWindow::onFailed(const QString &message)
{
    m_progress->hide();
    showStatus(message, true);
    if (!m_modelLoaded)
        m_panel->setModelStatus(message, true);
}

void MainWindow::showCurrentRecord()
{
    const RecordPtr record = m_document->currentRecord();
    if (!record) {
        if (m_modelLoaded)
            m_canvas->setPlaceholder(tr("Write a prompt and press Start."));
        return;
    }
    m_canvas->setRecord(record, m_document->committedProbabilities(m_document->index()));
}

} // namespace dlm
