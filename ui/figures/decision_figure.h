#pragma once
// The remasking decision of one record as a figure: the confidences of every position the sampler
// considered, sorted as bars (committed solid, sent back hatched, locked cross-hatched: colour is never the
// only cue), the sampler's cut (quota after the k-th bar, or the threshold tau across), a one-line summary
// above and a legend below. Drawn with QPainter from the timeline alone, in the decision chart's colours.

#include "core/timeline/timeline.h"

#include <QSize>
#include <QString>

#include <vector>

class QPainter;

namespace dlm {

/** What one record's sampler decided, as the chart shows it. */
struct RemaskDecision
{
    enum class Fate { Committed, Remasked, Kept };
    enum class CutMode { None, Quota, Threshold };

    struct Bar
    {
        int position = 0;
        int32_t candidate = -1;
        double confidence = 0.0;
        double probability = 0.0; ///< p(candidate); NaN when the record has none
        Fate fate = Fate::Remasked;
    };

    std::vector<Bar> bars; ///< most confident first; ties in canvas order
    CutMode cutMode = CutMode::None;
    int quota = -1; ///< bars left of the cut (quota mode; Dream's k)
    double threshold = 0.0; ///< tau (threshold mode)
    bool dream = false; ///< Dream's sampler: the cut is "k = N"
    QString summary; ///< "Step 5, block 1: 2 of 8 committed (quota 2)", or why there is no decision
    ConfidenceMeasure measure = ConfidenceMeasure::LowConfidence; ///< what the bars' values are

    int count(Fate fate) const;
};

/** The decision of record `record` (-1: none) of branch `branch`. */
RemaskDecision remaskDecision(const Timeline &timeline, int branch, int record);
/**
 * The decision of `record` (null: none), record `index` of a branch generated with `settings`: what the
 * decision chart shows of the record it follows.
 */
RemaskDecision remaskDecision(const StepRecord *record, int index, const GenerationSettings &settings);

class DecisionFigure
{
public:
    DecisionFigure(const Timeline &timeline, int branch, int record);

    const RemaskDecision &decision() const { return m_decision; }
    void paint(QPainter *painter, const QSize &size) const;

private:
    RemaskDecision m_decision;
};

} // namespace dlm
