#include "core/export/timeline_csv.h"

#include "core/text/piece_text.h"

#include <algorithm>
#include <set>

namespace dlm {

namespace {

const char *const kHeader = "branch,record,denoise_step,block,kind,position,token_id,piece,state,locked,"
                            "candidate_id,candidate_piece,confidence,probability,margin,entropy,text,candidate_text\n";

void appendRows(std::string &out, const Timeline &timeline, int branchId, int index, const StepRecord &r)
{
    const std::string prefix = std::to_string(branchId) + ',' + std::to_string(index) + ','
        + std::to_string(r.denoiseStep) + ',' + std::to_string(r.block) + ',' + recordKindName(r.kind) + ',';
    // The text column is made for the whole canvas at once, so byte pieces that spell a character become it
    // (the same text the app shows).
    std::vector<std::string> pieces;
    for (int32_t token : r.tokens)
        pieces.push_back(timeline.pieceOf(token));
    const std::vector<std::string> texts = sequenceTexts(pieces);
    for (int pos = 0; pos < r.length(); ++pos) {
        const size_t at = static_cast<size_t>(pos);
        const int32_t token = r.tokens[at];
        out += prefix;
        out += std::to_string(pos) + ',' + std::to_string(token) + ',' + csvField(pieces[at]) + ','
            + stateName(stateAt(r, pos)) + ',' + (lockedAt(r, pos) ? '1' : '0') + ',';
        const int32_t candidate = candidateAt(r, pos);
        const std::string candidatePiece = candidate >= 0 ? timeline.pieceOf(candidate) : std::string();
        if (candidate >= 0) {
            out += std::to_string(candidate) + ',' + csvField(candidatePiece) + ','
                + exportNumber(valueAt(r.confidence, pos)) + ',' + exportNumber(valueAt(r.probability, pos)) + ','
                + exportNumber(valueAt(r.margin, pos)) + ',' + exportNumber(valueAt(r.entropy, pos));
        } else {
            out += ",,,,,"; // six empty cells: nothing was predicted here this step
        }
        out += ',' + csvField(texts[at]) + ',' + (candidate >= 0 ? csvField(pieceText(candidatePiece)) : std::string());
        out += '\n';
    }
}

} // namespace

std::string csvField(const std::string &text)
{
    if (text.find_first_of(",\"\r\n") == std::string::npos)
        return text;
    std::string out = "\"";
    for (char c : text) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
    return out;
}

Result<std::string> timelineToCsv(const Timeline &timeline, const CsvExportOptions &options)
{
    const Status valid = checkExportSelection(timeline, options.branch, options.records);
    if (!valid)
        return Result<std::string>::failure(valid.error());

    std::string out = kHeader;
    const auto wanted = [&options](int index) {
        return options.records.empty()
            || std::find(options.records.begin(), options.records.end(), index) != options.records.end();
    };
    if (options.branch != kAllBranches) {
        const Branch &b = timeline.branch(options.branch);
        for (int i : exportRecordIndices(b, options.records))
            appendRows(out, timeline, options.branch, i, b.at(i));
        return out;
    }
    // Records are shared by pointer between a parent and its forks; a parent always has a lower id than its
    // forks, so walking the branches in id order meets every record first in the branch that made it.
    std::set<const StepRecord *> written;
    for (int id = 0; id < timeline.branchCount(); ++id) {
        const Branch &b = timeline.branch(id);
        for (int i = 0; i < b.size(); ++i) {
            const StepRecord *record = b.records[static_cast<size_t>(i)].get();
            if (!written.insert(record).second)
                continue;
            if (wanted(i))
                appendRows(out, timeline, id, i, *record);
        }
    }
    return out;
}

} // namespace dlm
