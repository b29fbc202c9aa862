#pragma once
// The key to the canvas: the confidence colour bar and one sample chip per token state, painted by the same
// TokenChipPainter as the canvas so the two can never disagree.

#include "ui/views/token_chip.h"

#include <QWidget>

#include <vector>

namespace dlm {

/** A legend strip for CanvasView: one line when the window is wide, wrapped onto more when it is not. */
class CanvasLegend : public QWidget
{
    Q_OBJECT

public:
    explicit CanvasLegend(QWidget *parent = nullptr);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;

protected:
    void changeEvent(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;

private:
    struct Entry
    {
        TokenChip chip;
        QString label;
    };
    /** Where each piece goes at `width`: the colour bar first, then one per entry (top-left corners). */
    std::vector<QPointF> placements(int width) const;
    /** Widths of the pieces placements() lays out, in the same order. */
    std::vector<qreal> pieceWidths() const;
    qreal rowHeight() const;

    std::vector<Entry> m_entries;
    TokenChipPainter m_painter;
};

} // namespace dlm
