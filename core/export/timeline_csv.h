#pragma once
// A timeline as CSV for pandas or a spreadsheet: one row per (branch, record, position).
//
// Columns, in this order (docs/exports.md describes each):
//   branch, record, denoise_step, block, kind, position, token_id, piece, state, locked,
//   candidate_id, candidate_piece, confidence, probability, margin, entropy, text, candidate_text
// (the two text columns last, so scripts that read the older columns by position keep working).
// Cells the record does not have are left empty: the candidate columns and the four numbers where the
// sampler did not consider the position that step (prompt, committed, right of the block, edit records),
// and NaN values. Infinities are written "inf" / "-inf". Floats are the shortest decimal that reads back
// as the recorded float. Text cells are quoted when they hold a comma, a quote or a line break, with
// quotes doubled (RFC 4180); lines end in "\n".
//
// Forked branches share their parent's records up to the fork point. Exporting every branch writes each
// record once, under the branch that first holds it (the lowest branch id, which is where it was made), so
// a fork's rows start after its fork index and no step is counted twice in an aggregate. Exporting one
// branch writes its whole history, shared records included, labelled with that branch.

#include "core/export/export_util.h"
#include "core/base/result.h"
#include "core/timeline/timeline.h"

#include <string>
#include <vector>

namespace dlm {

struct CsvExportOptions
{
    int branch = kAllBranches; ///< one branch id, or kAllBranches
    std::vector<int> records; ///< record indices to write (per branch); empty = all
};

/** The CSV text, header line first. Fails with a message on a branch or record that does not exist. */
Result<std::string> timelineToCsv(const Timeline &timeline, const CsvExportOptions &options = {});

/** One CSV cell: quoted (quotes doubled) when it holds a comma, a quote, CR or LF; else as is. */
std::string csvField(const std::string &text);

} // namespace dlm
