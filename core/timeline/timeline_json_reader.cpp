// Reading timeline files: every field is checked before use, sizes are bounded before allocation, and the
// first problem is reported with the file name and the JSON path.
#include "core/timeline/timeline_json.h"
#include "core/timeline/timeline_json_internal.h"

#include "core/base/json_fields.h"
#include "core/sampling/settings_json.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace dlm::timeline_json_detail {

namespace {

bool intElement(const json &e, int64_t *out)
{
    if (e.is_number_unsigned()) {
        const uint64_t u = e.get<uint64_t>();
        *out = u > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(u);
        return true;
    }
    if (e.is_number_integer()) {
        *out = e.get<int64_t>();
        return true;
    }
    return false;
}

/** Spreads values stored only at considered positions over the whole canvas. */
template <typename T>
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

/** Reads a parsed timeline document and checks everything; stops at the first problem. */
class TimelineReader
{
public:
    explicit TimelineReader(const std::string &file) : m_r(file) {}

    Result<Timeline> read(const json &root)
    {
        Timeline t;
        if (!readHeader(root) || !readModel(root, &t.model) || !readSettings(root, &t.settings)
            || !readPrompt(root, &t) || !readPieces(root, &t) || !readBranches(root, &t))
            return Result<Timeline>::failure(m_r.error());
        return t;
    }

private:
    using Path = JsonFieldReader;

    bool readHeader(const json &root)
    {
        if (!root.is_object())
            return m_r.fail("", "not a DLM Studio timeline (the document is " + Path::typeName(root)
                                    + ", expected an object)");
        const auto format = root.find("format");
        if (format == root.end())
            return m_r.fail("", "not a DLM Studio timeline (no \"format\" field)");
        if (!format->is_string() || format->get_ref<const std::string &>() != kTimelineFormatName)
            return m_r.fail("format", "expected \"" + std::string(kTimelineFormatName) + "\", got "
                                          + Path::shortText(*format));
        int64_t version = 0;
        const json *v = m_r.member(root, "", "version", true);
        if (!v || !m_r.toInt(*v, "version", INT64_MIN, INT64_MAX, &version))
            return false;
        if (version > kTimelineFormatVersion)
            return m_r.fail("", "written by a newer DLM Studio (version " + std::to_string(version)
                                    + "); this build reads up to " + std::to_string(kTimelineFormatVersion));
        if (version < 1)
            return m_r.fail("version", "unsupported version " + std::to_string(version));
        return true;
    }

    bool readModel(const json &root, ModelIdentity *m)
    {
        const json *v = m_r.member(root, "", "model", true);
        if (!v || !m_r.expectObject(*v, "model"))
            return false;
        const json *vocab = m_r.member(*v, "model", "vocab_size", true);
        if (!vocab || !m_r.toInt32(*vocab, "model.vocab_size", 1, kTimelineMaxVocab, &m->vocabSize))
            return false;
        m_vocab = m->vocabSize;
        for (auto [key, out] : {std::pair{"mask_id", &m->maskId}, std::pair{"eos_id", &m->eosId}}) {
            const json *id = m_r.member(*v, "model", key, false);
            if (id && !m_r.toInt32(*id, Path::child("model", key), -1, m_vocab - 1, out))
                return false;
        }
        for (auto [key, out] : {std::pair{"name", &m->name}, std::pair{"config_sha256", &m->configHash},
                                std::pair{"tokenizer_sha256", &m->tokenizerHash}}) {
            const json *s = m_r.member(*v, "model", key, false);
            if (s && !m_r.toString(*s, Path::child("model", key), out))
                return false;
        }
        return true;
    }

    bool readSettings(const json &root, GenerationSettings *s)
    {
        // Types are checked, limits are not: a run is replayed from its records, and a later build with
        // stricter limits must still open old files. Continuing a loaded run validates them as usual.
        const json *v = m_r.member(root, "", "settings", true);
        return v && applySettingsJson(*v, "settings", m_r, s);
    }

    bool readPrompt(const json &root, Timeline *t)
    {
        const json *v = m_r.member(root, "", "prompt", true);
        if (!v || !m_r.expectObject(*v, "prompt"))
            return false;
        if (const json *text = m_r.member(*v, "prompt", "text", false)) {
            if (!m_r.toString(*text, "prompt.text", &t->promptText))
                return false;
        }
        const json *ids = m_r.member(*v, "prompt", "ids", false);
        return !ids || readIds(*ids, "prompt.ids", false, &t->promptIds);
    }

