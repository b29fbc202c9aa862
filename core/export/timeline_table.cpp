#include "core/export/timeline_table.h"

#include "core/text/piece_text.h"

#include <algorithm>
#include <cstring>

namespace dlm {

namespace {

/** A run of the region drawn one way: plain text, masks, or this step's commits. */
struct Run
{
    enum class Kind { Plain, Mask, New };
    Kind kind = Kind::Plain;
    std::string text; ///< the pieces as text, unescaped; for masks empty (count holds the number)
    int count = 0;
};

/** The first position of the region a table shows (see the header). */
int regionStart(const Timeline &timeline, const Branch &branch)
{
    const StepRecord &first = branch.at(0);
    for (int pos = 0; pos < first.length(); ++pos) {
        if (stateAt(first, pos) != PositionState::Prompt)
            return pos;
    }
    return std::min(static_cast<int>(timeline.promptIds.size()), first.length());
}

std::vector<Run> regionRuns(const Timeline &timeline, const StepRecord &r, int start, int *masks)
{
    // The region's text is made in one go, so byte pieces that together spell a character become it.
    std::vector<std::string> pieces;
    for (int pos = start; pos < r.length(); ++pos)
        pieces.push_back(
            isMaskState(stateAt(r, pos)) ? std::string() : timeline.pieceOf(r.tokens[static_cast<size_t>(pos)]));
    const std::vector<std::string> texts = sequenceTexts(pieces);
    std::vector<Run> runs;
    *masks = 0;
    for (int pos = start; pos < r.length(); ++pos) {
        const PositionState s = stateAt(r, pos);
        const Run::Kind kind = isMaskState(s)       ? Run::Kind::Mask
            : s == PositionState::CommittedThisStep ? Run::Kind::New
                                                    : Run::Kind::Plain;
        if (runs.empty() || runs.back().kind != kind)
            runs.push_back({kind, {}, 0});
        Run &run = runs.back();
        ++run.count;
        const size_t at = static_cast<size_t>(pos - start);
        if (kind == Run::Kind::Mask)
            ++*masks;
        else if (pieces[at].empty())
            run.text += "#" + std::to_string(r.tokens[static_cast<size_t>(pos)]); // an id the file has no piece for
        else
            run.text += texts[at];
    }
    return runs;
}

struct Style
{
    std::string (*escape)(const std::string &);
    const char *mask;
    const char *boldOpen;
    const char *boldClose;
};

/** Emphasis markers must hug the text (Markdown ignores "** word**"), so spaces move outside them. */
std::string emphasised(const std::string &text, const Style &style)
{
    const size_t first = text.find_first_not_of(' ');
    if (first == std::string::npos)
        return style.escape(text);
    const size_t last = text.find_last_not_of(' ');
    return style.escape(text.substr(0, first)) + style.boldOpen + style.escape(text.substr(first, last - first + 1))
        + style.boldClose + style.escape(text.substr(last + 1));
}

std::string renderRuns(const std::vector<Run> &runs, const Style &style)
{
    std::string out;
    for (const Run &run : runs) {
        if (run.kind == Run::Kind::Mask) {
            for (int i = 0; i < run.count; ++i)
                out += style.mask;
        } else if (run.kind == Run::Kind::New) {
            out += emphasised(run.text, style);
        } else {
            out += style.escape(run.text);
        }
    }
    // Leading spaces of the first word are noise in a cell.
    const size_t begin = out.find_first_not_of(' ');
    return begin == std::string::npos ? std::string() : out.substr(begin);
}

std::string stepCell(const StepRecord &r, int index)
{
    return std::to_string(index) + (r.kind == RecordKind::Edit ? " (edit)" : "");
}

/** "model M, gen length 12, steps 6, ...": the settings a reader needs to reproduce the run. */
std::string settingsLine(const Timeline &t)
{
    const GenerationSettings &s = t.settings;
    std::string line = "model " + (t.model.name.empty() ? std::string("(unnamed)") : t.model.name) + ", gen length "
        + std::to_string(s.genLength) + ", steps " + std::to_string(s.steps) + ", block length "
        + std::to_string(s.blockLength) + ", temperature " + exportNumber(s.temperature) + ", measure "
        + measureName(s.measure);
    if (s.useThreshold)
        line += ", threshold " + exportNumber(s.threshold);
    if (s.cfgScale != 0.0)
        line += ", cfg " + exportNumber(s.cfgScale);
    line += ", seed " + std::to_string(s.seed);
    return line;
}

std::string markdownTable(const Timeline &t, int branchId, const std::vector<int> &records)
{
    const Branch &b = t.branch(branchId);
    const Style style {markdownEscape, "\xe2\x96\x92", "**", "**"}; // U+2592 medium shade
    std::string out = "**Denoising of \xe2\x80\x9c" + markdownEscape(t.promptText) + "\xe2\x80\x9d** (branch "
        + std::to_string(branchId) + " \xe2\x80\x9c" + markdownEscape(b.label) + "\xe2\x80\x9d): "
        + markdownEscape(settingsLine(t)) + ". \xe2\x96\x92 = mask; **bold** = committed at this step.\n\n";
    out += "| Step | Masks | Text |\n|---:|---:|:---|\n";
    const int start = regionStart(t, b);
    for (int index : records) {
        const StepRecord &r = b.at(index);
        int masks = 0;
        const std::string text = renderRuns(regionRuns(t, r, start, &masks), style);
        out += "| " + stepCell(r, index) + " | " + std::to_string(masks) + " | " + text + " |\n";
    }
    return out;
}

std::string latexTable(const Timeline &t, int branchId, const std::vector<int> &records)
{
    const Branch &b = t.branch(branchId);
    const Style style {latexEscape, "\\texttt{[M]}", "\\textbf{", "}"};
    std::string out = "% DLM Studio: the sequence at chosen steps (plain LaTeX, no extra packages).\n"
                      "\\begin{table}[htbp]\n"
                      "  \\centering\n";
    out += "  \\caption{Denoising of ``" + latexEscape(t.promptText) + "'' (branch " + std::to_string(branchId) + " ``"
        + latexEscape(b.label) + "''): " + latexEscape(settingsLine(t))
        + ". \\texttt{[M]} = mask; \\textbf{bold} = committed at this step.}\n";
    out += "  \\begin{tabular}{r r p{0.7\\linewidth}}\n"
           "    \\hline\n"
           "    Step & Masks & Text \\\\\n"
           "    \\hline\n";
    const int start = regionStart(t, b);
    for (int index : records) {
        const StepRecord &r = b.at(index);
        int masks = 0;
        const std::string text = renderRuns(regionRuns(t, r, start, &masks), style);
        out += "    " + stepCell(r, index) + " & " + std::to_string(masks) + " & " + text + " \\\\\n";
    }
    out += "    \\hline\n"
           "  \\end{tabular}\n"
           "\\end{table}\n";
    return out;
}

} // namespace

std::string markdownEscape(const std::string &text)
{
    std::string out;
    for (char c : text) {
        if (c == '\n')
            out += "\xe2\x86\xb5"; // U+21B5: a line break would end the table row
        else if (c == '\r')
            continue;
        else if (c == '\t')
            out += ' ';
        else if (std::strchr("\\`*_[]<>|~#&", c) && c != '\0')
            out += std::string("\\") + c;
        else
            out += c;
    }
    return out;
}

std::string latexEscape(const std::string &text)
{
    std::string out;
    for (char c : text) {
        switch (c) {
        case '#':
        case '$':
        case '%':
        case '&':
        case '_':
        case '{':
        case '}':
            out += '\\';
            out += c;
            break;
        case '~':
            out += "\\textasciitilde{}";
            break;
        case '^':
            out += "\\textasciicircum{}";
            break;
        case '\\':
            out += "\\textbackslash{}";
            break;
        // In LaTeX's default OT1 encoding these print as other glyphs.
        case '<':
            out += "\\textless{}";
            break;
        case '>':
            out += "\\textgreater{}";
            break;
        case '|':
            out += "\\textbar{}";
            break;
        case '\n':
            out += "$\\hookleftarrow$";
            break;
        case '\r':
            break;
        case '\t':
            out += ' ';
            break;
        default:
            out += c;
        }
    }
    return out;
}

Result<std::string> timelineTable(const Timeline &timeline, TableFormat format, const TableExportOptions &options)
{
    if (options.branch == kAllBranches)
        return Result<std::string>::failure("a table shows one branch; choose one");
    const Status valid = checkExportSelection(timeline, options.branch, options.records);
    if (!valid)
        return Result<std::string>::failure(valid.error());
    const Branch &b = timeline.branch(options.branch);
    if (b.size() == 0)
        return Result<std::string>::failure("branch " + std::to_string(options.branch) + " has no records");
    const std::vector<int> records = exportRecordIndices(b, options.records);
    return format == TableFormat::Markdown ? markdownTable(timeline, options.branch, records)
                                           : latexTable(timeline, options.branch, records);
}

} // namespace dlm
