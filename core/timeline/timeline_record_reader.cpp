// Reading the records of a timeline file: tokens, states, flags, predictions and edits, each checked against
// the vocabulary and the canvas before use, with sizes bounded before allocation.
#include "core/timeline/timeline_json.h"
#include "core/timeline/timeline_json_internal.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>

namespace dlm::timeline_json_detail {

namespace {

using Path = JsonReader;

/** Spreads values stored only at considered positions over the whole canvas. */
template<typename T>
std::vector<T> expand(const std::vector<T> &stored, const std::vector<int32_t> &candidates, size_t stride, T fill)
{
    std::vector<T> full(candidates.size() * stride, fill);
    size_t next = 0;
    for (size_t pos = 0; pos < candidates.size(); ++pos) {
        if (candidates[pos] < 0)
            continue;
        std::copy_n(stored.begin() + static_cast<std::ptrdiff_t>(next), stride,
            full.begin() + static_cast<std::ptrdiff_t>(pos * stride));
        next += stride;
    }
    return full;
}

} // namespace

bool RecordReader::readRecord(const json &v, const std::string &path, StepRecord *r)
{
    if (!m_r.expectObject(v, path))
        return false;
    const json *kind = m_r.member(v, path, "kind", Need::Required);
    std::string kindName;
    if (!kind || !m_r.toString(*kind, Path::child(path, "kind"), &kindName))
        return false;
    if (!parseKind(kindName, &r->kind))
        return m_r.fail(Path::child(path, "kind"),
            "unknown record kind " + Path::quote(*kind) + " (expected initial, denoise or edit)");
    for (auto [key, out] : {std::pair {"denoise_step", &r->denoiseStep}, std::pair {"block", &r->block},
             std::pair {"step_in_block", &r->stepInBlock}}) {
        const json *j = m_r.member(v, path, key, Need::Optional);
        if (j && !m_r.toInt(*j, Path::child(path, key), out, 0, INT32_MAX))
            return false;
    }

    const json *tokens = m_r.member(v, path, "tokens", Need::Required);
    const std::string tokensPath = Path::child(path, "tokens");
    if (!tokens || !m_r.expectArray(*tokens, tokensPath))
        return false;
    if (tokens->size() > static_cast<size_t>(kTimelineMaxCanvas))
        return m_r.fail(tokensPath,
            "the canvas has " + std::to_string(tokens->size()) + " positions, more than the limit of "
                + std::to_string(kTimelineMaxCanvas));
    if (m_canvas < 0)
        m_canvas = static_cast<int>(tokens->size());
    // Views index every record of a run by the same positions, so one canvas length holds throughout.
    if (tokens->size() != static_cast<size_t>(m_canvas))
        return m_r.fail(tokensPath,
            "has " + std::to_string(tokens->size())
                + " positions, but the "
                  "timeline's canvas has "
                + std::to_string(m_canvas));
    const size_t n = tokens->size();
    if (!readIds(*tokens, tokensPath, false, &r->tokens) || !readStates(v, path, n, &r->states)
        || !readFlags(v, path, n, &r->flags) || !readPredictions(v, path, n, r))
        return false;

    const json *quota = m_r.member(v, path, "quota", Need::Optional);
    if (quota && !m_r.toInt(*quota, Path::child(path, "quota"), &r->quota, -1, INT32_MAX))
        return false;
    const json *positions = m_r.member(v, path, "forward_positions", Need::Optional);
    if (positions && !m_r.toInt(*positions, Path::child(path, "forward_positions"), &r->forwardPositions, 1, int(n)))
        return false;
    if (!positions && r->kind == RecordKind::Denoise)
        r->forwardPositions = int(n);
    for (auto [key, out] : {std::pair {"head_rows", &r->headRows}, std::pair {"later_rows", &r->laterRows}}) {
        const json *j = m_r.member(v, path, key, Need::Optional);
        if (j && !m_r.toInt(*j, Path::child(path, key), out, 0, int(n)))
            return false;
    }
    if (const json *later = m_r.member(v, path, "later_predictions", Need::Optional)) {
        if (!later->is_string() || !parseLaterPredictionsName(later->get_ref<const std::string &>(), &r->later))
            return m_r.fail(Path::child(path, "later_predictions"),
                "expected \"recorded\", \"off\", \"block_only\" or \"unknown\", got " + Path::quote(*later));
    }
    if (r->laterRows > r->headRows)
        return m_r.fail(Path::child(path, "later_rows"),
            "is more than head_rows (" + std::to_string(r->laterRows) + " > " + std::to_string(r->headRows) + ")");
    for (auto [key, out] : {std::pair {"threshold", &r->threshold}, std::pair {"forward_ms", &r->forwardMs},
             std::pair {"sampler_ms", &r->samplerMs}, std::pair {"record_ms", &r->recordMs}}) {
        const json *j = m_r.member(v, path, key, Need::Optional);
        if (j && !m_r.toExtendedDouble(*j, Path::child(path, key), out))
            return false;
    }
    for (auto [key, out] : {std::pair {"committed", &r->committed}, std::pair {"remasked", &r->remasked}}) {
        const json *j = m_r.member(v, path, key, Need::Optional);
        if (j && !readPositions(*j, Path::child(path, key), n, out))
            return false;
    }
    const json *experts = m_r.member(v, path, "experts", Need::Optional);
    if (experts && !readExperts(m_r, *experts, Path::child(path, "experts"), n, &r->experts))
        return false;
    const json *dream = m_r.member(v, path, "dream", Need::Optional);
    if (dream && !readDream(*dream, Path::child(path, "dream"), r))
        return false;
    const json *edit = m_r.member(v, path, "edit", Need::Optional);
    return !edit || readEdit(*edit, Path::child(path, "edit"), n, &r->edit);
}

// Dream's decision (version 2): {"alg": name, "t": t, "s": s, "k": transfer count}.
bool RecordReader::readDream(const json &v, const std::string &path, StepRecord *r)
{
    if (!m_r.expectObject(v, path))
        return false;
    std::string name;
    if (!m_r.readString(v, path, "alg", &name, Need::Required))
        return false;
    const auto alg = parseDreamAlg(name);
    if (!alg)
        return m_r.fail(Path::child(path, "alg"), alg.error());
    r->sampler = SamplerKind::Dream;
    r->dreamAlg = *alg;
    for (auto [key, out] : {std::pair {"t", &r->scheduleT}, std::pair {"s", &r->scheduleS}}) {
        const json *j = m_r.member(v, path, key, Need::Required);
        if (!j || !m_r.toExtendedDouble(*j, Path::child(path, key), out))
            return false;
    }
    return m_r.readInt(v, path, "k", &r->transferCount, Need::Required, -1, INT32_MAX);
}

bool RecordReader::readStates(const json &v, const std::string &path, size_t n, std::vector<PositionState> *out)
{
    const json *states = m_r.member(v, path, "states", Need::Required);
    const std::string statesPath = Path::child(path, "states");
    if (!states)
        return false;
    if (!states->is_string() && !states->is_array())
        return m_r.fail(statesPath, "expected a string of state codes, got " + Path::quote(*states));
    const size_t got = states->is_string() ? states->get_ref<const std::string &>().size() : states->size();
    if (got != n)
        return lengthMismatch(statesPath, got, n, "one per canvas position");
    out->resize(n);
    // Codes are written; full names are accepted too, for files made by hand or by other tools.
    for (size_t i = 0; i < n; ++i) {
        if (states->is_string()) {
            const char c = states->get_ref<const std::string &>()[i];
            const void *hit = std::memchr(kStateCodes, c, sizeof kStateCodes);
            if (!hit)
                return m_r.fail(Path::child(statesPath, i),
                    "unknown state code '" + printable(c) + "' (expected one of p m r n c e)");
            (*out)[i] = static_cast<PositionState>(static_cast<const char *>(hit) - kStateCodes);
        } else {
            const json &e = (*states)[i];
            if (!e.is_string() || !parseStateName(e.get_ref<const std::string &>(), &(*out)[i]))
                return m_r.fail(Path::child(statesPath, i), "unknown state " + Path::quote(e));
        }
    }
    return true;
}

bool RecordReader::readFlags(const json &v, const std::string &path, size_t n, std::vector<uint8_t> *out)
{
    out->assign(n, 0);
    const json *flags = m_r.member(v, path, "flags", Need::Optional);
    const std::string flagsPath = Path::child(path, "flags");
    if (!flags)
        return true;
    if (!m_r.expectArray(*flags, flagsPath))
        return false;
    for (size_t i = 0; i < flags->size(); ++i) {
        const json &e = (*flags)[i];
        const std::string ePath = Path::child(flagsPath, i);
        int32_t pos = 0, bits = 0;
        if (!e.is_array() || e.size() != 2)
            return m_r.fail(ePath, "expected a [position, flags] pair, got " + describeNonPair(e));
        if (!readPosition(e[0], Path::child(ePath, size_t(0)), n, &pos)
            || !m_r.toInt(e[1], Path::child(ePath, size_t(1)), &bits, 0, 255))
            return false;
        (*out)[static_cast<size_t>(pos)] = static_cast<uint8_t>(bits);
    }
    return true;
}

bool RecordReader::readPredictions(const json &v, const std::string &path, size_t n, StepRecord *r)
{
    static const char *const arrays[] = {"confidence", "probability", "margin", "entropy", "top_ids", "top_probs"};
    const json *topK = m_r.member(v, path, "top_k", Need::Optional);
    if (topK && !m_r.toInt(*topK, Path::child(path, "top_k"), &r->topK, 0, kTimelineMaxTopK))
        return false;
    const json *candidates = m_r.member(v, path, "candidates", Need::Optional);
    if (!candidates) {
        for (const char *key : arrays) {
            if (v.contains(key))
                return m_r.fail(Path::child(path, key), "present in a record without candidates");
        }
        return true;
    }
    const std::string candPath = Path::child(path, "candidates");
    if (!m_r.expectArray(*candidates, candPath))
        return false;
    if (candidates->size() != n)
        return lengthMismatch(candPath, candidates->size(), n, "one per canvas position");
    if (!readIds(*candidates, candPath, true, &r->candidates))
        return false;

    bool sparse = false;
    if (const json *layout = m_r.member(v, path, "predictions", Need::Optional)) {
        sparse = layout->is_string() && layout->get_ref<const std::string &>() == "considered";
        if (!sparse)
            return m_r.fail(Path::child(path, "predictions"),
                "unknown layout " + Path::quote(*layout) + " (expected \"considered\")");
    }
    const size_t k = static_cast<size_t>(r->topK);
    const size_t stored = sparse ? static_cast<size_t>(std::count_if(
                              r->candidates.begin(), r->candidates.end(), [](int32_t c) { return c >= 0; }))
                                 : n;
    const char *what = sparse ? "one per considered position" : "one per canvas position";
    std::vector<float> *floats[] = {&r->confidence, &r->probability, &r->margin, &r->entropy};
    for (size_t a = 0; a < 4; ++a) {
        if (!readFloatArray(v, path, arrays[a], stored, what, floats[a]))
            return false;
    }
    if (k > 0 || v.contains("top_ids") || v.contains("top_probs")) {
        const char *topWhat = sparse ? "top_k per considered position" : "top_k per canvas position";
        if (!readFloatArray(v, path, "top_probs", stored * k, topWhat, &r->topProbs))
            return false;
        const json *ids = m_r.member(v, path, "top_ids", Need::Required);
        const std::string idsPath = Path::child(path, "top_ids");
        if (!ids || !m_r.expectArray(*ids, idsPath))
            return false;
        if (ids->size() != stored * k)
            return lengthMismatch(idsPath, ids->size(), stored * k, topWhat);
        if (!readIds(*ids, idsPath, true, &r->topIds))
            return false;
    }
    return !sparse || expandPredictions(v, path, r);
}

bool RecordReader::expandPredictions(const json &v, const std::string &path, StepRecord *r)
{
    const size_t n = r->candidates.size();
    const size_t k = static_cast<size_t>(r->topK);
    m_expanded += static_cast<int64_t>(n * (4 + 2 * k));
    if (m_expanded > kMaxExpandedValues)
        return m_r.fail(path,
            "the predictions would expand to more than " + std::to_string(kMaxExpandedValues)
                + " values in memory, the limit for timelines");
    const json *fillJ = m_r.member(v, path, "fill", Need::Required);
    const std::string fillPath = Path::child(path, "fill");
    if (!fillJ || !m_r.expectObject(*fillJ, fillPath))
        return false;
    PredictionFill fill;
    for (auto [key, out] : {std::pair {"confidence", &fill.confidence}, std::pair {"probability", &fill.probability},
             std::pair {"margin", &fill.margin}, std::pair {"entropy", &fill.entropy},
             std::pair {"top_prob", &fill.topProb}}) {
        const json *j = m_r.member(*fillJ, fillPath, key, Need::Required);
        if (!j || !m_r.toExtendedFloat(*j, Path::child(fillPath, key), out))
            return false;
    }
    const json *topId = m_r.member(*fillJ, fillPath, "top_id", Need::Required);
    if (!topId || !readId(*topId, Path::child(fillPath, "top_id"), true, &fill.topId))
        return false;
    r->confidence = expand(r->confidence, r->candidates, 1, fill.confidence);
    r->probability = expand(r->probability, r->candidates, 1, fill.probability);
    r->margin = expand(r->margin, r->candidates, 1, fill.margin);
    r->entropy = expand(r->entropy, r->candidates, 1, fill.entropy);
    if (k > 0) {
        r->topIds = expand(r->topIds, r->candidates, k, fill.topId);
        r->topProbs = expand(r->topProbs, r->candidates, k, fill.topProb);
    }
    return true;
}

bool RecordReader::readEdit(const json &v, const std::string &path, size_t n, EditInfo *e)
{
    if (!m_r.expectObject(v, path))
        return false;
    const json *type = m_r.member(v, path, "type", Need::Required);
    std::string name;
    if (!type || !m_r.toString(*type, Path::child(path, "type"), &name))
        return false;
    bool known = false;
    for (auto t : {EditInfo::Type::SetTokens, EditInfo::Type::Remask, EditInfo::Type::Lock, EditInfo::Type::Unlock}) {
        if (name == editTypeName(t)) {
            e->type = t;
            known = true;
        }
    }
    if (!known)
        return m_r.fail(Path::child(path, "type"),
            "unknown edit type " + Path::quote(*type) + " (expected set_tokens, remask, lock or unlock)");
    const json *positions = m_r.member(v, path, "positions", Need::Optional);
    const json *tokens = m_r.member(v, path, "tokens", Need::Optional);
    const json *text = m_r.member(v, path, "text", Need::Optional);
    if ((positions && !readPositions(*positions, Path::child(path, "positions"), n, &e->positions))
        || (tokens && !readIds(*tokens, Path::child(path, "tokens"), false, &e->tokens))
        || (text && !m_r.toString(*text, Path::child(path, "text"), &e->text)))
        return false;
    if (e->type == EditInfo::Type::SetTokens && e->tokens.size() != e->positions.size())
        return m_r.fail(Path::child(path, "tokens"),
            "has " + std::to_string(e->tokens.size()) + " tokens for " + std::to_string(e->positions.size())
                + " positions");
    return true;
}

// ---- arrays: paths are built only for the element that fails ----

bool RecordReader::lengthMismatch(const std::string &path, size_t got, size_t expected, const char *what)
{
    return m_r.fail(
        path, "has " + std::to_string(got) + " entries, expected " + std::to_string(expected) + " (" + what + ")");
}

bool RecordReader::readId(const json &e, const std::string &path, bool allowNone, int32_t *out)
{
    int64_t id = 0;
    if (!JsonReader::asInteger(e, &id))
        return m_r.fail(path, "expected a token id, got " + Path::quote(e));
    if (id >= m_vocab || id < (allowNone ? -1 : 0))
        return m_r.fail(
            path, "id " + std::to_string(id) + " is outside the vocabulary (" + std::to_string(m_vocab) + ")");
    *out = static_cast<int32_t>(id);
    return true;
}

bool RecordReader::readIds(const json &a, const std::string &path, bool allowNone, std::vector<int32_t> *out)
{
    if (!m_r.expectArray(a, path))
        return false;
    out->resize(a.size());
    const int64_t lo = allowNone ? -1 : 0;
    for (size_t i = 0; i < a.size(); ++i) {
        int64_t id = 0;
        if (!JsonReader::asInteger(a[i], &id) || id < lo || id >= m_vocab) {
            readId(a[i], Path::child(path, i), allowNone, &(*out)[i]); // says why
            return false;
        }
        (*out)[i] = static_cast<int32_t>(id);
    }
    return true;
}

bool RecordReader::readPosition(const json &e, const std::string &path, size_t n, int32_t *out)
{
    int64_t pos = 0;
    if (!JsonReader::asInteger(e, &pos))
        return m_r.fail(path, "expected a position, got " + Path::quote(e));
    if (pos < 0 || static_cast<uint64_t>(pos) >= n)
        return m_r.fail(
            path, "position " + std::to_string(pos) + " is outside the canvas (" + std::to_string(n) + " positions)");
    *out = static_cast<int32_t>(pos);
    return true;
}

bool RecordReader::readPositions(const json &a, const std::string &path, size_t n, std::vector<int32_t> *out)
{
    if (!m_r.expectArray(a, path))
        return false;
    out->resize(a.size());
    for (size_t i = 0; i < a.size(); ++i) {
        if (!readPosition(a[i], Path::child(path, i), n, &(*out)[i]))
            return false;
    }
    return true;
}

bool RecordReader::readFloatArray(
    const json &v, const std::string &path, const char *key, size_t expected, const char *what, std::vector<float> *out)
{
    const json *a = m_r.member(v, path, key, Need::Required);
    const std::string arrayPath = Path::child(path, key);
    if (!a || !m_r.expectArray(*a, arrayPath))
        return false;
    if (a->size() != expected)
        return lengthMismatch(arrayPath, a->size(), expected, what);
    out->resize(expected);
    for (size_t i = 0; i < expected; ++i) {
        const json &e = (*a)[i];
        // Fast path for the common cases; anything else goes through the checked, message-building call.
        if (e.is_null()) {
            (*out)[i] = -std::numeric_limits<float>::infinity();
        } else if (e.is_number() && std::fabs(e.get<double>()) <= static_cast<double>(FLT_MAX)) {
            (*out)[i] = static_cast<float>(e.get<double>());
        } else if (!m_r.toExtendedFloat(e, Path::child(arrayPath, i), &(*out)[i])) {
            return false;
        }
    }
    return true;
}

bool RecordReader::parseKind(const std::string &name, RecordKind *out)
{
    for (auto k : {RecordKind::Initial, RecordKind::Denoise, RecordKind::Edit}) {
        if (name == recordKindName(k)) {
            *out = k;
            return true;
        }
    }
    return false;
}

std::string RecordReader::describeNonPair(const json &e)
{
    return e.is_array() ? "an array of " + std::to_string(e.size()) : Path::typeName(e);
}

std::string RecordReader::printable(char c)
{
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f)
        return std::string(1, c);
    char hex[8];
    std::snprintf(hex, sizeof hex, "\\x%02x", u);
    return hex;
}

} // namespace dlm::timeline_json_detail
