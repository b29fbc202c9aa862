#include "ui/help/presentation_mode.h"

#include "ui/help/predict_reveal.h"
#include "ui/views/decision_chart.h"

#include <qcustomplot.h>

#include <QAction>
#include <QApplication>
#include <QBoxLayout>
#include <QCheckBox>
#include <QDockWidget>
#include <QKeyEvent>
#include <QLabel>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QStatusBar>

namespace dlm {

namespace {

QFont scaled(QFont font, double factor)
{
    if (font.pointSizeF() > 0)
        font.setPointSizeF(font.pointSizeF() * factor);
    else
        font.setPixelSize(qRound(font.pixelSize() * factor));
    return font;
}

/** Black on white, no greys for text: what survives a washed-out projector. */
QPalette highContrastPalette()
{
    QPalette p;
    const QColor white(Qt::white), black(Qt::black);
    for (QPalette::ColorGroup g : {QPalette::Active, QPalette::Inactive}) {
        p.setColor(g, QPalette::Window, white);
        p.setColor(g, QPalette::WindowText, black);
        p.setColor(g, QPalette::Base, white);
        p.setColor(g, QPalette::AlternateBase, QColor(0xF0, 0xF0, 0xF0));
        p.setColor(g, QPalette::Text, black);
        p.setColor(g, QPalette::Button, QColor(0xF4, 0xF4, 0xF4));
        p.setColor(g, QPalette::ButtonText, black);
        p.setColor(g, QPalette::Mid, QColor(0x40, 0x40, 0x40));
        p.setColor(g, QPalette::Dark, QColor(0x20, 0x20, 0x20));
        p.setColor(g, QPalette::Highlight, QColor(0x00, 0x72, 0xB2));
        p.setColor(g, QPalette::HighlightedText, white);
        p.setColor(g, QPalette::PlaceholderText, QColor(0x30, 0x30, 0x30));
        p.setColor(g, QPalette::ToolTipBase, white);
        p.setColor(g, QPalette::ToolTipText, black);
    }
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x70, 0x70, 0x70));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x70, 0x70, 0x70));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x70, 0x70, 0x70));
    return p;
}

} // namespace

PresentationMode::PresentationMode(QMainWindow &window, const PresentedViews &views)
    : QObject(&window)
    , m_window(window)
    , m_views(views)
{
}

PresentationMode *PresentationMode::install(QMainWindow &window, const PresentedViews &views)
{
    auto *mode = new PresentationMode(window, views);
    mode->m_action = new QAction(tr("&Present"), &window);
    mode->m_action->setObjectName(QStringLiteral("presentAction"));
    mode->m_action->setCheckable(true);
    mode->m_action->setShortcut(QKeySequence(Qt::Key_F5));
    mode->m_action->setToolTip(tr("Only the canvas, the decision chart and the step controls, large and high "
                                  "contrast, for a projector; Esc or F5 leaves"));
    window.addAction(mode->m_action); // the menu bar is hidden while presenting, its shortcuts with it
    connect(mode->m_action, &QAction::toggled, mode, &PresentationMode::setActive);
    mode->m_game = new PredictReveal(views, &window);
    mode->createBar();
    return mode;
}

void PresentationMode::createBar()
{
    m_bar = new QWidget;
    m_bar->setObjectName(QStringLiteral("presentationBar"));
    m_gameToggle = new QCheckBox(tr("Predict, then reveal"));
    m_gameToggle->setToolTip(tr("After each step, guess which positions it committed before the canvas shows it"));
    m_reveal = new QPushButton(tr("Reveal"));
    m_reveal->setEnabled(false);
    m_score = new QLabel;
    auto *layout = new QHBoxLayout(m_bar);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_gameToggle);
    layout->addWidget(m_reveal);
    layout->addWidget(m_score, 1);
    m_bar->hide();
    // Above the step controls, in the central area that presentation mode keeps.
    if (auto *box = qobject_cast<QBoxLayout *>(m_window.centralWidget()->layout()))
        box->insertWidget(0, m_bar);
    else
        m_bar->setParent(m_window.centralWidget());

    connect(m_gameToggle, &QCheckBox::toggled, m_game, &PredictReveal::setOn);
    connect(m_reveal, &QPushButton::clicked, m_game, &PredictReveal::reveal);
    connect(m_game, &PredictReveal::phaseChanged, m_reveal,
        [this](PredictReveal::Phase phase) { m_reveal->setEnabled(phase == PredictReveal::Phase::Guessing); });
    connect(m_game, &PredictReveal::scoreChanged, m_score, &QLabel::setText);
}

void PresentationMode::setActive(bool active)
{
    if (active)
        enter();
    else
        leave();
}

