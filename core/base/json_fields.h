#pragma once
// Typed, checked access to parsed JSON for the core's file readers, so that every reader reports problems
// the same way: "file: json.path: what was wrong". Internal to core: only .cpp files include it, because it
// pulls in nlohmann/json, which the GUI's headers should never see.

#include <nlohmann/json.hpp>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

namespace dlm {

/** Reads fields out of a parsed document and keeps the first problem found, with its file and path. */
class JsonFieldReader
{
public:
    using json = nlohmann::json;

    explicit JsonFieldReader(std::string file) : m_file(std::move(file)) {}

    bool failed() const { return !m_error.empty(); }
    const std::string &error() const { return m_error; }

    /** Records `what` at `path` (empty: the whole document) unless a problem is already known; returns false. */
    bool fail(const std::string &path, const std::string &what)
    {
        if (m_error.empty())
            m_error = path.empty() ? m_file + ": " + what : m_file + ": " + path + ": " + what;
        return false;
    }

    // Paths are built only when a problem is reported or a nested value is entered, never per array element.
    static std::string child(const std::string &path, const char *key)
    {
        return path.empty() ? std::string(key) : path + "." + key;
    }
    static std::string child(const std::string &path, size_t index)
    {
        return path + "[" + std::to_string(index) + "]";
    }

    static std::string typeName(const json &v)
    {
        switch (v.type()) {
        case json::value_t::null: return "null";
        case json::value_t::boolean: return "a boolean";
        case json::value_t::string: return "a string";
        case json::value_t::array: return "an array";
        case json::value_t::object: return "an object";
        case json::value_t::number_float: return "a fractional number";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned: return "an integer";
        default: return "an unsupported value";
        }
    }

    /**
     * A short quotation of a value for messages: scalars as JSON (strings cut to 40 bytes), containers by
     * type only, since dumping a hostile, deeply nested value would recurse without bound.
     */
    static std::string shortText(const json &v)
    {
        if (v.is_string()) {
            const std::string &s = v.get_ref<const std::string &>();
            const json cut = s.size() > 40 ? json(s.substr(0, 40) + "...") : v;
            return cut.dump(-1, ' ', false, json::error_handler_t::replace);
        }
        if (v.is_primitive())
            return v.dump();
        return typeName(v);
    }

    bool expectObject(const json &v, const std::string &path)
    {
        return v.is_object() || fail(path, "expected an object, got " + typeName(v));
    }
    bool expectArray(const json &v, const std::string &path)
    {
        return v.is_array() || fail(path, "expected an array, got " + typeName(v));
    }

    /** The member `key` of the object at `path`, or nullptr when absent (a failure only if `required`). */
    const json *member(const json &object, const std::string &path, const char *key, bool required)
    {
        const auto it = object.find(key);
        if (it != object.end())
            return &*it;
        if (required)
            fail(path, std::string("the required field \"") + key + "\" is missing");
        return nullptr;
    }

    /** An integer within [lo, hi]; fractional numbers are refused rather than silently truncated. */
    bool toInt(const json &v, const std::string &path, int64_t lo, int64_t hi, int64_t *out)
    {
        if (v.is_number_unsigned()) {
            const uint64_t u = v.get<uint64_t>();
            if (hi < 0 || u > static_cast<uint64_t>(hi))
                return outOfRange(path, std::to_string(u), lo, hi);
            *out = static_cast<int64_t>(u);
            return true;
        }
        if (v.is_number_integer()) {
            const int64_t i = v.get<int64_t>();
            if (i < lo || i > hi)
                return outOfRange(path, std::to_string(i), lo, hi);
            *out = i;
            return true;
        }
        return fail(path, "expected an integer, got " + typeName(v));
    }

    /** An integer within [lo, hi], which the caller keeps inside int32 range. */
    bool toInt32(const json &v, const std::string &path, int64_t lo, int64_t hi, int32_t *out)
    {
        int64_t i = 0;
        if (!toInt(v, path, lo, hi, &i))
            return false;
        *out = static_cast<int32_t>(i);
        return true;
    }

    bool toUInt64(const json &v, const std::string &path, uint64_t *out)
    {
        if (v.is_number_unsigned()) {
            *out = v.get<uint64_t>();
            return true;
        }
        if (v.is_number_integer()) {
            if (v.get<int64_t>() < 0)
                return fail(path, "expected a non-negative integer, got " + std::to_string(v.get<int64_t>()));
            *out = static_cast<uint64_t>(v.get<int64_t>());
            return true;
        }
        return fail(path, "expected a non-negative integer, got " + typeName(v));
    }

