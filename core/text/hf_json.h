#pragma once
// Reading tokenizer.json: typed field access that names the JSON path of whatever is missing or wrong. The
// builders throw HfFormatError deep inside the tree; HfTokenizer's loader catches it once and turns it into a
// Result carrying "file: path: what", so no stage needs to pass errors up by hand. The rules are the project's
// one set (core/base/json_reader.h): integral integers, real booleans, strings, the nesting limit; only the
// way a failure travels (an exception out of a deep builder) is this file's own.

#include "core/base/json_reader.h"
#include "core/base/message_quote.h"
#include "core/base/result.h"

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

namespace dlm {

/** A tokenizer file that does not say what the engine needs; the message starts with the JSON path. */
class HfFormatError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/** "path.key", or "key" at the top level. */
inline std::string hfPath(const std::string &path, const std::string &key)
{
    return path.empty() ? key : path + "." + key;
}

[[noreturn]] inline void hfFail(const std::string &path, const std::string &what)
{
    // Names and values in the message come from the file: one line of valid UTF-8 whatever they hold (fuzzing
    // found a decoder type with a line break in it).
    throw HfFormatError(messageQuote(path + ": " + what, 2000));
}

/** The member `key` of object `j`, which must be present and not null. */
inline const nlohmann::json &hfRequire(const nlohmann::json &j, const std::string &path, const char *key)
{
    if (!j.is_object())
        hfFail(path, "expected an object");
    const auto it = j.find(key);
    if (it == j.end() || it->is_null())
        hfFail(hfPath(path, key), "missing");
    return *it;
}

inline std::string hfString(const nlohmann::json &j, const std::string &path, const char *key)
{
    const nlohmann::json &v = hfRequire(j, path, key);
    if (!v.is_string())
        hfFail(hfPath(path, key), "expected a string, got " + JsonReader::quote(v));
    return v.get<std::string>();
}

/** An optional string member: `fallback` when absent or null. */
inline std::string hfStringOr(
    const nlohmann::json &j, const std::string &path, const char *key, const std::string &fallback)
{
    const auto it = j.find(key);
    if (it == j.end() || it->is_null())
        return fallback;
    if (!it->is_string())
        hfFail(hfPath(path, key), "expected a string, got " + JsonReader::quote(*it));
    return it->get<std::string>();
}

inline bool hfBoolOr(const nlohmann::json &j, const std::string &path, const char *key, bool fallback)
{
    const auto it = j.find(key);
    if (it == j.end() || it->is_null())
        return fallback;
    if (!it->is_boolean())
        hfFail(hfPath(path, key), "expected true or false, got " + JsonReader::quote(*it));
    return it->get<bool>();
}

inline long long hfIntOr(const nlohmann::json &j, const std::string &path, const char *key, long long fallback)
{
    const auto it = j.find(key);
    if (it == j.end() || it->is_null())
        return fallback;
    int64_t value = 0;
    if (!JsonReader::asInteger(*it, &value))
        hfFail(hfPath(path, key), "expected an integer, got " + JsonReader::quote(*it));
    return value;
}

/**
 * A token id: an integer (under the JSON reader's rules) from 0 to 16,777,215. The tokenizer keeps a table
 * indexed by id, so the bound is what one id may cost: published vocabularies stay under 300,000, and a
 * fuzzed 60-million id in an 80-byte vocab.json took 2 GB before this limit.
 */
inline int32_t hfId(const nlohmann::json &v, const std::string &path)
{
    constexpr int64_t kMaxTokenId = (int64_t(1) << 24) - 1;
    int64_t id = -1;
    if (!JsonReader::asInteger(v, &id) || id < 0 || id > kMaxTokenId)
        hfFail(path, "expected a token id (an integer from 0 to 16777215), got " + JsonReader::quote(v));
    return static_cast<int32_t>(id);
}

/** The array member `key`. */
inline const nlohmann::json &hfArray(const nlohmann::json &j, const std::string &path, const char *key)
{
    const nlohmann::json &v = hfRequire(j, path, key);
    if (!v.is_array())
        hfFail(hfPath(path, key), "expected an array, got " + JsonReader::typeName(v));
    return v;
}

/** Reads and parses the JSON file at `path` with parseJson() (the nesting limit included); the message names
 *  the file and, for bad JSON, where parsing stopped. */
Result<nlohmann::json> readJsonFile(const std::string &path);

} // namespace dlm
