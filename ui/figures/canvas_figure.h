#pragma once
// The sequence view of one record as a picture for figures and animations: a title line
// ("step N / M — K masked") over the token chips, laid out by the canvas rules (canvas_chips.h) and painted
// by the chip painter the window's canvas uses, from the timeline alone. QtGui only: it needs a
// QGuiApplication (fonts), no widget.

#include "core/timeline/timeline.h"
#include "ui/figures/token_chip.h"

#include <QFont>
#include <QHash>
#include <QRectF>
#include <QSize>
#include <QString>

#include <vector>

class QPainter;

namespace dlm {

/**
 * One branch of a timeline, drawn a record at a time into any QPainter (image, SVG, PDF). It keeps its own
 * copy of the timeline (records are shared, so that is cheap).
 */
class CanvasFigure
{
public:
    CanvasFigure(const Timeline &timeline, int branch);

    int recordCount() const;
    /** Shows record `index` of the branch (callers check the range). */
    void setRecord(int index);
    int record() const { return m_index; }
    /** "step 4 / 12 — 7 masked" (with ", edit" for an edit record). */
    QString title() const;
    /** The height the current record needs at `width`: the title line plus the wrapped chips. */
    int heightForWidth(int width) const;
    /** Paints the current record into (0, 0, size) on a white background. */
    void paint(QPainter *painter, const QSize &size) const;

private:
    int titleHeight() const;
    const QString &displayText(int32_t id) const;
    const QString &rawPiece(int32_t id) const;

    Timeline m_timeline;
    int m_branch = 0;
    TokenChipPainter m_painter;
    QFont m_titleFont;
    int m_plannedSteps = 0;
    int m_index = 0;
    std::vector<float> m_probabilities; ///< committed probabilities of record m_probabilitiesIndex
    int m_probabilitiesIndex = -2;
    std::vector<TokenChip> m_chips;
    std::vector<qreal> m_widths;
    mutable QHash<int32_t, QString> m_displayText; ///< pieces looked up once
    mutable QHash<int32_t, QString> m_rawPiece;
};

} // namespace dlm
