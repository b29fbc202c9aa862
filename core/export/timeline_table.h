#pragma once
// The sequence at chosen records of one branch as a Markdown or LaTeX table, for handouts and papers.
//
// One row per chosen record: the record index ("4 (edit)" for an edit record), how many positions of the
// shown region are masked, and the text of the region. The region is the generation area: from the first
// position that is not part of the prompt in the branch's first record (for infilling prompts, the first
// prompt mask) to the end of the canvas. Masks are drawn as "▒" (Markdown) or "\texttt{[M]}" (LaTeX), one
// per position; tokens committed in that record's step are bold. A caption names the prompt, the branch, the
// model and the settings. Token text comes from the timeline's pieces as sequenceText() spells them (piece_text.h,
// the same text the app shows) and is escaped for the format, so a piece can never break the table or inject markup.

#include "core/export/export_util.h"
#include "core/base/result.h"
#include "core/timeline/timeline.h"

#include <string>
#include <vector>

namespace dlm {

enum class TableFormat { Markdown, Latex };

struct TableExportOptions
{
    int branch = 0; ///< the branch whose records are shown
    std::vector<int> records; ///< record indices, one row each in this order; empty = every record
};

/** The table text. Fails with a message on a branch or record that does not exist. */
Result<std::string> timelineTable(const Timeline &timeline, TableFormat format, const TableExportOptions &options = {});

/** Escapes text for a Markdown table cell: ASCII punctuation that has a meaning gets a backslash. */
std::string markdownEscape(const std::string &text);
/** Escapes text for LaTeX running text: # $ % & _ { } ~ ^ \ and < > |. */
std::string latexEscape(const std::string &text);

} // namespace dlm
