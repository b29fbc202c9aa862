#pragma once
// Presentation mode (F5 or View > Present; Esc or F5 leaves): for a projector, only the canvas, the decision
// chart and the step controls, larger fonts and high contrast, with a bar for the "predict, then reveal"
// game. Leaving restores the window exactly as it was (dock layout, geometry, fonts, palette, bars).

#include "ui/help/predict_reveal.h"

#include <QByteArray>
#include <QFont>
#include <QObject>
#include <QPalette>
#include <QPointer>
#include <QRect>

#include <functional>
#include <vector>

class QAction;
class QCheckBox;
class QCustomPlot;
class QLabel;
class QMainWindow;
class QPushButton;
class QWidget;

namespace dlm {

/** Owns the Present action and the state to restore; created by install(). */
class PresentationMode : public QObject
{
    Q_OBJECT

public:
    /** How much larger text gets. */
    static constexpr double kFontScale = 1.6;

    /**
     * Creates the Present action (F5, also on `window` so it works with the menu bar hidden); presenting
     * keeps `views.decisions`' dock and the central area, where the game's bar goes. Owned by `window`.
     */
    static PresentationMode *install(QMainWindow &window, const PresentedViews &views);

    /** View > Present: checkable, F5. */
    QAction *action() const { return m_action; }
    bool isActive() const { return m_active; }
    /** Whether entering also makes the window full screen (on by default; screenshots turn it off). */
    void setFullScreen(bool on) { m_fullScreen = on; }
    PredictReveal *game() const { return m_game; }
    /** The bar above the canvas shown while presenting: the game's toggle, Reveal and the score. */
    QWidget *bar() const { return m_bar; }
    QCheckBox *gameToggle() const { return m_gameToggle; }
    QPushButton *revealButton() const { return m_reveal; }

public Q_SLOTS:
    void enter();
    void leave();
    void setActive(bool active);

Q_SIGNALS:
    void activeChanged(bool active);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    PresentationMode(QMainWindow &window, const PresentedViews &views);
    void createBar();
    /** Scales every font of `plot`'s axes, legend and titles, remembering how to undo it. */
    void scalePlotFonts(QCustomPlot *plot);

    QMainWindow &m_window;
    PresentedViews m_views;
    QAction *m_action = nullptr;
    bool m_active = false;
    bool m_fullScreen = true;
    PredictReveal *m_game = nullptr;
    QWidget *m_bar = nullptr;
    QCheckBox *m_gameToggle = nullptr;
    QPushButton *m_reveal = nullptr;
    QLabel *m_score = nullptr;

    // What leave() puts back.
    QByteArray m_state;
    QRect m_geometry;
    Qt::WindowStates m_windowState;
    bool m_menuBarVisible = true;
    bool m_statusBarVisible = true;
    QPalette m_palette;
    bool m_hadOwnPalette = false;
    QFont m_centralFont;
    bool m_hadOwnCentralFont = false;
    std::vector<QPointer<QAction>> m_liftedActions; ///< menu actions added to the window while the bar is hidden
    std::vector<std::function<void()>> m_undoFonts;
};

} // namespace dlm
