#include "ui/help/help_menu.h"

#include "ui/engine/engine_controller.h"
#include "ui/help/glossary_dialog.h"
#include "ui/help/guided_tour.h"
#include "ui/help/shortcut_list.h"

#include <QAction>
#include <QApplication>
#include <QCursor>
#include <QDockWidget>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QSettings>
#include <QTimer>

namespace dlm {

namespace {

/** The dock of `window` named `name` (docks are found by the object names saveState() uses). */
QDockWidget *dock(const QMainWindow &window, const char *name)
{
    return window.findChild<QDockWidget *>(QLatin1String(name));
}

} // namespace

QString HelpMenu::tourShownKey()
{
    return QStringLiteral("help/tourShown");
}

HelpMenu::HelpMenu(QMainWindow &window, const Parts &parts)
    : QObject(&window)
    , m_window(window)
    , m_parts(parts)
{
    connect(parts.engine, &EngineController::modelLoaded, this, [this](const ModelInfo &info) {
        m_model = {info.name, info.dir, info.summary};
    });
}

HelpMenu *HelpMenu::install(QMainWindow &window, const Parts &parts)
{
    auto *help = new HelpMenu(window, parts);
    help->createMenu();
    return help;
}

void HelpMenu::createMenu()
{
    m_menu = m_window.menuBar()->addMenu(tr("&Help"));
    m_contextHelp = m_menu->addAction(tr("Help for this &part of the window"));
    m_contextHelp->setShortcut(QKeySequence::HelpContents);
    m_contextHelp->setShortcutContext(Qt::WindowShortcut);
    connect(m_contextHelp, &QAction::triggered, this, &HelpMenu::showContextHelp);
    m_tourAction = m_menu->addAction(tr("Guided &tour"));
    connect(m_tourAction, &QAction::triggered, this, &HelpMenu::startTour);
    QAction *glossary = m_menu->addAction(tr("&Glossary"));
    connect(glossary, &QAction::triggered, this, [this] { openGlossary(); });
    QAction *keys = m_menu->addAction(tr("&Keyboard shortcuts"));
    connect(keys, &QAction::triggered, this, &HelpMenu::openShortcuts);
    m_menu->addSeparator();
    QAction *about = m_menu->addAction(tr("&About DLM Studio"));
    about->setMenuRole(QAction::AboutRole);
    connect(about, &QAction::triggered, this, &HelpMenu::openAbout);
}

std::vector<std::pair<QWidget *, QString>> HelpMenu::parts() const
{
    return {{dock(m_window, "generationDock"), QStringLiteral("view.generation")},
        {m_parts.stepControls, QStringLiteral("view.controls")}, {m_parts.canvasArea, QStringLiteral("view.canvas")},
        {m_parts.canvasLegend, QStringLiteral("view.canvas")},
        {dock(m_window, "heatmapDock"), QStringLiteral("view.heatmap")},
        {dock(m_window, "decisionDock"), QStringLiteral("view.decisions")},
        {dock(m_window, "inspectorDock"), QStringLiteral("view.inspector")},
        {dock(m_window, "plotsDock"), QStringLiteral("view.plots")},
        {dock(m_window, "branchDock"), QStringLiteral("view.branches")}};
}

std::vector<TourStop> HelpMenu::tourStops() const
{
    QMainWindow *w = &m_window;
    std::vector<TourStop> stops;
    for (const auto &[part, key] : parts()) {
        if (!stops.empty() && stops.back().key == key) {
            // The canvas is its legend and its scroll area: one screen, one rectangle around both.
            auto first = stops.back().area;
            stops.back().area
                = [first, w, part = QPointer<QWidget>(part)] { return first().united(areaInWindow(w, part)); };
            continue;
        }
        stops.push_back({key, [w, part = QPointer<QWidget>(part)] {
                             if (auto *d = qobject_cast<QDockWidget *>(part.data()); d && !d->isFloating())
                                 return d->isVisible() ? d->geometry() : QRect();
                             return areaInWindow(w, part);
                         }});
    }
    stops.push_back({QStringLiteral("view.export"), [w] {
                         // Export lives in the File menu: point at it in the menu bar.
                         QMenuBar *bar = w->menuBar();
                         if (!bar->isVisible() || bar->actions().isEmpty())
                             return QRect();
                         return bar->actionGeometry(bar->actions().first()).translated(bar->pos());
                     }});
    return stops;
}

GuidedTour *HelpMenu::startTour()
{
    if (m_tour)
        m_tour->skip();
    // A dock tabbed behind another is brought to the front so the tour can point at it.
    for (const auto &[part, key] : parts()) {
        if (auto *d = qobject_cast<QDockWidget *>(part); d && d->isVisible())
            d->raise();
    }
    m_tour = new GuidedTour(&m_window, tourStops());
    return m_tour;
}

bool HelpMenu::showTourOnFirstRun(QSettings &settings)
{
    if (settings.value(tourShownKey(), false).toBool())
        return false;
    settings.setValue(tourShownKey(), true); // once: skipping it counts as seen
    QTimer::singleShot(0, this, &HelpMenu::startTour);
    return true;
}

GlossaryDialog *HelpMenu::openGlossary(const QString &key)
{
    if (!m_glossary)
        m_glossary = new GlossaryDialog(&m_window);
    if (!key.isEmpty())
        m_glossary->showEntry(key);
    m_glossary->show();
    m_glossary->raise();
    return m_glossary;
}

ShortcutsDialog *HelpMenu::openShortcuts()
{
    auto *dialog = new ShortcutsDialog(&m_window, &m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
}

AboutDialog *HelpMenu::openAbout()
{
    auto *dialog = new AboutDialog(m_model, &m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
}

QString HelpMenu::helpKeyFor(const QWidget *widget) const
{
    const auto all = parts();
    for (; widget; widget = widget->parentWidget()) {
        for (const auto &[part, key] : all) {
            if (part == widget)
                return key;
        }
    }
    return {};
}

void HelpMenu::showContextHelp()
{
    QWidget *under = QApplication::widgetAt(QCursor::pos());
    QString key = under && under->window() == &m_window ? helpKeyFor(under) : QString();
    if (key.isEmpty())
        key = helpKeyFor(QApplication::focusWidget());
    openGlossary(key);
}

} // namespace dlm
