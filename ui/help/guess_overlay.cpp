#include "ui/help/guess_overlay.h"

#include "ui/views/canvas_view.h"
#include "ui/figures/color_maps.h"

#include <QEvent>
#include <QPainter>

namespace dlm {

GuessOverlay::GuessOverlay(CanvasView *canvas)
    : QWidget(canvas)
    , m_canvas(canvas)
{
    setObjectName(QStringLiteral("guessOverlay"));
    setAttribute(Qt::WA_TransparentForMouseEvents); // clicks reach the canvas, which reports the position
    setAttribute(Qt::WA_NoSystemBackground);
    setGeometry(canvas->rect());
    canvas->installEventFilter(this);
    show();
}

void GuessOverlay::showGuesses(const QSet<int> &guesses)
{
    m_guesses = guesses;
    m_hits.clear();
    m_misses.clear();
    m_wrong.clear();
    update();
}

void GuessOverlay::showResult(const QSet<int> &hits, const QSet<int> &misses, const QSet<int> &wrong)
{
    m_guesses.clear();
    m_hits = hits;
    m_misses = misses;
    m_wrong = wrong;
    update();
}

void GuessOverlay::clearMarks()
{
    showResult({}, {}, {});
}

bool GuessOverlay::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_canvas && event->type() == QEvent::Resize) {
        setGeometry(m_canvas->rect());
        raise();
    }
    return QWidget::eventFilter(watched, event);
}

void GuessOverlay::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    auto ring = [&](int pos, const QColor &color, Qt::PenStyle style) {
        const QRectF r = m_canvas->chipRect(pos);
        if (r.isEmpty())
            return QRectF();
        p.setPen(QPen(color, 3, style));
        p.setBrush(Qt::NoBrush);
        p.drawRoundedRect(r.adjusted(-3, -3, 3, 3), 5, 5);
        return r;
    };
    // Shapes as well as colours: a solid ring with a tick, a dashed ring, a cross (never colour alone).
    for (int pos : m_guesses)
        ring(pos, colors::kOkabeBlue, Qt::SolidLine);
    for (int pos : m_hits) {
        const QRectF r = ring(pos, colors::kOkabeGreen, Qt::SolidLine);
        if (!r.isEmpty()) {
            p.drawLine(QPointF(r.right() - 9, r.top() + 1), QPointF(r.right() - 5, r.top() + 5));
            p.drawLine(QPointF(r.right() - 5, r.top() + 5), QPointF(r.right() + 2, r.top() - 4));
        }
    }
    for (int pos : m_misses)
        ring(pos, colors::kOkabeOrange, Qt::DashLine);
    for (int pos : m_wrong) {
        const QRectF r = ring(pos, colors::kOkabeVermillion, Qt::SolidLine);
        if (!r.isEmpty()) {
            p.drawLine(r.topLeft(), r.bottomRight());
            p.drawLine(r.topRight(), r.bottomLeft());
        }
    }
}

} // namespace dlm
