#include "ui/window/dock_layout.h"

#include <QDockWidget>
#include <QMainWindow>
#include <QSettings>

#include <algorithm>

namespace dlm {

namespace {

// Below these the side columns and the bottom row cannot all show their content's minimum at once.
constexpr int kCompactWidth = 1280;
constexpr int kCompactHeight = 720;

int clampedShare(int total, double share, int low, int high)
{
    return std::clamp(static_cast<int>(total * share), low, std::max(low, high));
}

} // namespace

DockPlacement DockPlacement::inArea(const QString &title, const QString &name, Qt::DockWidgetArea area)
{
    DockPlacement p;
    p.title = title;
    p.name = name;
    p.area = area;
    return p;
}

DockPlacement DockPlacement::splitFrom(const QString &title, const QString &name, const QString &besides,
    Qt::Orientation split, double share, bool tabbedWhenCompact)
{
    DockPlacement p;
    p.title = title;
    p.name = name;
    p.besides = besides;
    p.split = split;
    p.share = share;
    p.tabbedWhenCompact = tabbedWhenCompact;
    return p;
}

DockPlacement DockPlacement::tabOf(const QString &title, const QString &name, const QString &besides)
{
    DockPlacement p;
    p.title = title;
    p.name = name;
    p.besides = besides;
    p.tabbed = true;
    return p;
}

DockLayout::DockLayout(QMainWindow *window)
    : QObject(window)
    , m_window(window)
{
    // Nested splits (panel above branches) need nesting; tabs keep small windows usable.
    m_window->setDockNestingEnabled(true);
    m_window->setDockOptions(m_window->dockOptions() | QMainWindow::AllowTabbedDocks | QMainWindow::AnimatedDocks);
    // Bottom corners belong to the side columns, so the bottom row spans only the centre: the canvas and the
    // heatmap share a width and the side panels keep their full height.
    m_window->setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    m_window->setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
}

QDockWidget *DockLayout::addDock(const DockPlacement &placement, QWidget *widget)
{
    auto *dock = new QDockWidget(placement.title, m_window);
    dock->setObjectName(placement.name);
    dock->setWidget(widget);
    m_docks.append({dock, placement});
    place(dock, placement, isCompact(m_window->size()));
    Q_EMIT dockAdded(dock);
    return dock;
}

QDockWidget *DockLayout::dock(const QString &name) const
{
    for (const auto &[dock, placement] : m_docks) {
        if (placement.name == name)
            return dock;
    }
    return nullptr;
}

QList<QDockWidget *> DockLayout::docks() const
{
    QList<QDockWidget *> all;
    for (const auto &entry : m_docks)
        all << entry.first;
    return all;
}

bool DockLayout::isCompact(const QSize &windowSize)
{
    return windowSize.width() < kCompactWidth || windowSize.height() < kCompactHeight;
}

void DockLayout::place(QDockWidget *dock, const DockPlacement &placement, bool compact)
{
    QDockWidget *besides = placement.besides.isEmpty() ? nullptr : this->dock(placement.besides);
    if (!besides) {
        m_window->addDockWidget(placement.area, dock);
        return;
    }
    if (placement.tabbed || (compact && placement.tabbedWhenCompact)) {
        m_window->tabifyDockWidget(besides, dock);
        return;
    }
    m_window->splitDockWidget(besides, dock, placement.split);
}

void DockLayout::resetLayout()
{
    // Take every dock out first: splitDockWidget and tabifyDockWidget keep whatever arrangement the user made.
    for (const auto &entry : m_docks) {
        entry.first->setFloating(false);
        m_window->removeDockWidget(entry.first);
    }
    const bool compact = isCompact(m_window->size());
    for (const auto &[dock, placement] : m_docks) {
        place(dock, placement, compact);
        dock->show();
    }
    // The first tab of each group is the one in front.
    for (const auto &[dock, placement] : m_docks) {
        if (placement.besides.isEmpty())
            dock->raise();
    }
    applyExtents();
    Q_EMIT layoutChanged();
}

void DockLayout::applyExtents()
{
    // The side columns get what their content needs to read well and little more; spare width and height
    // go to the canvas (centre) and the heatmap (bottom row), where the data is.
    const QSize size = m_window->size();
    QList<QDockWidget *> across;
    QList<int> widths;
    QList<QDockWidget *> down;
    QList<int> heights;
    for (const auto &[dock, placement] : m_docks) {
        if (!placement.besides.isEmpty())
            continue;
        if (placement.area == Qt::LeftDockWidgetArea || placement.area == Qt::RightDockWidgetArea) {
            const double share = placement.area == Qt::LeftDockWidgetArea ? 0.22 : 0.27;
            across << dock;
            widths << clampedShare(size.width(), share, dock->widget()->minimumSizeHint().width(), 440);
        } else {
            down << dock;
            heights << clampedShare(size.height(), 0.36, dock->widget()->minimumSizeHint().height(), 520);
        }
    }
    if (!across.isEmpty())
        m_window->resizeDocks(across, widths, Qt::Horizontal);
    if (!down.isEmpty())
        m_window->resizeDocks(down, heights, Qt::Vertical);
    for (const auto &[dock, placement] : m_docks) {
        QDockWidget *besides = this->dock(placement.besides);
        if (!besides || placement.share <= 0.0 || besides->isHidden() || m_window->tabifiedDockWidgets(dock).size())
            continue;
        const int total = 1000;
        const int mine = static_cast<int>(total * placement.share);
        m_window->resizeDocks({besides, dock}, {total - mine, mine}, placement.split);
    }
}

bool DockLayout::restoreState(QSettings &settings)
{
    const bool current = settings.value(QStringLiteral("layoutVersion")).toInt() == kVersion;
    const QByteArray state = settings.value(QStringLiteral("state")).toByteArray();
    if (!current || state.isEmpty() || !m_window->restoreState(state, kVersion)) {
        resetLayout();
        return false;
    }
    Q_EMIT layoutChanged();
    return true;
}

void DockLayout::saveState(QSettings &settings) const
{
    settings.setValue(QStringLiteral("state"), m_window->saveState(kVersion));
    settings.setValue(QStringLiteral("layoutVersion"), kVersion);
}

} // namespace dlm