    bool readPieces(const json &root, Timeline *t)
    {
        const json *v = m_r.member(root, "", "pieces", false);
        if (!v)
            return true;
        if (!m_r.expectArray(*v, "pieces"))
            return false;
        t->pieces.reserve(v->size());
        for (size_t i = 0; i < v->size(); ++i) {
            const json &e = (*v)[i];
            const std::string path = Path::child("pieces", i);
            if (!e.is_array() || e.size() != 2)
                return m_r.fail(path, "expected an [id, piece] pair, got " + describeNonPair(e));
            int32_t id = 0;
            std::string piece;
            if (!readId(e[0], Path::child(path, size_t(0)), false, &id)
                || !m_r.toString(e[1], Path::child(path, size_t(1)), &piece))
                return false;
            // The JSON parser already refuses broken UTF-8; check again so no other path can slip one in.
            if (!isValidUtf8(piece))
                return m_r.fail(Path::child(path, size_t(1)), "the piece is not valid UTF-8");
            t->pieces.emplace_back(id, std::move(piece));
        }
        // Timeline::pieceOf searches by id, so the list must be sorted and free of duplicates.
        std::stable_sort(t->pieces.begin(), t->pieces.end(),
                         [](const auto &a, const auto &b) { return a.first < b.first; });
        for (size_t i = 1; i < t->pieces.size(); ++i) {
            if (t->pieces[i].first == t->pieces[i - 1].first)
                return m_r.fail("pieces", "id " + std::to_string(t->pieces[i].first) + " appears more than once");
        }
        return true;
    }

    bool readBranches(const json &root, Timeline *t)
    {
        const json *v = m_r.member(root, "", "branches", true);
        if (!v || !m_r.expectArray(*v, "branches"))
            return false;
        if (v->size() > static_cast<size_t>(kTimelineMaxBranches))
            return m_r.fail("branches", "has " + std::to_string(v->size()) + " branches, more than the limit of "
                                            + std::to_string(kTimelineMaxBranches));
        for (size_t i = 0; i < v->size(); ++i) {
            if (!readBranch((*v)[i], Path::child("branches", i), static_cast<int>(i), t))
                return false;
        }
        return true;
    }

    bool readBranch(const json &v, const std::string &path, int index, Timeline *t)
    {
        if (!m_r.expectObject(v, path))
            return false;
        Branch b;
        int id = 0;
        const json *idJ = m_r.member(v, path, "id", true);
        if (!idJ || !m_r.toInt32(*idJ, Path::child(path, "id"), 0, INT32_MAX, &id))
            return false;
        if (id != index)
            return m_r.fail(Path::child(path, "id"), "id " + std::to_string(id)
                                                         + " does not match the branch's place in the list");
        for (auto [key, out] : {std::pair{"parent", &b.parent}, std::pair{"fork_index", &b.forkIndex}}) {
            const json *j = m_r.member(v, path, key, false);
            if (j && !m_r.toInt32(*j, Path::child(path, key), -1, INT32_MAX, out))
                return false;
        }
        if (const json *label = m_r.member(v, path, "label", false)) {
            if (!m_r.toString(*label, Path::child(path, "label"), &b.label))
                return false;
        }
        const json *records = m_r.member(v, path, "records", true);
        const std::string recordsPath = Path::child(path, "records");
        if (!records || !m_r.expectArray(*records, recordsPath))
            return false;
        m_records += static_cast<int64_t>(records->size());
        if (m_records > kTimelineMaxRecords)
            return m_r.fail(recordsPath, "the file holds more than " + std::to_string(kTimelineMaxRecords)
                                             + " records, the limit for timelines");

        int inherit = 0;
        if (b.parent < 0) {
            if (b.forkIndex != -1)
                return m_r.fail(Path::child(path, "fork_index"), "must be -1 for a branch without a parent");
        } else {
            if (b.parent >= index)
                return m_r.fail(Path::child(path, "parent"), "parent " + std::to_string(b.parent)
                                                                 + " does not refer to an earlier branch");
            const int parentSize = t->branch(b.parent).size();
            const std::string forkPath = Path::child(path, "fork_index");
            if (b.forkIndex < 0 || (b.forkIndex >= parentSize && !v.contains("inherit")))
                return m_r.fail(forkPath, "fork_index " + std::to_string(b.forkIndex) + " is outside the parent "
                                              "branch (branch " + std::to_string(b.parent) + " has "
                                              + std::to_string(parentSize) + " records)");
            inherit = b.forkIndex + 1;
            if (const json *j = m_r.member(v, path, "inherit", false)) {
                if (!m_r.toInt32(*j, Path::child(path, "inherit"), 0, std::min(inherit, parentSize), &inherit))
                    return false;
                if (b.forkIndex >= inherit + static_cast<int>(records->size()))
                    return m_r.fail(forkPath, "fork_index " + std::to_string(b.forkIndex)
                                                  + " is past the end of the branch");
            }
        }
        m_references += inherit + static_cast<int64_t>(records->size());
        if (m_references > kMaxRecordRefs)
            return m_r.fail(path, "the branches refer to more than " + std::to_string(kMaxRecordRefs)
                                      + " records in total");
        if (inherit == 0 && records->empty())
            return m_r.fail(recordsPath, "a branch needs at least one record");

        b.records.reserve(static_cast<size_t>(inherit) + records->size());
        if (inherit > 0) {
            const auto &shared = t->branch(b.parent).records;
            b.records.assign(shared.begin(), shared.begin() + inherit);
        }
        for (size_t i = 0; i < records->size(); ++i) {
            StepRecord r;
            if (!readRecord((*records)[i], Path::child(recordsPath, i), &r))
                return false;
            b.records.push_back(std::make_shared<const StepRecord>(std::move(r)));
        }
        t->addBranch(std::move(b));
        return true;
    }

