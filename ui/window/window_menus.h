#pragma once
// The window's menu bar: File, Edit, Playback and View. Each menu is built from the parts MainWindow hands
// over (controllers, panel, canvas, docks), so MainWindow only says "build the menus" and others add their
// entries here or through the menus this class hands out.

#include <QObject>

class QAction;
class QDockWidget;
class QMainWindow;
class QMenu;

namespace dlm {

class CanvasView;
class DockLayout;
class EditController;
class EngineController;
class GenerationPanel;
class PlaybackController;
class SessionFiles;
class ThemeController;
class TimelineDocument;

/** Builds and owns the menus of a window. */
class WindowMenus : public QObject
{
    Q_OBJECT

public:
    /** What the menus act on. */
    struct Parts
    {
        EngineController *engine = nullptr;
        TimelineDocument *document = nullptr;
        PlaybackController *playback = nullptr;
        EditController *edits = nullptr;
        SessionFiles *files = nullptr;
        GenerationPanel *panel = nullptr;
        CanvasView *canvas = nullptr;
        ThemeController *theme = nullptr;
        DockLayout *docks = nullptr;
    };

    /** Adds File, Edit, Playback and View to `window`'s menu bar. */
    WindowMenus(QMainWindow *window, const Parts &parts);

    QMenu *fileMenu() const { return m_file; }
    QMenu *editMenu() const { return m_edit; }
    QMenu *playbackMenu() const { return m_playback; }
    QMenu *viewMenu() const { return m_view; }
    /** Appends a top-level menu (e.g. Help) after View. */
    QMenu *addMenu(const QString &title);
    /** View > Reset layout. */
    QAction *resetLayoutAction() const { return m_resetLayout; }
    /** View > Chips as text (the canvas' text mode). */
    QAction *chipsAsTextAction() const { return m_chipsAsText; }

private:
    void createFileMenu();
    void createEditMenu();
    void createPlaybackMenu();
    void createViewMenu();
    void createThemeMenu();
    void addDockToggle(QDockWidget *dock);

    QMainWindow *m_window;
    Parts m_parts;
    DockLayout *m_docks;
    QMenu *m_file = nullptr;
    QMenu *m_edit = nullptr;
    QMenu *m_playback = nullptr;
    QMenu *m_view = nullptr;
    QAction *m_dockSection = nullptr; ///< the separator below the dock toggles; later docks go above it
    QAction *m_resetLayout = nullptr;
    QAction *m_chipsAsText = nullptr;
};

} // namespace dlm
