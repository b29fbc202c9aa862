#pragma once
// The window's menu bar: File, Edit, Playback and View. Each menu is built from the window's public parts
// (controllers, panel, docks), so MainWindow only says "build the menus" and others add their entries here
// or through the menus this class hands out.

#include <QObject>

class QAction;
class QDockWidget;
class QMenu;

namespace dlm {

class DockLayout;
class MainWindow;

/** Builds and owns the menus of a MainWindow. */
class WindowMenus : public QObject
{
    Q_OBJECT

public:
    WindowMenus(MainWindow *window, DockLayout *docks);

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

    MainWindow *m_window;
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
