#pragma once
// The one way the core reads JSON files (config.json, safetensors headers and indexes, generation_config.json,
// train_config.json, timelines), so that every reader applies the same rules and reports problems the same way:
//
//   file: $.path.to[3].field: what was wrong
//
// Rules, the same for every file:
// - Integers must be integral and inside the target's range. An integral number written with a fraction or
//   exponent (256.0, 2.56e2) is accepted as that integer, because Python and some exporters write integers
//   as floats; 256.9 is refused, and so is any such float above 2^53, where it may already have been rounded.
// - Numbers must be numbers (not strings or booleans) and finite.
// - Booleans must be true or false (1 and "true" are refused). Strings must be strings.
// - A missing required field is reported at its own path. Unknown keys are never an error: each parser
//   decides which keys it reads.
// - Text is refused before parsing when arrays and objects nest deeper than kJsonMaxDepth.
//
// Internal to core: only .cpp files include it, because it pulls in nlohmann/json, which the GUI's headers
// must never see.

#include "core/base/result.h"
#include "core/base/utf8.h" // isValidUtf8, which readers use on strings they pass on

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace dlm {

using Json = nlohmann::json;

/** Deepest nesting of arrays and objects any of the project's files may use (real files use at most 6). */
inline constexpr int kJsonMaxDepth = 64;

/**
 * Parses JSON text without letting an exception escape. Refuses nesting deeper than kJsonMaxDepth before
 * parsing (so a hostile file cannot exhaust the stack of code that walks the result). On failure the message
 * names the file and, from the parser, the line and column; bytes that are not printable ASCII are replaced
 * in it, so the message is always valid text. `what` says what the text is ("header" for safetensors).
 */
Result<Json> parseJson(std::string_view text, const std::string &file, const char *what = nullptr);

/** parseJson() keeping the order of object keys, for documents whose order is shown (template values). */
Result<nlohmann::ordered_json> parseOrderedJson(std::string_view text, const std::string &file);

/** Whether a field must be present. */
enum class Need { Optional, Required };

/** Reads typed fields out of a parsed document and keeps the first problem found, with its file and path. */
class JsonReader
{
public:
    explicit JsonReader(std::string file)
        : m_file(std::move(file))
    {
    }

    bool failed() const { return !m_error.empty(); }
    const std::string &error() const { return m_error; }
    const std::string &file() const { return m_file; }

    /** Records "file: path: what" unless a problem is already known; always returns false. */
    bool fail(const std::string &path, const std::string &what);

    /** The path of the document root. */
    static std::string root() { return "$"; }
    /** `path.key`, or `path["key"]` when the key is not a plain identifier (tensor names have dots). */
    static std::string child(const std::string &path, std::string_view key);
    static std::string child(const std::string &path, size_t index);

    /** "an integer", "a string", ... for messages. */
    static std::string typeName(const Json &v);
    /** A short quotation of a value: scalars as JSON (strings cut to 40 bytes), containers by type only. */
    static std::string quote(const Json &v);

    /** The integer a value holds under the rules above, without reporting; false if it holds none. */
    static bool asInteger(const Json &v, int64_t *out);

    bool expectObject(const Json &v, const std::string &path);
    bool expectArray(const Json &v, const std::string &path);

    /** The member `key` of `object` (at `path`), or nullptr when absent: a failure only when Required. */
    const Json *member(const Json &object, const std::string &path, std::string_view key, Need need);

    // Conversions of one value at `path`. Each returns false after recording the problem.
    bool toInt(const Json &v, const std::string &path, int64_t lo, int64_t hi, int64_t *out);
    bool toUInt64(const Json &v, const std::string &path, uint64_t *out);
    bool toNumber(const Json &v, const std::string &path, double *out); ///< any finite number
    bool toBool(const Json &v, const std::string &path, bool *out);
    bool toString(const Json &v, const std::string &path, std::string *out);
    /** A number that may be non-finite: the writers encode minus infinity as null, others as "inf"/"nan". */
    bool toExtendedDouble(const Json &v, const std::string &path, double *out);
    /** As toExtendedDouble, refusing finite values a float cannot hold. */
    bool toExtendedFloat(const Json &v, const std::string &path, float *out);

    /** An integer in [lo, hi] stored as T (the bounds default to T's range). */
    template<typename T>
    bool toInt(const Json &v, const std::string &path, T *out, int64_t lo = std::numeric_limits<T>::min(),
        int64_t hi = std::numeric_limits<T>::max())
    {
        int64_t i = 0;
        if (!toInt(v, path, lo, hi, &i))
            return false;
        *out = static_cast<T>(i);
        return true;
    }

    // Fields of an object: absent optional fields leave *out alone and return true.
    template<typename T>
    bool readInt(const Json &object, const std::string &path, std::string_view key, T *out, Need need = Need::Optional,
        int64_t lo = std::numeric_limits<T>::min(), int64_t hi = std::numeric_limits<T>::max())
    {
        const Json *v = member(object, path, key, need);
        return v ? toInt(*v, child(path, key), out, lo, hi) : need == Need::Optional;
    }
    bool readUInt64(
        const Json &object, const std::string &path, std::string_view key, uint64_t *out, Need need = Need::Optional);
    bool readNumber(
        const Json &object, const std::string &path, std::string_view key, double *out, Need need = Need::Optional);
    bool readBool(
        const Json &object, const std::string &path, std::string_view key, bool *out, Need need = Need::Optional);
    bool readString(const Json &object, const std::string &path, std::string_view key, std::string *out,
        Need need = Need::Optional);

private:
    std::string m_file;
    std::string m_error;
};


} // namespace dlm
