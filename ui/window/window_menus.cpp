#include "ui/window/window_menus.h"

#include "ui/document/edit_controller.h"
#include "ui/document/playback_controller.h"
#include "ui/document/session_files.h"
#include "ui/document/timeline_document.h"
#include "ui/engine/engine_controller.h"
#include "ui/export/export_dialog.h"
#include "ui/panels/generation_panel.h"
#include "ui/views/canvas_view.h"
#include "ui/window/dock_layout.h"
#include "ui/window/theme_controller.h"

#include <QAction>
#include <QActionGroup>
#include <QDockWidget>
#include <QKeySequence>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>

namespace dlm {

WindowMenus::WindowMenus(QMainWindow *window, const Parts &parts)
    : QObject(window)
    , m_window(window)
    , m_parts(parts)
    , m_docks(parts.docks)
{
    createFileMenu();
    createEditMenu();
    createPlaybackMenu();
    createViewMenu();
}

QMenu *WindowMenus::addMenu(const QString &title)
{
    return m_window->menuBar()->addMenu(title);
}

void WindowMenus::createFileMenu()
{
    QMainWindow *w = m_window;
    SessionFiles *files = m_parts.files;
    TimelineDocument *document = m_parts.document;
    EngineController *engine = m_parts.engine;
    m_file = w->menuBar()->addMenu(tr("&File"));
    QAction *openModel = m_file->addAction(tr("Open &model directory…"));
    openModel->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    connect(openModel, &QAction::triggered, m_parts.panel, &GenerationPanel::browse);
    QAction *open = m_file->addAction(tr("&Open timeline…"));
    open->setShortcut(QKeySequence::Open);
    open->setToolTip(tr("Replay a saved timeline; it continues once the model it was made with is loaded"));
    connect(open, &QAction::triggered, files, &SessionFiles::open);
    QAction *attach = m_file->addAction(tr("&Continue with the loaded model"));
    connect(attach, &QAction::triggered, files, &SessionFiles::attachModel);
    m_file->addSeparator();
    QAction *save = m_file->addAction(tr("&Save timeline"));
    save->setShortcut(QKeySequence::Save);
    connect(save, &QAction::triggered, files, &SessionFiles::save);
    QAction *saveAs = m_file->addAction(tr("Save timeline &as…"));
    saveAs->setShortcut(QKeySequence::SaveAs);
    connect(saveAs, &QAction::triggered, files, &SessionFiles::saveAs);
    QAction *exportAction = m_file->addAction(tr("&Export…"));
    exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    exportAction->setToolTip(tr("JSON, CSV, HTML player, Markdown/LaTeX, PNG/SVG/PDF figures, GIF or frames"));
    connect(exportAction, &QAction::triggered, w,
        [w, document] { ExportDialog::run(w, document->timeline(), document->branch(), document->index()); });
    m_file->addSeparator();
    QAction *quit = m_file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, w, &QWidget::close);
    auto refreshFileActions = [document, engine, attach, save, saveAs, exportAction] {
        const bool has = !document->isEmpty();
        exportAction->setEnabled(has);
        save->setEnabled(has);
        saveAs->setEnabled(has);
        attach->setEnabled(has && !document->isLive() && engine->isModelLoaded());
    };
    connect(document, &TimelineDocument::timelineReset, this, refreshFileActions);
    connect(engine, &EngineController::modelLoaded, this, refreshFileActions);
    refreshFileActions();
}

void WindowMenus::createEditMenu()
{
    m_edit = m_window->menuBar()->addMenu(tr("&Edit"));
    m_edit->addAction(m_parts.edits->undoAction());
    m_edit->addAction(m_parts.edits->redoAction());
    m_edit->addSeparator();
    QAction *hint = m_edit->addAction(tr("Right-click a token to replace, remask or lock it"));
    hint->setEnabled(false);
}

void WindowMenus::createPlaybackMenu()
{
    // Window-wide shortcuts: text fields still get Space and the arrows, because they claim those keys
    // through ShortcutOverride before a shortcut fires.
    m_playback = m_window->menuBar()->addMenu(tr("&Playback"));
    PlaybackController *playback = m_parts.playback;
    auto add = [&](const QString &text, const QKeySequence &key, void (PlaybackController::*slot)()) {
        QAction *a = m_playback->addAction(text);
        a->setShortcut(key);
        a->setShortcutContext(Qt::WindowShortcut);
        connect(a, &QAction::triggered, playback, slot);
    };
    add(tr("Run / Pause"), QKeySequence(Qt::Key_Space), &PlaybackController::toggleRun);
    add(tr("Step forward"), QKeySequence(Qt::Key_Right), &PlaybackController::step);
    add(tr("Step back"), QKeySequence(Qt::Key_Left), &PlaybackController::back);
    add(tr("First record"), QKeySequence(Qt::Key_Home), &PlaybackController::first);
    add(tr("Last record"), QKeySequence(Qt::Key_End), &PlaybackController::last);
    add(tr("Stop"), QKeySequence(Qt::Key_Escape), &PlaybackController::stop);
}

void WindowMenus::createViewMenu()
{
    m_view = m_window->menuBar()->addMenu(tr("&View"));
    m_dockSection = m_view->addSeparator();
    for (QDockWidget *dock : m_docks->docks())
        addDockToggle(dock);
    connect(m_docks, &DockLayout::dockAdded, this, &WindowMenus::addDockToggle);
    m_resetLayout = m_view->addAction(tr("&Reset layout"));
    m_resetLayout->setToolTip(tr("Put every panel back where it was at the first start, sized for this window"));
    connect(m_resetLayout, &QAction::triggered, m_docks, &DockLayout::resetLayout);
    m_view->addSeparator();
    m_chipsAsText = m_view->addAction(tr("Chips as &text"));
    m_chipsAsText->setCheckable(true);
    m_chipsAsText->setToolTip(tr("Show the canvas as the decoded text reads: spaces as typed, newlines as line "
                                 "breaks"));
    connect(m_chipsAsText, &QAction::toggled, m_parts.canvas, &CanvasView::setTextMode);
    createThemeMenu();
}

void WindowMenus::addDockToggle(QDockWidget *dock)
{
    m_view->insertAction(m_dockSection, dock->toggleViewAction());
}

void WindowMenus::createThemeMenu()
{
    ThemeController *theme = m_parts.theme;
    QMenu *themes = m_view->addMenu(tr("&Theme"));
    auto *group = new QActionGroup(this);
    const std::pair<ThemeController::Mode, QString> modes[]
        = {{ThemeController::Mode::System, tr("Follow the &system")}, {ThemeController::Mode::Light, tr("&Light")},
            {ThemeController::Mode::Dark, tr("&Dark")}};
    for (const auto &[mode, label] : modes) {
        QAction *a = themes->addAction(label);
        a->setCheckable(true);
        a->setChecked(mode == theme->mode());
        a->setData(ThemeController::modeName(mode));
        group->addAction(a);
        connect(a, &QAction::triggered, theme, [theme, mode = mode] { theme->setMode(mode); });
    }
    connect(theme, &ThemeController::modeChanged, group, [group](ThemeController::Mode mode) {
        for (QAction *a : group->actions())
            a->setChecked(a->data().toString() == ThemeController::modeName(mode));
    });
}

} // namespace dlm
