#include "core/timeline/timeline_json.h"
#include "core/timeline/timeline_json_internal.h"

#include "core/base/file_util.h"
#include "core/base/json_reader.h"
#include "core/sampling/settings_json.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <new>
#include <cstring>
#include <limits>

namespace dlm {

namespace {

using namespace timeline_json_detail;

bool sameBits(float a, float b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}
bool sameBits(double a, double b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}

std::string dumpText(const ojson &j)
{
    return j.dump(-1, ' ', false, ojson::error_handler_t::replace);
}

ojson extended(double d)
{
    if (std::isnan(d))
        return "nan";
    if (std::isinf(d))
        return d < 0 ? ojson(nullptr) : ojson("inf");
    return d;
}

ojson cell(float f)
{
    return extended(static_cast<double>(f));
}
ojson cell(int32_t i)
{
    return i;
}

/** An array of `stride` values per position; with `keep`, only positions whose candidate is not -1. */
template<typename T> ojson arrayOf(const std::vector<T> &v, const std::vector<int32_t> *keep, size_t stride)
{
    ojson a = ojson::array();
    for (size_t pos = 0; pos * stride < v.size(); ++pos) {
        if (keep && (*keep)[pos] < 0)
            continue;
        for (size_t k = 0; k < stride; ++k)
            a.push_back(cell(v[pos * stride + k]));
    }
    return a;
}
// The "considered" layout stores prediction arrays only at considered positions and one fill value for
// the rest. It applies when the record has full arrays and the rest really is uniform, so it is lossless.
bool findFill(const StepRecord &r, PredictionFill *fill)
{
    const size_t n = r.tokens.size();
    const size_t k = r.topK > 0 ? static_cast<size_t>(r.topK) : 0;
    if (n == 0 || r.candidates.size() != n || r.confidence.size() != n || r.probability.size() != n
        || r.margin.size() != n || r.entropy.size() != n || r.topIds.size() != n * k || r.topProbs.size() != n * k)
        return false;
    bool first = true;
    for (size_t pos = 0; pos < n; ++pos) {
        if (r.candidates[pos] >= 0)
            continue;
        if (first) {
            *fill = {r.confidence[pos], r.probability[pos], r.margin[pos], r.entropy[pos],
                k ? r.topProbs[pos * k] : 0.0f, k ? r.topIds[pos * k] : -1};
            first = false;
        }
        if (!sameBits(r.confidence[pos], fill->confidence) || !sameBits(r.probability[pos], fill->probability)
            || !sameBits(r.margin[pos], fill->margin) || !sameBits(r.entropy[pos], fill->entropy))
            return false;
        for (size_t j = 0; j < k; ++j) {
            if (r.topIds[pos * k + j] != fill->topId || !sameBits(r.topProbs[pos * k + j], fill->topProb))
                return false;
        }
    }
    return !first; // with every position considered there is nothing to leave out
}

ojson recordToJson(const StepRecord &r)
{
    ojson j = ojson::object();
    j["kind"] = recordKindName(r.kind);
    j["denoise_step"] = r.denoiseStep;
    j["block"] = r.block;
    j["step_in_block"] = r.stepInBlock;
    j["tokens"] = r.tokens;
    std::string states(r.states.size(), '?');
    for (size_t i = 0; i < r.states.size(); ++i) {
        const auto s = static_cast<size_t>(r.states[i]);
        states[i] = s < sizeof kStateCodes ? kStateCodes[s] : '?';
    }
    j["states"] = states;
    ojson flags = ojson::array();
    for (size_t i = 0; i < r.flags.size(); ++i) {
        if (r.flags[i] != 0)
            flags.push_back(ojson::array({i, r.flags[i]}));
    }
    if (!flags.empty())
        j["flags"] = flags;

    if (!r.candidates.empty()) {
        j["candidates"] = r.candidates;
        PredictionFill fill;
        const bool sparse = findFill(r, &fill);
        const std::vector<int32_t> *keep = sparse ? &r.candidates : nullptr;
        if (sparse) {
            j["predictions"] = "considered";
            j["fill"] = {{"confidence", extended(fill.confidence)}, {"probability", extended(fill.probability)},
                {"margin", extended(fill.margin)}, {"entropy", extended(fill.entropy)}, {"top_id", fill.topId},
                {"top_prob", extended(fill.topProb)}};
        }
        j["confidence"] = arrayOf(r.confidence, keep, 1);
        j["probability"] = arrayOf(r.probability, keep, 1);
        j["margin"] = arrayOf(r.margin, keep, 1);
        j["entropy"] = arrayOf(r.entropy, keep, 1);
        if (r.topK != 0 || !r.topIds.empty() || !r.topProbs.empty()) {
            const size_t k = r.topK > 0 ? static_cast<size_t>(r.topK) : 1;
            j["top_k"] = r.topK;
            j["top_ids"] = arrayOf(r.topIds, keep, k);
            j["top_probs"] = arrayOf(r.topProbs, keep, k);
        }
    } else if (r.topK != 0) {
        j["top_k"] = r.topK;
    }
    if (r.quota != -1)
        j["quota"] = r.quota;
    if (!sameBits(r.threshold, 0.0))
        j["threshold"] = extended(r.threshold);
    if (r.sampler == SamplerKind::Dream) {
        j["dream"] = {{"alg", dreamAlgName(r.dreamAlg)}, {"t", extended(r.scheduleT)}, {"s", extended(r.scheduleS)},
            {"k", r.transferCount}};
    }
    if (!r.committed.empty())
        j["committed"] = r.committed;
    if (!r.remasked.empty())
        j["remasked"] = r.remasked;
    const EditInfo &e = r.edit;
    if (r.kind == RecordKind::Edit || e.type != EditInfo::Type::SetTokens || !e.positions.empty() || !e.tokens.empty()
        || !e.text.empty()) {
        j["edit"]
            = {{"type", editTypeName(e.type)}, {"positions", e.positions}, {"tokens", e.tokens}, {"text", e.text}};
    }
    // Only a cached step runs fewer positions than the canvas; absent means the whole canvas.
    if (r.kind == RecordKind::Denoise && r.forwardPositions > 0 && r.forwardPositions != r.length())
        j["forward_positions"] = r.forwardPositions;
    // The output head's cost: absent in files from before it was kept (0 = unknown).
    if (r.kind == RecordKind::Denoise && r.headRows > 0) {
        j["head_rows"] = r.headRows;
        j["later_rows"] = r.laterRows;
    }
    if (r.kind == RecordKind::Denoise && r.later != LaterPredictions::Unknown)
        j["later_predictions"] = laterPredictionsName(r.later);
    if (!r.experts.empty())
        j["experts"] = expertsJson(r.experts);
    if (!sameBits(r.forwardMs, 0.0))
        j["forward_ms"] = extended(r.forwardMs);
    if (!sameBits(r.samplerMs, 0.0))
        j["sampler_ms"] = extended(r.samplerMs);
    if (!sameBits(r.recordMs, 0.0))
        j["record_ms"] = extended(r.recordMs);
    return j;
}

/** How many leading records a branch really shares (same objects) with its parent, at most fork + 1. */
int sharedPrefix(const Timeline &t, const Branch &b)
{
    if (b.parent < 0 || b.parent >= t.branchCount())
        return 0;
    const Branch &p = t.branch(b.parent);
    const int limit = std::min({b.forkIndex + 1, p.size(), b.size()});
    int n = 0;
    while (n < limit && b.records[static_cast<size_t>(n)] == p.records[static_cast<size_t>(n)])
        ++n;
    return n;
}

} // namespace

std::string timelineToJson(const Timeline &t)
{
    // One line per record rather than one giant line: diffable, and greppable by record.
    std::string out = "{\"format\":\"" + std::string(kTimelineFormatName)
        + "\",\"version\":" + std::to_string(kTimelineFormatVersion) + ",\n";
    out += "\"settings\":" + dumpText(ojson(settingsToJson(t.settings))) + ",\n";
    ojson model
        = {{"name", t.model.name}, {"config_sha256", t.model.configHash}, {"tokenizer_sha256", t.model.tokenizerHash},
            {"mask_id", t.model.maskId}, {"eos_id", t.model.eosId}, {"vocab_size", t.model.vocabSize}};
    if (!t.model.family.empty())
        model["family"] = t.model.family;
    out += "\"model\":" + dumpText(model) + ",\n";
    ojson prompt = {{"text", t.promptText}, {"ids", t.promptIds}};
    // Optional keys, written only when there is something to say, so files of raw prompts stay as they were.
    if (!t.chatMessages.empty()) {
        ojson messages = ojson::array();
        for (const ChatMessage &m : t.chatMessages)
            messages.push_back({{"role", m.role}, {"content", m.content}});
        prompt["messages"] = messages;
    }
    out += "\"prompt\":" + dumpText(prompt) + ",\n";
    ojson pieces = ojson::array();
    for (const auto &p : t.pieces)
        pieces.push_back(ojson::array({p.first, p.second}));
    out += "\"pieces\":" + dumpText(pieces) + ",\n";
    if (!t.specialIds.empty())
        out += "\"special_ids\":" + dumpText(ojson(t.specialIds)) + ",\n";
    out += "\"branches\":[";
    for (int bi = 0; bi < t.branchCount(); ++bi) {
        const Branch &b = t.branch(bi);
        ojson head = {{"id", bi}, {"parent", b.parent}, {"fork_index", b.forkIndex}, {"label", b.label}};
        // Only the branch's own records are stored; the shared prefix is rebuilt from the parent on reading.
        // A parent truncated after the fork shares less than fork + 1 records: "inherit" says how many.
        if (b.settings && *b.settings != t.settings)
            head["settings"] = ojson(settingsToJson(*b.settings));
        const int shared = sharedPrefix(t, b);
        if (b.parent >= 0 && shared != b.forkIndex + 1)
            head["inherit"] = shared;
        std::string headText = dumpText(head);
        headText.pop_back(); // reopen the object to append the records
        out += (bi ? ",\n" : "\n") + headText + ",\"records\":[";
        for (int ri = shared; ri < b.size(); ++ri)
            out += (ri > shared ? ",\n" : "\n") + dumpText(recordToJson(b.at(ri)));
        out += "]}";
    }
    out += "\n]}\n";
    return out;
}

Status saveTimeline(const Timeline &timeline, const std::string &path)
{
    const Status written = writeFileAtomic(path, timelineToJson(timeline));
    if (!written)
        return Status::failure("cannot save the timeline: " + written.error());
    return {};
}

Result<Timeline> timelineFromJson(const std::string &text, const std::string &fileName)
{
    if (text.size() > kTimelineMaxFileBytes)
        return Result<Timeline>::failure(fileName + ": the file is " + std::to_string(text.size())
            + " bytes, more than the " + std::to_string(kTimelineMaxFileBytes) + "-byte limit for timelines");
    // Parsed JSON costs ~16 bytes a value however short the text ("0,0,0..." is 2 bytes a value), and a
    // value the reader never looks at (an unknown key) costs the same; a file that does not fit in memory
    // is refused with this message, not an allocator abort.
    try {
        const Result<json> root = parseJson(text, fileName);
        if (!root)
            return Result<Timeline>::failure(root.error());
        return timeline_json_detail::readTimelineDocument(*root, fileName);
    } catch (const std::bad_alloc &) {
        return Result<Timeline>::failure(
            fileName + ": not enough memory to read this timeline (" + std::to_string(text.size()) + " bytes of JSON)");
    }
}

Result<Timeline> loadTimeline(const std::string &path)
{
    auto text = readTextFile(path, kTimelineMaxFileBytes);
    if (!text)
        return Result<Timeline>::failure(text.error());
    return timelineFromJson(*text, path);
}

} // namespace dlm
