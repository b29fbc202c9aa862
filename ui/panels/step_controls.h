#pragma once
// The transport bar: Back, Forward, Step, Run/Pause, Stop, a slider over the records and where we are.

#include "ui/document/playback_controller.h"

#include <QToolBar>

class QComboBox;
class QLabel;
class QPushButton;
class QSlider;

namespace dlm {

/**
 * Shows a PlaybackState and turns clicks into requests; it changes nothing itself. A tool bar, so that in a
 * narrow window what does not fit goes behind the bar's extension button instead of widening the window.
 */
class StepControls : public QToolBar
{
    Q_OBJECT

public:
    explicit StepControls(QWidget *parent = nullptr);

    void setState(const PlaybackState &state);
    /** The position text, e.g. "step 3 / 128, masked 120". */
    QString positionText() const;
    QSlider *slider() const { return m_slider; }
    QComboBox *speedBox() const { return m_speed; }
    /** Records per second the Run button plays at; 0 = as fast as the engine computes. */
    double speed() const;
    void setSpeed(double recordsPerSecond);

Q_SIGNALS:
    void firstRequested();
    void lastRequested();
    void speedChanged(double recordsPerSecond);
    void backRequested();
    void forwardRequested();
    void stepRequested();
    void runToggled();
    void stopRequested();
    void indexRequested(int index);

protected:
    void changeEvent(QEvent *event) override;

private:
    /** Redraws the first/last glyphs in the current palette's colours. */
    void updateIcons();

    QPushButton *m_first = nullptr;
    QPushButton *m_last = nullptr;
    QComboBox *m_speed = nullptr;
    QPushButton *m_back = nullptr;
    QPushButton *m_forward = nullptr;
    QPushButton *m_step = nullptr;
    QPushButton *m_run = nullptr;
    QPushButton *m_stop = nullptr;
    QSlider *m_slider = nullptr;
    QLabel *m_position = nullptr;
};

} // namespace dlm
