#pragma once
// A scroll area for a side panel: it scrolls vertically only and is never narrower than its content's
// minimum, so a short dock scrolls the form instead of squeezing its rows, and a narrow one cannot clip the
// fields on the right.

#include <QScrollArea>

namespace dlm {

/** Vertical-only scrolling with the content's minimum width (plus the scroll bar) as its own. */
class PanelScrollArea : public QScrollArea
{
    Q_OBJECT

public:
    explicit PanelScrollArea(QWidget *parent = nullptr);

    QSize minimumSizeHint() const override;
    QSize sizeHint() const override;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
};

} // namespace dlm