void PresentationMode::enter()
{
    if (m_active)
        return;
    m_active = true;
    m_state = m_window.saveState();
    m_geometry = m_window.geometry();
    m_windowState = m_window.windowState();
    m_menuBarVisible = m_window.menuBar()->isVisible();
    m_statusBarVisible = m_window.statusBar()->isVisible();
    m_hadOwnPalette = m_window.testAttribute(Qt::WA_SetPalette);
    m_palette = m_window.palette();
    QWidget *central = m_window.centralWidget();
    m_hadOwnCentralFont = central->testAttribute(Qt::WA_SetFont);
    m_centralFont = central->font();

    // Keep the menu bar's shortcuts (Space, arrows, Ctrl+Z...) working while it is hidden.
    // Walked through the menus, not found as children: some (Undo, Redo) belong to other objects.
    QList<QAction *> pending = m_window.menuBar()->actions();
    while (!pending.isEmpty()) {
        QAction *a = pending.takeLast();
        if (QMenu *menu = a->menu())
            pending += menu->actions();
        else if (!a->shortcut().isEmpty() && !m_window.actions().contains(a)) {
            m_window.addAction(a);
            m_liftedActions.emplace_back(a);
        }
    }
    QDockWidget *decisions = nullptr;
    for (QDockWidget *dock : m_window.findChildren<QDockWidget *>()) {
        if (dock->widget() == m_views.decisions)
            decisions = dock;
        else
            dock->hide();
    }
    if (decisions) {
        decisions->show();
        decisions->raise();
    }
    m_window.menuBar()->hide();
    m_window.statusBar()->hide();
    m_window.setPalette(highContrastPalette());
    central->setFont(scaled(m_centralFont, kFontScale));
    scalePlotFonts(m_views.decisions->plot());
    m_bar->show();
    if (m_fullScreen)
        m_window.setWindowState(m_window.windowState() | Qt::WindowFullScreen);
    qApp->installEventFilter(this);
    m_action->setChecked(true);
    Q_EMIT activeChanged(true);
}

void PresentationMode::leave()
{
    if (!m_active)
        return;
    m_active = false;
    qApp->removeEventFilter(this);
    m_game->setOn(false);
    m_gameToggle->setChecked(false);
    m_bar->hide();
    for (auto it = m_undoFonts.rbegin(); it != m_undoFonts.rend(); ++it)
        (*it)();
    m_undoFonts.clear();
    m_views.decisions->plot()->replot();
    QWidget *central = m_window.centralWidget();
    central->setFont(m_hadOwnCentralFont ? m_centralFont : QFont());
    m_window.setPalette(m_hadOwnPalette ? m_palette : QPalette());
    for (const QPointer<QAction> &a : m_liftedActions) {
        if (a)
            m_window.removeAction(a);
    }
    m_liftedActions.clear();
    m_window.menuBar()->setVisible(m_menuBarVisible);
    m_window.statusBar()->setVisible(m_statusBarVisible);
    m_window.setWindowState(m_windowState);
    // restoreGeometry() would place the frame where the client area was on some platforms: a normal window
    // gets its very rectangle back, a maximised one its state.
    if (!(m_windowState & (Qt::WindowMaximized | Qt::WindowFullScreen)))
        m_window.setGeometry(m_geometry);
    m_window.restoreState(m_state);
    m_action->setChecked(false);
    Q_EMIT activeChanged(false);
}

void PresentationMode::scalePlotFonts(QCustomPlot *plot)
{
    for (QCPAxisRect *rect : plot->axisRects()) {
        for (QCPAxis *axis : rect->axes()) {
            const QFont tick = axis->tickLabelFont(), label = axis->labelFont();
            axis->setTickLabelFont(scaled(tick, kFontScale));
            axis->setLabelFont(scaled(label, kFontScale));
            m_undoFonts.push_back([axis = QPointer<QCPAxis>(axis), tick, label] {
                if (axis) {
                    axis->setTickLabelFont(tick);
                    axis->setLabelFont(label);
                }
            });
        }
    }
    for (QCPLayoutElement *e : plot->plotLayout()->elements(true)) {
        if (auto *text = qobject_cast<QCPTextElement *>(e)) {
            const QFont f = text->font();
            text->setFont(scaled(f, kFontScale));
            m_undoFonts.push_back([text = QPointer<QCPTextElement>(text), f] {
                if (text)
                    text->setFont(f);
            });
        } else if (auto *legend = qobject_cast<QCPLegend *>(e)) {
            for (int i = 0; i < legend->itemCount(); ++i) {
                QCPAbstractLegendItem *item = legend->item(i);
                const QFont f = item->font();
                item->setFont(scaled(f, kFontScale));
                m_undoFonts.push_back([item = QPointer<QCPAbstractLegendItem>(item), f] {
                    if (item)
                        item->setFont(f);
                });
            }
        }
    }
    plot->replot();
}

bool PresentationMode::eventFilter(QObject *watched, QEvent *event)
{
    // Esc is the window's Stop shortcut; while presenting it leaves presentation instead. Claiming the key in
    // ShortcutOverride keeps the shortcut from firing, and the key press that follows leaves.
    if (event->type() == QEvent::ShortcutOverride || event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Escape && key->modifiers() == Qt::NoModifier) {
            if (event->type() == QEvent::ShortcutOverride) {
                event->accept();
                return true;
            }
            leave();
            return true;
        }
    }
    return QObject::eventFilter(watched, event);
}

} // namespace dlm
