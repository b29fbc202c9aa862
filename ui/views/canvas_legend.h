#pragma once
// The key to the canvas: the confidence colour bar and one sample chip per token state, painted by the same
// TokenChipPainter as the canvas so the two can never disagree.

#include "ui/figures/token_chip.h"

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

    /** Number of keys (the colour bar first, then one per chip). */
    int entryCount() const { return static_cast<int>(m_entries.size()) + 1; }
    /** Where key `i` is drawn, as last painted (empty before the first paint). */
    QRect entryRect(int i) const;
    /** The plain-words tooltip of key `i` (from ui/help's one table of help words). */
    QString entryToolTip(int i) const;
    /** The tooltip at `point`, empty between keys. */
    QString toolTipAt(const QPoint &point) const;

protected:
    bool event(QEvent *event) override;
    void changeEvent(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;

private:
    struct Entry
    {
        TokenChip chip;
        QString label;
        QString helpKey; ///< its entry in ui/text/glossary_text
        QRect rect; ///< chip and label, as last painted
    };
    /** Where each piece goes at `width`: the colour bar first, then one per entry (top-left corners). */
    std::vector<QPointF> placements(int width) const;
    /** Widths of the pieces placements() lays out, in the same order. */
    std::vector<qreal> pieceWidths() const;
    qreal rowHeight() const;

    std::vector<Entry> m_entries;
    QRect m_barRect; ///< title, colour bar and its 0/1, as last painted
    TokenChipPainter m_painter;
};

} // namespace dlm
