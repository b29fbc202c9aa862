#pragma once
// Two branches of a timeline (or two runs from the same prompt) compared position by position: which
// positions differ, where the two histories first part, and the per-record series their run plots overlay.
// No Qt and no tensors, so the compare view, the CLI and tests share one definition of "differs".

#include "core/timeline/timeline.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dlm {

/** One canvas position in both runs. */
struct PositionDiff
{
    int position = 0;
    int32_t tokenA = -1, tokenB = -1; ///< -1 where that run's canvas is shorter
    PositionState stateA = PositionState::Masked, stateB = PositionState::Masked;
    bool differs = false; ///< the tokens differ (a position only one canvas has differs too)
};

/** Where two histories first part: the first record index at which their canvases differ. */
struct Divergence
{
    bool found = false;
    int record = -1; ///< record index (the same on both branches)
    int denoiseStep = -1; ///< branch A's denoising step at that record
    int position = -1; ///< the leftmost position that differs there
};

/** The comparison of record `indexA` of branch A with record `indexB` of branch B. */
struct TimelineDiff
{
    int branchA = 0, branchB = 0;
    int indexA = 0, indexB = 0;
    std::vector<PositionDiff> positions; ///< one per position of the longer canvas
    std::vector<int> differing; ///< positions whose tokens differ, ascending
    Divergence divergence;
    /// Settings that differ between the branches, one "name: a vs b" line each (empty when equal).
    std::vector<std::string> settingsDifferences;
};

/**
 * Compares record `indexA` of `branchA` with record `indexB` of `branchB` (-1: each branch's last record),
 * and finds the first record index where the canvases of the two branches differ. Throws std::out_of_range
 * for a branch or record that does not exist (a programmer error: callers pass ids from the timeline).
 */
TimelineDiff diffBranches(const Timeline &timeline, int branchA, int branchB, int indexA = -1, int indexB = -1);

/** The first record index at which the two record lists' canvases differ, compared index by index. */
Divergence firstDivergence(const Branch &a, const Branch &b);

/** "name: a vs b" for each setting that differs. */
std::vector<std::string> settingsDifferences(const GenerationSettings &a, const GenerationSettings &b);

/** Per-record series of one branch, as the run plots draw them. */
struct RunSeries
{
    std::vector<double> masked; ///< positions holding the mask after each record
    std::vector<double> committed; ///< positions committed by each record
    std::vector<double> meanConfidence; ///< mean p(candidate) of those positions; NaN where none
};
RunSeries runSeries(const Branch &branch, int32_t maskId);

} // namespace dlm
