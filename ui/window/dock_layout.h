#pragma once
// The window's docks and their default arrangement. Each dock is added once with where it belongs; the
// arrangement is then rebuilt from those placements whenever it is needed (at start, on View > Reset layout,
// when a saved layout is stale), so a new dock is one addDock call and never a hand-written layout change.

#include <QList>
#include <QObject>
#include <QString>

class QDockWidget;
class QMainWindow;
class QSettings;
class QWidget;

namespace dlm {

/** Where a dock goes in the default arrangement. */
struct DockPlacement
{
    QString title;
    QString name; ///< the dock's object name; saveState() identifies docks by it
    Qt::DockWidgetArea area = Qt::RightDockWidgetArea;
    /** An earlier dock's name to sit beside (split or tabbed); empty: the first dock of `area`. */
    QString besides;
    Qt::Orientation split = Qt::Vertical; ///< below `besides` (Vertical) or right of it (Horizontal)
    bool tabbed = false; ///< always a tab of `besides`
    bool tabbedWhenCompact = false; ///< a tab of `besides` when the window is small (see isCompact)
    /** Preferred share of the split with `besides`, 0..1 (0: leave it to Qt). */
    double share = 0.0;

    /** The first dock of `area`. */
    static DockPlacement inArea(const QString &title, const QString &name, Qt::DockWidgetArea area);
    /** Split off `besides` (below it for Vertical, right of it for Horizontal), taking `share` of the room. */
    static DockPlacement splitFrom(const QString &title, const QString &name, const QString &besides,
        Qt::Orientation split, double share, bool tabbedWhenCompact = false);
    /** Always a tab beside `besides`. */
    static DockPlacement tabOf(const QString &title, const QString &name, const QString &besides);
};

/**
 * Owns the placements of the window's docks and arranges them. Extents of the dock areas (how wide the
 * side columns, how tall the bottom row) follow the window's size, so the data views get the spare room.
 */
class DockLayout : public QObject
{
    Q_OBJECT

public:
    /** Bumped when the default arrangement or the set of docks changes: a stale saved state is then ignored. */
    static constexpr int kVersion = 5;

    explicit DockLayout(QMainWindow *window);

    /** Creates a dock around `widget` (the window takes it) and puts it where `placement` says. */
    QDockWidget *addDock(const DockPlacement &placement, QWidget *widget);
    QDockWidget *dock(const QString &name) const;
    QList<QDockWidget *> docks() const;

    /** Rebuilds the default arrangement for the window's current size: every dock shown, docked, in place. */
    void resetLayout();

    /** True when the window is too small for every dock side by side (then some are tabbed). */
    static bool isCompact(const QSize &windowSize);

    /** Restores a layout saved by saveState; false (and the default arrangement) if it is absent or stale. */
    bool restoreState(QSettings &settings);
    void saveState(QSettings &settings) const;

Q_SIGNALS:
    void dockAdded(QDockWidget *dock);
    /** After resetLayout or a restored state: the arrangement on screen is a new one. */
    void layoutChanged();

private:
    void place(QDockWidget *dock, const DockPlacement &placement, bool compact);
    void applyExtents();

    QMainWindow *m_window;
    QList<QPair<QDockWidget *, DockPlacement>> m_docks;
};

} // namespace dlm
