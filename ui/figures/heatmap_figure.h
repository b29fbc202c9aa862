#pragma once
// The confidence heatmap as a figure: positions x records coloured by the confidence the model had in each
// position's candidate (viridis; blank where a record made no prediction), commits marked, block boundaries
// dashed, the chosen record outlined, a colour bar and a legend. Drawn with QPainter from the timeline alone,
// in the heatmap view's colours and marks.

#include "core/timeline/timeline.h"

#include <QSize>

#include <utility>
#include <vector>

class QPainter;

namespace dlm {

/**
 * What the heatmap shows of a branch, apart from any drawing: the rows (canvas positions from the first that
 * ever was a mask), each record's confidences, the commits and where blocks start. The figure and HeatmapView
 * both draw it.
 */
struct HeatmapCells
{
    int recordCount = 0;
    int firstPosition = 0; ///< the top row
    int endPosition = 0; ///< one past the last row
    std::vector<double> values; ///< records x rows, NaN blank
    std::vector<std::pair<int, int>> commits; ///< (record, position)
    std::vector<int> blockStarts; ///< positions where a block starts (a line above each)
    double lowest = 0.0; ///< smallest and largest value; both NaN when there is none
    double highest = 0.0;

    int rows() const { return endPosition - firstPosition; }
    bool anyValue() const { return lowest <= highest; }
    /** The confidence of a cell; NaN where the record made no prediction or off the map. */
    double valueAt(int recordIndex, int position) const;
};

/** The cells of `records`, a branch generated with `settings` after a prompt of `promptLength` tokens. */
HeatmapCells heatmapCells(const std::vector<std::shared_ptr<const StepRecord>> &records, int promptLength,
    const GenerationSettings &settings);

class HeatmapFigure
{
public:
    /** Branch `branch` of `timeline` with record `record` outlined (-1: none). */
    HeatmapFigure(const Timeline &timeline, int branch, int record);

    int recordCount() const { return m_cells.recordCount; }
    /** The first canvas position shown (the top row) and one past the last. */
    int firstPosition() const { return m_cells.firstPosition; }
    int endPosition() const { return m_cells.endPosition; }
    /** The confidence of a cell; NaN where the record made no prediction or off the map. */
    double valueAt(int recordIndex, int position) const { return m_cells.valueAt(recordIndex, position); }
    /** The colour scale's range: [0, 1], or what the run produced for the entropy. */
    std::pair<double, double> dataRange() const { return {m_lower, m_upper}; }
    /** Positions where a block starts (a dashed line above each). */
    const std::vector<int> &blockStarts() const { return m_cells.blockStarts; }

    void paint(QPainter *painter, const QSize &size) const;

private:
    GenerationSettings m_settings;
    int m_record = -1;
    HeatmapCells m_cells;
    double m_lower = 0.0;
    double m_upper = 1.0;
};

} // namespace dlm
