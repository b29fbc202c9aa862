#include "ui/panels/panel_scroll_area.h"

#include <QEvent>
#include <QScrollBar>
#include <QStyle>

#include <algorithm>

namespace dlm {

PanelScrollArea::PanelScrollArea(QWidget *parent)
    : QScrollArea(parent)
{
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
}

QSize PanelScrollArea::minimumSizeHint() const
{
    const QWidget *content = widget();
    const int scrollBar = style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, this);
    const int contentWidth = content ? content->minimumSizeHint().expandedTo(content->minimumSize()).width() : 0;
    // A few lines of height: the rest scrolls.
    return {contentWidth + scrollBar + 2 * frameWidth(), 4 * fontMetrics().height()};
}

QSize PanelScrollArea::sizeHint() const
{
    const QWidget *content = widget();
    const QSize hint = QScrollArea::sizeHint();
    return content ? QSize(std::max(hint.width(), minimumSizeHint().width()), hint.height()) : hint;
}

bool PanelScrollArea::eventFilter(QObject *watched, QEvent *event)
{
    // QScrollArea filters its content's events. The content's minimum changes when rows appear (Advanced, a
    // warning): the dock must follow it.
    if (watched == widget() && event->type() == QEvent::LayoutRequest)
        updateGeometry();
    return QScrollArea::eventFilter(watched, event);
}

} // namespace dlm
