#pragma once
// The key to the canvas: the confidence colour bar and one sample chip per token state, painted by the same
// TokenChipPainter as the canvas so the two can never disagree.

#include "ui/views/token_chip.h"

#include <QWidget>

#include <vector>

namespace dlm {

/** A one-line legend strip for CanvasView. */
class CanvasLegend : public QWidget
{
    Q_OBJECT

public:
    explicit CanvasLegend(QWidget *parent = nullptr);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void changeEvent(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;

private:
    struct Entry
    {
        TokenChip chip;
        QString label;
    };
    std::vector<Entry> m_entries;
    TokenChipPainter m_painter;
};

} // namespace dlm