    /** Any finite JSON number. */
    bool toNumber(const json &v, const std::string &path, double *out)
    {
        if (!v.is_number())
            return fail(path, "expected a number, got " + typeName(v));
        *out = v.get<double>();
        return true;
    }

    bool toBool(const json &v, const std::string &path, bool *out)
    {
        if (!v.is_boolean())
            return fail(path, "expected true or false, got " + typeName(v));
        *out = v.get<bool>();
        return true;
    }

    bool toString(const json &v, const std::string &path, std::string *out)
    {
        if (!v.is_string())
            return fail(path, "expected a string, got " + typeName(v));
        *out = v.get<std::string>();
        return true;
    }

    /**
     * A number that may be non-finite. JSON has no infinities or NaN, so the writers encode minus infinity
     * (the common "not considered" confidence) as null and the rare others as the strings "inf" and "nan".
     */
    bool toExtendedDouble(const json &v, const std::string &path, double *out)
    {
        if (v.is_number()) {
            *out = v.get<double>();
            return true;
        }
        if (v.is_null()) {
            *out = -std::numeric_limits<double>::infinity();
            return true;
        }
        if (v.is_string()) {
            const std::string &s = v.get_ref<const std::string &>();
            if (s == "-inf" || s == "inf" || s == "nan") {
                *out = s == "nan" ? std::numeric_limits<double>::quiet_NaN()
                                  : (s == "inf" ? 1.0 : -1.0) * std::numeric_limits<double>::infinity();
                return true;
            }
        }
        return fail(path, "expected a number, null (minus infinity), \"inf\" or \"nan\", got " + typeName(v));
    }

    /** As toExtendedDouble, refusing finite values a float cannot hold (converting them would be undefined). */
    bool toExtendedFloat(const json &v, const std::string &path, float *out)
    {
        double d = 0.0;
        if (!toExtendedDouble(v, path, &d))
            return false;
        if (std::isfinite(d) && std::fabs(d) > static_cast<double>(FLT_MAX))
            return fail(path, "the number " + shortText(v) + " is outside the range of a 32-bit float");
        *out = static_cast<float>(d);
        return true;
    }

private:
    bool outOfRange(const std::string &path, const std::string &value, int64_t lo, int64_t hi)
    {
        return fail(path, "the value " + value + " is outside the allowed range [" + std::to_string(lo) + ", "
                              + std::to_string(hi) + "]");
    }

    std::string m_file;
    std::string m_error;
};

/**
 * Parses JSON text without letting an exception escape; on failure the message names the file and the line
 * and column the parser stopped at. Bytes that are not printable ASCII are replaced in the message, so a
 * message quoting a broken file is itself always valid text.
 */
inline bool parseJsonText(const std::string &text, const std::string &file, nlohmann::json *out,
                          std::string *error)
{
    try {
        *out = nlohmann::json::parse(text);
        return true;
    } catch (const nlohmann::json::exception &e) {
        std::string what = e.what();
        // Drop nlohmann's "[json.exception.parse_error.101] " tag: it means nothing to a user.
        if (!what.empty() && what.front() == '[') {
            const size_t close = what.find("] ");
            if (close != std::string::npos)
                what.erase(0, close + 2);
        }
        for (char &c : what) {
            const auto u = static_cast<unsigned char>(c);
            if (u < 0x20 || u >= 0x7f)
                c = '?';
        }
        *error = file + ": not valid JSON: " + what;
        return false;
    }
}

/** True if `s` is well-formed UTF-8 (no overlong forms, surrogates or code points above U+10FFFF). */
inline bool isValidUtf8(const std::string &s)
{
    size_t i = 0;
    const size_t n = s.size();
    while (i < n) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        int extra = 0;
        uint32_t cp = 0;
        uint32_t min = 0;
        if ((c & 0xE0) == 0xC0) {
            extra = 1, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (i + static_cast<size_t>(extra) >= n)
            return false;
        for (int k = 1; k <= extra; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + static_cast<size_t>(k)]);
            if ((cc & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += static_cast<size_t>(extra) + 1;
    }
    return true;
}

} // namespace dlm
