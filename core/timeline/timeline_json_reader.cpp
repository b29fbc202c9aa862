// Reading timeline files: every field is checked before use, sizes are bounded before allocation, and the
// first problem is reported with the file name and the JSON path.
#include "core/timeline/timeline_json.h"
#include "core/timeline/timeline_json_internal.h"

#include "core/sampling/settings_json.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace dlm::timeline_json_detail {

namespace {

/** Why settings cannot be a run's (outside the values' domains, not today's limits); empty when they can. */
std::string impossibleSetting(const GenerationSettings &s)
{
    if (s.genLength < 1)
        return "gen-length must be at least 1, got " + std::to_string(s.genLength);
    if (s.blockLength < 1)
        return "block-length must be at least 1, got " + std::to_string(s.blockLength);
    if (!s.useThreshold && s.steps < 1)
        return "steps must be at least 1, got " + std::to_string(s.steps);
    if (!std::isfinite(s.temperature) || s.temperature < 0)
        return "temperature must be a finite number >= 0";
    if (!std::isfinite(s.cfgScale) || s.cfgScale < 0)
        return "cfg scale must be a finite number >= 0";
    if (s.useThreshold && !std::isfinite(s.threshold))
        return "threshold must be a finite number";
    // Probabilities and margins lie in [0, 1] and minus an entropy is <= 0: a tau outside never decides.
    if (s.useThreshold && s.measure != ConfidenceMeasure::Entropy && (s.threshold < 0 || s.threshold > 1))
        return "threshold must be between 0 and 1 for the " + std::string(measureName(s.measure)) + " measure";
    if (s.useThreshold && s.measure == ConfidenceMeasure::Entropy && s.threshold > 0)
        return "threshold must be <= 0 for the entropy measure";
    if (s.topK < 0)
        return "top-k must be at least 0, got " + std::to_string(s.topK);
    if (s.threads < 0)
        return "threads must be at least 0 (auto), got " + std::to_string(s.threads);
    return {};
}

/** Reads a parsed timeline document and checks everything; stops at the first problem. */
class TimelineReader
{
public:
    explicit TimelineReader(const std::string &file)
        : m_r(file)
    {
    }
    TimelineReader(const TimelineReader &) = delete; // m_records refers to m_r
    TimelineReader &operator=(const TimelineReader &) = delete;

    Result<Timeline> read(const json &root)
    {
        Timeline t;
        if (!readHeader(root) || !readModel(root, &t.model) || !readSettings(root, &t.settings) || !readPrompt(root, &t)
            || !readPieces(root, &t) || !readSpecialIds(root, &t) || !readBranches(root, &t))
            return Result<Timeline>::failure(m_r.error());
        return t;
    }

private:
    using Path = JsonReader;

    bool readHeader(const json &root)
    {
        if (!root.is_object())
            return m_r.fail(
                "$", "not a DLM Studio timeline (the document is " + Path::typeName(root) + ", expected an object)");
        const auto format = root.find("format");
        if (format == root.end())
            return m_r.fail("$", "not a DLM Studio timeline (no \"format\" field)");
        if (!format->is_string() || format->get_ref<const std::string &>() != kTimelineFormatName)
            return m_r.fail(
                "$.format", "expected \"" + std::string(kTimelineFormatName) + "\", got " + Path::quote(*format));
        int64_t version = 0;
        const json *v = m_r.member(root, "$", "version", Need::Required);
        if (!v || !m_r.toInt(*v, "$.version", INT64_MIN, INT64_MAX, &version))
            return false;
        if (version > kTimelineFormatVersion)
            return m_r.fail("$",
                "written by a newer DLM Studio (version " + std::to_string(version) + "); this build reads up to "
                    + std::to_string(kTimelineFormatVersion));
        if (version < 1)
            return m_r.fail("$.version", "unsupported version " + std::to_string(version));
        return true;
    }

    bool readModel(const json &root, ModelIdentity *m)
    {
        const json *v = m_r.member(root, "$", "model", Need::Required);
        if (!v || !m_r.expectObject(*v, "$.model"))
            return false;
        const json *vocab = m_r.member(*v, "$.model", "vocab_size", Need::Required);
        if (!vocab || !m_r.toInt(*vocab, "$.model.vocab_size", &m->vocabSize, 1, kTimelineMaxVocab))
            return false;
        m_records.setVocabulary(m->vocabSize);
        for (auto [key, out] : {std::pair {"mask_id", &m->maskId}, std::pair {"eos_id", &m->eosId}}) {
            const json *id = m_r.member(*v, "$.model", key, Need::Optional);
            if (id && !m_r.toInt(*id, Path::child("$.model", key), out, -1, m->vocabSize - 1))
                return false;
        }
        for (auto [key, out] : {std::pair {"name", &m->name}, std::pair {"config_sha256", &m->configHash},
                 std::pair {"tokenizer_sha256", &m->tokenizerHash}, std::pair {"family", &m->family}}) {
            const json *s = m_r.member(*v, "$.model", key, Need::Optional);
            if (s && !m_r.toString(*s, Path::child("$.model", key), out))
                return false;
        }
        return true;
    }

