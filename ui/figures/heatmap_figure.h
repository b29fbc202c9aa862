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

class HeatmapFigure
{
public:
    /** Branch `branch` of `timeline` with record `record` outlined (-1: none). */
    HeatmapFigure(const Timeline &timeline, int branch, int record);

    int recordCount() const { return static_cast<int>(m_records.size()); }
    /** The first canvas position shown (the top row) and one past the last. */
    int firstPosition() const { return m_firstPosition; }
    int endPosition() const { return m_endPosition; }
    /** The confidence of a cell; NaN where the record made no prediction or off the map. */
    double valueAt(int recordIndex, int position) const;
    /** The colour scale's range: [0, 1], or what the run produced for the entropy. */
    std::pair<double, double> dataRange() const { return {m_lower, m_upper}; }
    /** Positions where a block starts (a dashed line above each). */
    const std::vector<int> &blockStarts() const { return m_blockStarts; }

    void paint(QPainter *painter, const QSize &size) const;

private:
    std::vector<std::shared_ptr<const StepRecord>> m_records;
    GenerationSettings m_settings;
    int m_record = -1;
    int m_firstPosition = 0;
    int m_endPosition = 0;
    std::vector<double> m_values; ///< records x rows, NaN blank
    std::vector<std::pair<int, int>> m_commits; ///< (record, position)
    std::vector<int> m_blockStarts;
    double m_lower = 0.0;
    double m_upper = 1.0;
};

} // namespace dlm
