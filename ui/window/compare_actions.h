#pragma once
// The window's share of comparing runs: the Compare dock and menu, "Compare with current" from the branch
// list, "Run again with the panel's settings", and the inspector's one-pass prediction requests. MainWindow
// creates it with the parts it connects; behaviour lives here and in the views.

#include <QObject>
#include <QTimer>

class QAction;
class QDockWidget;
class QMainWindow;
class QMenu;

namespace dlm {

class BranchList;
class CompareView;
class EngineController;
class GenerationPanel;
class PlaybackController;
class TimelineDocument;
class TokenInspector;
class ViewSync;

/** Owns the compare dock; wires the branch list, the panel, the inspector and the engine to it. */
class CompareActions : public QObject
{
    Q_OBJECT

public:
    struct Parts
    {
        EngineController *engine = nullptr;
        TimelineDocument *document = nullptr;
        GenerationPanel *panel = nullptr;
        BranchList *branches = nullptr;
        TokenInspector *inspector = nullptr;
        PlaybackController *playback = nullptr;
        ViewSync *sync = nullptr;
    };

    /** Adds the Compare dock (hidden until used) and the Compare menu to `window`. */
    CompareActions(QMainWindow *window, const Parts &parts);

    CompareView *view() const { return m_view; }
    QDockWidget *dock() const { return m_dock; }
    QAction *runAgainAction() const { return m_runAgain; }

    /** Shows the compare dock with branches `a` and `b`. */
    void compare(int a, int b);
    /** Compares the branch on screen with branch `other`. */
    void compareWithCurrent(int other);
    /** A new branch from the prompt with the panel's settings (same seed), run to the end, then compared. */
    void runAgain();

Q_SIGNALS:
    /** A line for the status bar. */
    void message(const QString &text, bool error = false);

private:
    void createMenu(QMainWindow *window);
    void refresh();

    Parts m_parts;
    CompareView *m_view = nullptr;
    QDockWidget *m_dock = nullptr;
    QAction *m_runAgain = nullptr;
    QTimer m_refresh;
    int m_pendingFrom = -1; ///< branch a run-again started from; compared with the new one when it ends
};

} // namespace dlm
