#include "ui/help/guided_tour.h"

#include "ui/text/glossary_text.h"

#include <QEvent>
#include <QFrame>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QVBoxLayout>

namespace dlm {

namespace {

constexpr int kCardWidth = 340;
constexpr int kGap = 12;

} // namespace

QRect areaInWindow(const QWidget *window, const QWidget *widget)
{
    if (!window || !widget || !widget->isVisibleTo(window) || widget->visibleRegion().isEmpty())
        return {};
    return QRect(widget->mapTo(window, QPoint(0, 0)), widget->size());
}

GuidedTour::GuidedTour(QWidget *window, std::vector<TourStop> stops)
    : QWidget(window)
    , m_window(window)
    , m_stops(std::move(stops))
{
    setObjectName(QStringLiteral("guidedTour"));
    setAttribute(Qt::WA_DeleteOnClose);
    setFocusPolicy(Qt::StrongFocus);

    m_card = new QFrame(this);
    m_card->setObjectName(QStringLiteral("tourCard"));
    m_card->setAutoFillBackground(true);
    static_cast<QFrame *>(m_card)->setFrameShape(QFrame::StyledPanel);
    m_title = new QLabel;
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    m_title->setFont(titleFont);
    m_text = new QLabel;
    m_text->setWordWrap(true);
    m_counter = new QLabel;
    m_counter->setForegroundRole(QPalette::PlaceholderText);
    m_back = new QPushButton(tr("Back"));
    m_next = new QPushButton(tr("Next"));
    m_next->setDefault(true);
    m_skip = new QPushButton(tr("Skip tour"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_counter);
    buttons->addStretch(1);
    buttons->addWidget(m_skip);
    buttons->addWidget(m_back);
    buttons->addWidget(m_next);
    auto *layout = new QVBoxLayout(m_card);
    layout->addWidget(m_title);
    layout->addWidget(m_text);
    layout->addLayout(buttons);
    m_card->setFixedWidth(kCardWidth);

    connect(m_next, &QPushButton::clicked, this, &GuidedTour::next);
    connect(m_back, &QPushButton::clicked, this, &GuidedTour::back);
    connect(m_skip, &QPushButton::clicked, this, &GuidedTour::skip);
    window->installEventFilter(this);
    setGeometry(window->rect());
    show();
    raise();
    showStop(0);
    setFocus();
}

QString GuidedTour::currentKey() const
{
    return m_index >= 0 && m_index < stopCount() ? m_stops[static_cast<size_t>(m_index)].key : QString();
}

void GuidedTour::next()
{
    if (m_index + 1 >= stopCount())
        finish(true);
    else
        showStop(m_index + 1);
}

void GuidedTour::back()
{
    if (m_index > 0)
        showStop(m_index - 1);
}

void GuidedTour::skip()
{
    finish(false);
}

void GuidedTour::finish(bool completed)
{
    if (m_window)
        m_window->removeEventFilter(this);
    Q_EMIT finished(completed);
    close();
}

void GuidedTour::showStop(int index)
{
    if (m_stops.empty())
        return;
    m_index = std::clamp(index, 0, stopCount() - 1);
    const HelpEntry *entry = findHelpEntry(currentKey());
    m_title->setText(entry ? entry->title : currentKey());
    m_text->setText(entry ? entry->text : QString());
    m_counter->setText(tr("%1 of %2").arg(m_index + 1).arg(stopCount()));
    m_back->setEnabled(m_index > 0);
    m_next->setText(m_index + 1 == stopCount() ? tr("Finish") : tr("Next"));
    relayout();
}

void GuidedTour::relayout()
{
    if (!m_window)
        return;
    setGeometry(m_window->rect());
    const TourStop &stop = m_stops[static_cast<size_t>(m_index)];
    m_highlight = stop.area ? stop.area() : QRect();
    m_card->adjustSize();
    const QSize card = m_card->size();
    const QRect room = rect().adjusted(kGap, kGap, -kGap, -kGap);
    // Beside the part if there is room (right, left, below, above), else in the middle of the window.
    QPoint at = room.center() - QPoint(card.width() / 2, card.height() / 2);
    if (!m_highlight.isEmpty()) {
        const QRect h = m_highlight;
        const QPoint candidates[] = {{h.right() + kGap, h.top()}, {h.left() - kGap - card.width(), h.top()},
            {h.left(), h.bottom() + kGap}, {h.left(), h.top() - kGap - card.height()}};
        for (const QPoint &c : candidates) {
            QRect r(c, card);
            r.moveLeft(std::clamp(r.left(), room.left(), std::max(room.left(), room.right() - card.width())));
            r.moveTop(std::clamp(r.top(), room.top(), std::max(room.top(), room.bottom() - card.height())));
            if (!r.intersects(h)) {
                at = r.topLeft();
                break;
            }
        }
    }
    m_card->move(at);
    update();
}

bool GuidedTour::event(QEvent *event)
{
    // The window binds Esc and the arrows to playback; while the tour has the keyboard they move the tour.
    if (event->type() == QEvent::ShortcutOverride) {
        const int key = static_cast<QKeyEvent *>(event)->key();
        if (key == Qt::Key_Escape || key == Qt::Key_Left || key == Qt::Key_Right || key == Qt::Key_Return
            || key == Qt::Key_Enter) {
            event->accept();
            return true;
        }
    }
    return QWidget::event(event);
}

bool GuidedTour::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_window && (event->type() == QEvent::Resize || event->type() == QEvent::LayoutRequest))
        relayout();
    return QWidget::eventFilter(watched, event);
}

void GuidedTour::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Escape:
        skip();
        return;
    case Qt::Key_Right:
    case Qt::Key_Return:
    case Qt::Key_Enter:
        next();
        return;
    case Qt::Key_Left:
        back();
        return;
    default:
        QWidget::keyPressEvent(event);
    }
}

void GuidedTour::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    QPainterPath dim;
    dim.addRect(rect());
    if (!m_highlight.isEmpty()) {
        QPainterPath hole;
        hole.addRoundedRect(QRectF(m_highlight).adjusted(-3, -3, 3, 3), 6, 6);
        dim = dim.subtracted(hole);
    }
    p.fillPath(dim, QColor(0, 0, 0, 120));
    if (!m_highlight.isEmpty()) {
        p.setPen(QPen(QColor(0xE6, 0x9F, 0x00), 3)); // Okabe-Ito orange: visible on light and dark
        p.drawRoundedRect(QRectF(m_highlight).adjusted(-3, -3, 3, 3), 6, 6);
    }
}

} // namespace dlm