    bool readSettings(const json &root, GenerationSettings *s)
    {
        // Values no run can have are refused (a file saying gen_length -1 or threshold -1e39 was not written
        // by a run, and exports and views trust the settings: planned steps, block marks). Today's upper
        // limits are not applied: replay needs only the records, and a file must stay readable when they
        // tighten later.
        const json *v = m_r.member(root, "$", "settings", Need::Required);
        if (!v || !applySettingsJson(*v, "$.settings", m_r, s))
            return false;
        const std::string impossible = impossibleSetting(*s);
        return impossible.empty() || m_r.fail("$.settings", impossible);
    }

    bool readPrompt(const json &root, Timeline *t)
    {
        const json *v = m_r.member(root, "$", "prompt", Need::Required);
        if (!v || !m_r.expectObject(*v, "$.prompt"))
            return false;
        if (const json *text = m_r.member(*v, "$.prompt", "text", Need::Optional)) {
            if (!m_r.toString(*text, "$.prompt.text", &t->promptText))
                return false;
        }
        const json *ids = m_r.member(*v, "$.prompt", "ids", Need::Optional);
        if (ids && !m_records.readIds(*ids, "$.prompt.ids", false, &t->promptIds))
            return false;
        const json *messages = m_r.member(*v, "$.prompt", "messages", Need::Optional);
        return !messages || readMessages(*messages, t);
    }

    /** The conversation a chat prompt was rendered from: [{"role": ..., "content": ...}, ...]. */
    bool readMessages(const json &v, Timeline *t)
    {
        if (!m_r.expectArray(v, "$.prompt.messages"))
            return false;
        for (size_t i = 0; i < v.size(); ++i) {
            const std::string path = Path::child("$.prompt.messages", i);
            ChatMessage m;
            if (!m_r.expectObject(v[i], path) || !m_r.readString(v[i], path, "role", &m.role, Need::Required)
                || !m_r.readString(v[i], path, "content", &m.content, Need::Required))
                return false;
            t->chatMessages.push_back(std::move(m));
        }
        return true;
    }

    bool readSpecialIds(const json &root, Timeline *t)
    {
        const json *v = m_r.member(root, "$", "special_ids", Need::Optional);
        if (!v)
            return true;
        if (!m_records.readIds(*v, "$.special_ids", false, &t->specialIds))
            return false;
        // Timeline::isSpecial searches the list.
        std::sort(t->specialIds.begin(), t->specialIds.end());
        t->specialIds.erase(std::unique(t->specialIds.begin(), t->specialIds.end()), t->specialIds.end());
        return true;
    }