    bool readRecord(const json &v, const std::string &path, StepRecord *r)
    {
        if (!m_r.expectObject(v, path))
            return false;
        const json *kind = m_r.member(v, path, "kind", true);
        std::string kindName;
        if (!kind || !m_r.toString(*kind, Path::child(path, "kind"), &kindName))
            return false;
        if (!parseKind(kindName, &r->kind))
            return m_r.fail(Path::child(path, "kind"), "unknown record kind " + Path::shortText(*kind)
                                                           + " (expected initial, denoise or edit)");
        for (auto [key, out] : {std::pair{"denoise_step", &r->denoiseStep}, std::pair{"block", &r->block},
                                std::pair{"step_in_block", &r->stepInBlock}}) {
            const json *j = m_r.member(v, path, key, false);
            if (j && !m_r.toInt32(*j, Path::child(path, key), 0, INT32_MAX, out))
                return false;
        }

        const json *tokens = m_r.member(v, path, "tokens", true);
        const std::string tokensPath = Path::child(path, "tokens");
        if (!tokens || !m_r.expectArray(*tokens, tokensPath))
            return false;
        if (tokens->size() > static_cast<size_t>(kTimelineMaxCanvas))
            return m_r.fail(tokensPath, "the canvas has " + std::to_string(tokens->size())
                                            + " positions, more than the limit of "
                                            + std::to_string(kTimelineMaxCanvas));
        if (m_canvas < 0)
            m_canvas = static_cast<int>(tokens->size());
        // Views index every record of a run by the same positions, so one canvas length holds throughout.
        if (tokens->size() != static_cast<size_t>(m_canvas))
            return m_r.fail(tokensPath, "has " + std::to_string(tokens->size()) + " positions, but the "
                                            "timeline's canvas has " + std::to_string(m_canvas));
        const size_t n = tokens->size();
        if (!readIds(*tokens, tokensPath, false, &r->tokens) || !readStates(v, path, n, &r->states)
            || !readFlags(v, path, n, &r->flags) || !readPredictions(v, path, n, r))
            return false;

        const json *quota = m_r.member(v, path, "quota", false);
        if (quota && !m_r.toInt32(*quota, Path::child(path, "quota"), -1, INT32_MAX, &r->quota))
            return false;
        for (auto [key, out] : {std::pair{"threshold", &r->threshold}, std::pair{"forward_ms", &r->forwardMs},
                                std::pair{"sampler_ms", &r->samplerMs}, std::pair{"record_ms", &r->recordMs}}) {
            const json *j = m_r.member(v, path, key, false);
            if (j && !m_r.toExtendedDouble(*j, Path::child(path, key), out))
                return false;
        }
        for (auto [key, out] : {std::pair{"committed", &r->committed}, std::pair{"remasked", &r->remasked}}) {
            const json *j = m_r.member(v, path, key, false);
            if (j && !readPositions(*j, Path::child(path, key), n, out))
                return false;
        }
        const json *edit = m_r.member(v, path, "edit", false);
        return !edit || readEdit(*edit, Path::child(path, "edit"), n, &r->edit);
    }

