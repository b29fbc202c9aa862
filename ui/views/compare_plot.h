#pragma once
// The run plots of two branches overlaid on one record axis: how many positions were still masked after
// each record, and the mean p(candidate) of the tokens each record committed.

#include "core/timeline/timeline.h"

#include "ui/views/plot_view.h"

class QCPGraph;
class QCPItemStraightLine;

namespace dlm {

/** Branch A in solid lines and discs, branch B dashed with squares; a vertical line at the divergence. */
class ComparePlot : public PlotView
{
    Q_OBJECT

public:
    explicit ComparePlot(QWidget *parent = nullptr);

    /** Draws branches `a` and `b` of `timeline`; `divergence` is the record to mark (-1: none). */
    void setBranches(const Timeline &timeline, int a, int b, int divergence);
    void clear();

    /** Points of the masked-count graph of branch 0 (A) or 1 (B), for tests. */
    std::vector<double> maskedSeries(int which) const;

private:
    QCPGraph *m_masked[2] = {nullptr, nullptr};
    QCPGraph *m_confidence[2] = {nullptr, nullptr};
    QCPItemStraightLine *m_divergence = nullptr;
};

} // namespace dlm