    bool readPieces(const json &root, Timeline *t)
    {
        const json *v = m_r.member(root, "$", "pieces", Need::Optional);
        if (!v)
            return true;
        if (!m_r.expectArray(*v, "$.pieces"))
            return false;
        t->pieces.reserve(v->size());
        for (size_t i = 0; i < v->size(); ++i) {
            const json &e = (*v)[i];
            const std::string path = Path::child("$.pieces", i);
            if (!e.is_array() || e.size() != 2)
                return m_r.fail(path, "expected an [id, piece] pair, got " + RecordReader::describeNonPair(e));
            int32_t id = 0;
            std::string piece;
            if (!m_records.readId(e[0], Path::child(path, size_t(0)), false, &id)
                || !m_r.toString(e[1], Path::child(path, size_t(1)), &piece))
                return false;
            // The JSON parser already refuses broken UTF-8; check again so no other path can slip one in.
            if (!isValidUtf8(piece))
                return m_r.fail(Path::child(path, size_t(1)), "the piece is not valid UTF-8");
            t->pieces.emplace_back(id, std::move(piece));
        }
        // Timeline::pieceOf searches by id, so the list must be sorted and free of duplicates.
        std::stable_sort(
            t->pieces.begin(), t->pieces.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
        for (size_t i = 1; i < t->pieces.size(); ++i) {
            if (t->pieces[i].first == t->pieces[i - 1].first)
                return m_r.fail("$.pieces", "id " + std::to_string(t->pieces[i].first) + " appears more than once");
        }
        return true;
    }

    bool readBranches(const json &root, Timeline *t)
    {
        const json *v = m_r.member(root, "$", "branches", Need::Required);
        if (!v || !m_r.expectArray(*v, "$.branches"))
            return false;
        if (v->size() > static_cast<size_t>(kTimelineMaxBranches))
            return m_r.fail("$.branches",
                "has " + std::to_string(v->size()) + " branches, more than the limit of "
                    + std::to_string(kTimelineMaxBranches));
        for (size_t i = 0; i < v->size(); ++i) {
            if (!readBranch((*v)[i], Path::child("$.branches", i), static_cast<int>(i), t))
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
        const json *idJ = m_r.member(v, path, "id", Need::Required);
        if (!idJ || !m_r.toInt(*idJ, Path::child(path, "id"), &id, 0, INT32_MAX))
            return false;
        if (id != index)
            return m_r.fail(
                Path::child(path, "id"), "id " + std::to_string(id) + " does not match the branch's place in the list");
        for (auto [key, out] : {std::pair {"parent", &b.parent}, std::pair {"fork_index", &b.forkIndex}}) {
            const json *j = m_r.member(v, path, key, Need::Optional);
            if (j && !m_r.toInt(*j, Path::child(path, key), out, -1, INT32_MAX))
                return false;
        }
        if (const json *label = m_r.member(v, path, "label", Need::Optional)) {
            if (!m_r.toString(*label, Path::child(path, "label"), &b.label))
                return false;
        }
        if (const json *own = m_r.member(v, path, "settings", Need::Optional)) {
            // A branch run again with other settings (optional; files without it load as before).
            GenerationSettings settings = t->settings;
            if (!applySettingsJson(*own, Path::child(path, "settings"), m_r, &settings))
                return false;
            b.settings = std::make_shared<const GenerationSettings>(settings);
        }
        const json *records = m_r.member(v, path, "records", Need::Required);
        const std::string recordsPath = Path::child(path, "records");
        if (!records || !m_r.expectArray(*records, recordsPath))
            return false;
        m_recordCount += static_cast<int64_t>(records->size());
        if (m_recordCount > kTimelineMaxRecords)
            return m_r.fail(recordsPath,
                "the file holds more than " + std::to_string(kTimelineMaxRecords)
                    + " records, the limit for timelines");

        int inherit = 0;
        if (b.parent < 0) {
            if (b.forkIndex != -1)
                return m_r.fail(Path::child(path, "fork_index"), "must be -1 for a branch without a parent");
        } else {
            if (b.parent >= index)
                return m_r.fail(Path::child(path, "parent"),
                    "parent " + std::to_string(b.parent) + " does not refer to an earlier branch");
            const int parentSize = t->branch(b.parent).size();
            const std::string forkPath = Path::child(path, "fork_index");
            if (b.forkIndex < 0 || (b.forkIndex >= parentSize && !v.contains("inherit")))
                return m_r.fail(forkPath,
                    "fork_index " + std::to_string(b.forkIndex)
                        + " is outside the parent "
                          "branch (branch "
                        + std::to_string(b.parent) + " has " + std::to_string(parentSize) + " records)");
            inherit = b.forkIndex + 1;
            if (const json *j = m_r.member(v, path, "inherit", Need::Optional)) {
                if (!m_r.toInt(*j, Path::child(path, "inherit"), &inherit, 0, std::min(inherit, parentSize)))
                    return false;
                if (b.forkIndex >= inherit + static_cast<int>(records->size()))
                    return m_r.fail(
                        forkPath, "fork_index " + std::to_string(b.forkIndex) + " is past the end of the branch");
            }
        }
        m_references += inherit + static_cast<int64_t>(records->size());
        if (m_references > kMaxRecordRefs)
            return m_r.fail(
                path, "the branches refer to more than " + std::to_string(kMaxRecordRefs) + " records in total");
        if (inherit == 0 && records->empty())
            return m_r.fail(recordsPath, "a branch needs at least one record");

        b.records.reserve(static_cast<size_t>(inherit) + records->size());
        if (inherit > 0) {
            const auto &shared = t->branch(b.parent).records;
            b.records.assign(shared.begin(), shared.begin() + inherit);
        }
        for (size_t i = 0; i < records->size(); ++i) {
            StepRecord r;
            if (!m_records.readRecord((*records)[i], Path::child(recordsPath, i), &r))
                return false;
            // Checked at the first record, when the canvas length is known, before the rest are read.
            if (i == 0 && m_recordCount * r.length() > kMaxStoredPositions)
                return m_r.fail(recordsPath,
                    "the file claims " + std::to_string(m_recordCount) + " records of " + std::to_string(r.length())
                        + " positions, more than the limit of " + std::to_string(kMaxStoredPositions)
                        + " positions (records x canvas length) for timelines");
            b.records.push_back(std::make_shared<const StepRecord>(std::move(r)));
        }
        t->addBranch(std::move(b));
        return true;
    }

    JsonReader m_r;
    RecordReader m_records {m_r};
    int64_t m_recordCount = 0;
    int64_t m_references = 0;
};

} // namespace

Result<Timeline> readTimelineDocument(const json &root, const std::string &fileName)
{
    return TimelineReader(fileName).read(root);
}

} // namespace dlm::timeline_json_detail