    bool readStates(const json &v, const std::string &path, size_t n, std::vector<PositionState> *out)
    {
        const json *states = m_r.member(v, path, "states", true);
        const std::string statesPath = Path::child(path, "states");
        if (!states)
            return false;
        if (!states->is_string() && !states->is_array())
            return m_r.fail(statesPath, "expected a string of state codes, got " + Path::typeName(*states));
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
                    return m_r.fail(Path::child(statesPath, i), "unknown state code '" + printable(c)
                                                                    + "' (expected one of p m r n c e)");
                (*out)[i] = static_cast<PositionState>(static_cast<const char *>(hit) - kStateCodes);
            } else {
                const json &e = (*states)[i];
                if (!e.is_string() || !parseStateName(e.get_ref<const std::string &>(), &(*out)[i]))
                    return m_r.fail(Path::child(statesPath, i), "unknown state " + Path::shortText(e));
            }
        }
        return true;
    }

    bool readFlags(const json &v, const std::string &path, size_t n, std::vector<uint8_t> *out)
    {
        out->assign(n, 0);
        const json *flags = m_r.member(v, path, "flags", false);
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
                || !m_r.toInt32(e[1], Path::child(ePath, size_t(1)), 0, 255, &bits))
                return false;
            (*out)[static_cast<size_t>(pos)] = static_cast<uint8_t>(bits);
        }
        return true;
    }

    bool readPredictions(const json &v, const std::string &path, size_t n, StepRecord *r)
    {
        static const char *const arrays[] = {"confidence", "probability", "margin", "entropy", "top_ids",
                                             "top_probs"};
        const json *topK = m_r.member(v, path, "top_k", false);
        if (topK && !m_r.toInt32(*topK, Path::child(path, "top_k"), 0, kTimelineMaxTopK, &r->topK))
            return false;
        const json *candidates = m_r.member(v, path, "candidates", false);
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
        if (const json *layout = m_r.member(v, path, "predictions", false)) {
            sparse = layout->is_string() && layout->get_ref<const std::string &>() == "considered";
            if (!sparse)
                return m_r.fail(Path::child(path, "predictions"), "unknown layout " + Path::shortText(*layout)
                                                                      + " (expected \"considered\")");
        }
        const size_t k = static_cast<size_t>(r->topK);
        const size_t stored = sparse ? static_cast<size_t>(std::count_if(r->candidates.begin(), r->candidates.end(),
                                                                         [](int32_t c) { return c >= 0; }))
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
            const json *ids = m_r.member(v, path, "top_ids", true);
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

    bool expandPredictions(const json &v, const std::string &path, StepRecord *r)
    {
        const size_t n = r->candidates.size();
        const size_t k = static_cast<size_t>(r->topK);
        m_expanded += static_cast<int64_t>(n * (4 + 2 * k));
        if (m_expanded > kMaxExpandedValues)
            return m_r.fail(path, "the predictions would expand to more than " + std::to_string(kMaxExpandedValues)
                                      + " values in memory, the limit for timelines");
        const json *fillJ = m_r.member(v, path, "fill", true);
        const std::string fillPath = Path::child(path, "fill");
        if (!fillJ || !m_r.expectObject(*fillJ, fillPath))
            return false;
        PredictionFill fill;
        for (auto [key, out] : {std::pair{"confidence", &fill.confidence}, std::pair{"probability", &fill.probability},
                                std::pair{"margin", &fill.margin}, std::pair{"entropy", &fill.entropy},
                                std::pair{"top_prob", &fill.topProb}}) {
            const json *j = m_r.member(*fillJ, fillPath, key, true);
            if (!j || !m_r.toExtendedFloat(*j, Path::child(fillPath, key), out))
                return false;
        }
        const json *topId = m_r.member(*fillJ, fillPath, "top_id", true);
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

    bool readEdit(const json &v, const std::string &path, size_t n, EditInfo *e)
    {
        if (!m_r.expectObject(v, path))
            return false;
        const json *type = m_r.member(v, path, "type", true);
        std::string name;
        if (!type || !m_r.toString(*type, Path::child(path, "type"), &name))
            return false;
        bool known = false;
        for (auto t : {EditInfo::Type::SetTokens, EditInfo::Type::Remask, EditInfo::Type::Lock,
                       EditInfo::Type::Unlock}) {
            if (name == editTypeName(t)) {
                e->type = t;
                known = true;
            }
        }
        if (!known)
            return m_r.fail(Path::child(path, "type"), "unknown edit type " + Path::shortText(*type)
                                                           + " (expected set_tokens, remask, lock or unlock)");
        const json *positions = m_r.member(v, path, "positions", false);
        const json *tokens = m_r.member(v, path, "tokens", false);
        const json *text = m_r.member(v, path, "text", false);
        if ((positions && !readPositions(*positions, Path::child(path, "positions"), n, &e->positions))
            || (tokens && !readIds(*tokens, Path::child(path, "tokens"), false, &e->tokens))
            || (text && !m_r.toString(*text, Path::child(path, "text"), &e->text)))
            return false;
        if (e->type == EditInfo::Type::SetTokens && e->tokens.size() != e->positions.size())
            return m_r.fail(Path::child(path, "tokens"), "has " + std::to_string(e->tokens.size())
                                                             + " tokens for " + std::to_string(e->positions.size())
                                                             + " positions");
        return true;
    }

    // ---- arrays: paths are built only for the element that fails ----

    bool lengthMismatch(const std::string &path, size_t got, size_t expected, const char *what)
    {
        return m_r.fail(path, "has " + std::to_string(got) + " entries, expected " + std::to_string(expected) + " ("
                                  + what + ")");
    }

    bool readId(const json &e, const std::string &path, bool allowNone, int32_t *out)
    {
        int64_t id = 0;
        if (!intElement(e, &id))
            return m_r.fail(path, "expected a token id, got " + Path::typeName(e));
        if (id >= m_vocab || id < (allowNone ? -1 : 0))
            return m_r.fail(path, "id " + std::to_string(id) + " is outside the vocabulary ("
                                      + std::to_string(m_vocab) + ")");
        *out = static_cast<int32_t>(id);
        return true;
    }

    bool readIds(const json &a, const std::string &path, bool allowNone, std::vector<int32_t> *out)
    {
        if (!m_r.expectArray(a, path))
            return false;
        out->resize(a.size());
        const int64_t lo = allowNone ? -1 : 0;
        for (size_t i = 0; i < a.size(); ++i) {
            int64_t id = 0;
            if (!intElement(a[i], &id) || id < lo || id >= m_vocab) {
                readId(a[i], Path::child(path, i), allowNone, &(*out)[i]); // says why
                return false;
            }
            (*out)[i] = static_cast<int32_t>(id);
        }
        return true;
    }

    bool readPosition(const json &e, const std::string &path, size_t n, int32_t *out)
    {
        int64_t pos = 0;
        if (!intElement(e, &pos))
            return m_r.fail(path, "expected a position, got " + Path::typeName(e));
        if (pos < 0 || static_cast<uint64_t>(pos) >= n)
            return m_r.fail(path, "position " + std::to_string(pos) + " is outside the canvas ("
                                      + std::to_string(n) + " positions)");
        *out = static_cast<int32_t>(pos);
        return true;
    }

    bool readPositions(const json &a, const std::string &path, size_t n, std::vector<int32_t> *out)
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

    bool readFloatArray(const json &v, const std::string &path, const char *key, size_t expected,
                        const char *what, std::vector<float> *out)
    {
        const json *a = m_r.member(v, path, key, true);
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

    static bool parseKind(const std::string &name, RecordKind *out)
    {
        for (auto k : {RecordKind::Initial, RecordKind::Denoise, RecordKind::Edit}) {
            if (name == recordKindName(k)) {
                *out = k;
                return true;
            }
        }
        return false;
    }

    static std::string describeNonPair(const json &e)
    {
        return e.is_array() ? "an array of " + std::to_string(e.size()) : Path::typeName(e);
    }

    static std::string printable(char c)
    {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7f)
            return std::string(1, c);
        char hex[8];
        std::snprintf(hex, sizeof hex, "\\x%02x", u);
        return hex;
    }

    JsonFieldReader m_r;
    int m_vocab = 0;
    int m_canvas = -1; ///< canvas length of the first record; -1 until one is read
    int64_t m_records = 0;
    int64_t m_references = 0;
    int64_t m_expanded = 0;
};

} // namespace

Result<Timeline> readTimelineDocument(const json &root, const std::string &fileName)
{
    return TimelineReader(fileName).read(root);
}

} // namespace dlm::timeline_json_detail
