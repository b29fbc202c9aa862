#pragma once
// Private to the timeline JSON writer and reader: what both sides of the format must agree on.
// Include only from timeline_json*.cpp.

#include "core/base/json_reader.h"
#include "core/base/result.h"
#include "core/timeline/timeline.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dlm::timeline_json_detail {

using json = Json;
using ojson = nlohmann::ordered_json; // the writer keeps keys in a readable order

// Shared prefixes are rebuilt as pointer copies; cap them so a file of many tiny forks of a long branch
// cannot ask for billions of pointers. Records stored in "considered" layout expand on reading; cap that too.
constexpr int64_t kMaxRecordRefs = int64_t(1) << 24;
constexpr int64_t kMaxExpandedValues = int64_t(1) << 29;
// Records x canvas length: what the views, exports and the reader itself hold per position (~60 bytes each),
// so 2^25 positions stay near 2 GB. 100,000 records of 64 positions pass; a million do not.
constexpr int64_t kMaxStoredPositions = int64_t(1) << 25;

constexpr char kStateCodes[] = {'p', 'm', 'r', 'n', 'c', 'e'}; // indexed by PositionState

/** What every position the sampler did not consider holds, when that is one value per array. */
struct PredictionFill
{
    float confidence = 0, probability = 0, margin = 0, entropy = 0, topProb = 0;
    int32_t topId = -1;
};

/**
 * Reads the records of one timeline against its vocabulary and canvas, reporting through a JsonReader that
 * the document reader owns. Keeps the running totals that bound memory (canvas length, expanded values).
 */
class RecordReader
{
public:
    explicit RecordReader(JsonReader &reader)
        : m_r(reader)
    {
    }

    void setVocabulary(int vocabSize) { m_vocab = vocabSize; }
    bool readRecord(const json &v, const std::string &path, StepRecord *r);
    bool readId(const json &e, const std::string &path, bool allowNone, int32_t *out);
    bool readIds(const json &a, const std::string &path, bool allowNone, std::vector<int32_t> *out);
    static std::string describeNonPair(const json &e);

private:
    bool readStates(const json &v, const std::string &path, size_t n, std::vector<PositionState> *out);
    bool readFlags(const json &v, const std::string &path, size_t n, std::vector<uint8_t> *out);
    bool readPredictions(const json &v, const std::string &path, size_t n, StepRecord *r);
    bool expandPredictions(const json &v, const std::string &path, StepRecord *r);
    bool readEdit(const json &v, const std::string &path, size_t n, EditInfo *e);
    bool readDream(const json &v, const std::string &path, StepRecord *r);
    bool lengthMismatch(const std::string &path, size_t got, size_t expected, const char *what);
    bool readPosition(const json &e, const std::string &path, size_t n, int32_t *out);
    bool readPositions(const json &a, const std::string &path, size_t n, std::vector<int32_t> *out);
    bool readFloatArray(const json &v, const std::string &path, const char *key, size_t expected, const char *what,
        std::vector<float> *out);
    static bool parseKind(const std::string &name, RecordKind *out);
    static std::string printable(char c);

    JsonReader &m_r;
    int m_vocab = 0;
    int m_canvas = -1; ///< canvas length of the first record; -1 until one is read
    int64_t m_expanded = 0;
};

/** A record's expert routing as the optional "experts" object (timeline_experts_json.cpp). */
ojson expertsJson(const ExpertRouting &routing);
/** Reads an "experts" object at `path` for a canvas of `n` positions; a failure names the key. */
bool readExperts(JsonReader &r, const json &v, const std::string &path, size_t n, ExpertRouting *out);

/** Reads a parsed timeline document and checks everything; stops at the first problem. */
Result<Timeline> readTimelineDocument(const json &root, const std::string &fileName);

} // namespace dlm::timeline_json_detail
