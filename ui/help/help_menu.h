#pragma once
// The Help menu and everything it opens: the guided tour (shown once on first run), the glossary, the
// keyboard shortcuts, About, and F1 for the part of the window under the mouse or with the focus.

#include "ui/help/about_dialog.h"
#include "ui/help/guided_tour.h"

#include <QObject>
#include <QPointer>

class QAction;
class QMainWindow;
class QMenu;
class QSettings;
class QWidget;

namespace dlm {

class EngineController;
class GlossaryDialog;
class ShortcutsDialog;

/** Owns the Help menu of a window; created by install(). */
class HelpMenu : public QObject
{
    Q_OBJECT

public:
    /**
     * What the help needs of the window beside its menu bar and its docks (found by object name): the parts
     * F1 and the tour explain that are no dock, and the engine, whose loaded model About names.
     */
    struct Parts
    {
        EngineController *engine = nullptr;
        QWidget *stepControls = nullptr;
        QWidget *canvasArea = nullptr; ///< the canvas's scroll area
        QWidget *canvasLegend = nullptr;
    };

    /** The QSettings key that remembers the first-run tour was shown. */
    static QString tourShownKey();
    /** Adds the Help menu to `window`'s menu bar; the result is owned by `window`. */
    static HelpMenu *install(QMainWindow &window, const Parts &parts);

    QMenu *menu() const { return m_menu; }
    QAction *tourAction() const { return m_tourAction; }
    QAction *contextHelpAction() const { return m_contextHelp; }

    /** Starts the tour on its first screen (closing a running one); the tour deletes itself when done. */
    GuidedTour *startTour();
    /** The running tour, or null. */
    GuidedTour *tour() const { return m_tour; }
    /**
     * Starts the tour once the event loop runs, unless `settings` says it was shown before; marks it shown.
     * Returns whether it will start.
     */
    bool showTourOnFirstRun(QSettings &settings);

    /** Opens (or raises) the glossary, at entry `key` when given. */
    GlossaryDialog *openGlossary(const QString &key = {});
    ShortcutsDialog *openShortcuts();
    AboutDialog *openAbout();
    /** The help entry ("view.*") of the part of the window `widget` belongs to; empty for none. */
    QString helpKeyFor(const QWidget *widget) const;
    /** F1: the glossary page of the part under the mouse, else of the part with focus, else the glossary. */
    void showContextHelp();

private:
    HelpMenu(QMainWindow &window, const Parts &parts);
    void createMenu();
    /** The tour's screens, in the order a new user meets the parts. */
    std::vector<TourStop> tourStops() const;
    /** (part of the window, its help key), the parts F1 and the tour know. */
    std::vector<std::pair<QWidget *, QString>> parts() const;

    QMainWindow &m_window;
    Parts m_parts;
    QMenu *m_menu = nullptr;
    QAction *m_tourAction = nullptr;
    QAction *m_contextHelp = nullptr;
    QPointer<GuidedTour> m_tour;
    QPointer<GlossaryDialog> m_glossary;
    AboutModel m_model;
};

} // namespace dlm
