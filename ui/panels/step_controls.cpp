#include "ui/panels/step_controls.h"

#include "ui/panels/transport_icons.h"
#include "ui/panels/wheel_guard.h"

#include <QComboBox>
#include <QEvent>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QStyle>

#include <algorithm>

namespace dlm {

namespace {

QPushButton *button(const QString &text, const QString &tip)
{
    auto *b = new QPushButton(text);
    b->setToolTip(tip);
    // Space and the arrows are playback shortcuts; a focused button must not swallow them.
    b->setFocusPolicy(Qt::NoFocus);
    return b;
}

} // namespace

StepControls::StepControls(QWidget *parent)
    : QToolBar(tr("Playback"), parent)
{
    setObjectName(QStringLiteral("playbackBar")); // saveState() identifies tool bars by object name
    setMovable(false);
    // Drawn icons: the skip glyphs (U+23EE/U+23ED) are missing from many desktop fonts, and the style's
    // pictures do not follow a dark palette.
    m_first = button(QString(), tr("First record: the canvas before any step (Home)"));
    m_first->setAccessibleName(tr("First record"));
    m_last = button(QString(), tr("Last record computed on this branch (End)"));
    m_last->setAccessibleName(tr("Last record"));
    updateIcons();
    m_speed = new QComboBox;
    m_speed->setFocusPolicy(Qt::NoFocus);
    // As wide as its longest entry: a squeezed box would read "max sp".
    m_speed->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_speed->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    // It never has focus, so the wheel never changes the speed: only a click and a choice do.
    installWheelGuard(m_speed);
    m_speed->setToolTip(tr("How fast Run plays: records per second, or as fast as the model computes"));
    m_speed->addItem(tr("max speed"), 0.0);
    for (double v : {30.0, 10.0, 5.0, 2.0, 1.0, 0.5})
        m_speed->addItem(tr("%1 / s").arg(v), v);
    m_back = button(tr("◀ Back"), tr("Previous record (Left)"));
    m_forward = button(tr("Forward ▶"), tr("Next record in history"));
    m_step = button(tr("Step"), tr("One denoising step, or the next record in history (Right)"));
    m_run = button(tr("Run"), tr("Run to the end of the generation (Space)"));
    m_stop = button(tr("Stop"), tr("Stop the run or the step in progress, within one layer of the model (Esc)"));
    m_slider = new QSlider(Qt::Horizontal);
    m_slider->setToolTip(tr("Records of this run (Home / End for the first and the last)"));
    m_slider->setFocusPolicy(Qt::NoFocus);
    m_slider->setMinimumWidth(120);
    m_position = new QLabel;
    m_position->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Wide enough for "step 1000 / 1000, masked 1000" so the slider does not jump as the text changes.
    m_position->setMinimumWidth(
        m_position->fontMetrics().horizontalAdvance(QStringLiteral("step 0000 / 0000, masked 0000")) + 16);

    m_position->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Preferred);
    // The label keeps its distance from the slider, so the handle at the end never sits on the text.
    m_position->setContentsMargins(12, 0, 4, 0);
    m_slider->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);

    // In order of importance: a narrow window moves the last ones behind the extension button first.
    const QList<QWidget *> order
        = {m_first, m_back, m_forward, m_step, m_run, m_stop, m_last, m_slider, m_position, m_speed};
    for (QWidget *w : order)
        addWidget(w);

    connect(m_first, &QPushButton::clicked, this, &StepControls::firstRequested);
    connect(m_last, &QPushButton::clicked, this, &StepControls::lastRequested);
    connect(m_speed, &QComboBox::currentIndexChanged, this, [this] { Q_EMIT speedChanged(speed()); });
    connect(m_back, &QPushButton::clicked, this, &StepControls::backRequested);
    connect(m_forward, &QPushButton::clicked, this, &StepControls::forwardRequested);
    connect(m_step, &QPushButton::clicked, this, &StepControls::stepRequested);
    connect(m_run, &QPushButton::clicked, this, &StepControls::runToggled);
    connect(m_stop, &QPushButton::clicked, this, &StepControls::stopRequested);
    connect(m_slider, &QSlider::valueChanged, this, &StepControls::indexRequested);

    setState(PlaybackState {});
}

double StepControls::speed() const
{
    return m_speed->currentData().toDouble();
}

void StepControls::setSpeed(double recordsPerSecond)
{
    int best = 0;
    for (int i = 0; i < m_speed->count(); ++i) {
        if (qFuzzyCompare(1.0 + m_speed->itemData(i).toDouble(), 1.0 + recordsPerSecond))
            best = i;
    }
    m_speed->setCurrentIndex(best);
}

void StepControls::setState(const PlaybackState &s)
{
    m_first->setEnabled(s.canBack);
    m_last->setEnabled(s.canForward);
    m_back->setEnabled(s.canBack);
    m_forward->setEnabled(s.canForward);
    m_step->setEnabled(s.canStep && !s.running);
    m_run->setEnabled(s.running || s.canStep);
    m_run->setText(s.running ? tr("Pause") : tr("Run"));
    m_stop->setEnabled(s.running || s.computing);
    {
        // Programmatic moves must not echo back as requests.
        const QSignalBlocker blocker(m_slider);
        m_slider->setRange(0, std::max(0, s.count - 1));
        m_slider->setValue(s.index);
    }
    m_slider->setEnabled(s.active && s.count > 1);
    if (!s.active) {
        m_position->setText(tr("no session"));
        return;
    }
    const QString planned = s.plannedSteps > 0 ? QString::number(s.plannedSteps) : QStringLiteral("?");
    m_position->setText(tr("step %1 / %2, masked %3").arg(s.denoiseStep).arg(planned).arg(s.masked));
    m_position->setToolTip(tr("record %1 of %2").arg(s.index).arg(s.count - 1));
}

void StepControls::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange)
        updateIcons();
    QToolBar::changeEvent(event);
}

void StepControls::updateIcons()
{
    const int size = style()->pixelMetric(QStyle::PM_ButtonIconSize, nullptr, this);
    m_first->setIcon(transportIcon(TransportGlyph::SkipToFirst, palette(), size));
    m_last->setIcon(transportIcon(TransportGlyph::SkipToLast, palette(), size));
}

QString StepControls::positionText() const
{
    return m_position->text();
}

} // namespace dlm
