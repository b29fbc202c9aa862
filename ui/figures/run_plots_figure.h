#pragma once
// The run at a glance as a figure: three stacked charts over the same record axis (masked positions after
// each record, tokens each record committed, their mean confidence, broken where none was committed), with
// the chosen record marked by a line through all three. Drawn with QPainter from the timeline alone, in the
// run plots' colours.

#include "core/timeline/timeline.h"

#include <QSize>

#include <vector>

class QPainter;

namespace dlm {

class RunPlotsFigure
{
public:
    /** Branch `branch` of `timeline` with record `record` marked (-1: none). */
    RunPlotsFigure(const Timeline &timeline, int branch, int record);

    /** The series, one value per record (mean confidence NaN where nothing was committed). */
    const std::vector<double> &masked() const { return m_masked; }
    const std::vector<double> &committed() const { return m_committed; }
    const std::vector<double> &meanConfidence() const { return m_meanConfidence; }

    void paint(QPainter *painter, const QSize &size) const;

private:
    std::vector<double> m_masked;
    std::vector<double> m_committed;
    std::vector<double> m_meanConfidence;
    int m_record = -1;
};

} // namespace dlm
