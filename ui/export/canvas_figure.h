#pragma once
// The sequence view of one record as a picture for figures and animations: a title line
// ("step N / M — K masked") over the token chips, laid out and painted by the same CanvasView the window
// shows, so an exported figure looks exactly like the app.

#include "core/timeline/timeline.h"

#include <QFont>
#include <QPalette>
#include <QSize>
#include <QString>

#include <memory>

class QPainter;

namespace dlm {

class CanvasView;
class TimelineDocument;

/** The palette figures are drawn with: dark on white whatever theme the window uses, since figures are
 *  printed and projected. */
QPalette figurePalette();

/**
 * One branch of a timeline, drawn a record at a time into any QPainter (image, SVG, PDF). It keeps its own
 * copy of the timeline (records are shared, so that is cheap) and works offscreen; it needs a
 * QApplication because the chips are a widget.
 */
class CanvasFigure
{
public:
    CanvasFigure(const Timeline &timeline, int branch);
    ~CanvasFigure();
    CanvasFigure(const CanvasFigure &) = delete;
    CanvasFigure &operator=(const CanvasFigure &) = delete;

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

    std::unique_ptr<TimelineDocument> m_document;
    std::unique_ptr<CanvasView> m_view;
    QFont m_titleFont;
    int m_plannedSteps = 0;
    int m_index = 0;
    std::vector<float> m_probabilities; ///< committedProbabilities() of record m_probabilitiesIndex
    int m_probabilitiesIndex = -2;
};

} // namespace dlm
