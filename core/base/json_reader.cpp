#include "core/base/json_reader.h"

#include <cfloat>
#include <cmath>

namespace dlm {

namespace {

// Integral doubles above this may already have been rounded by whoever wrote them (2^53).
constexpr double kMaxExactInteger = 9007199254740992.0;

/** Refuses text nested deeper than kJsonMaxDepth; a bracket inside a string does not count. */
bool checkDepth(std::string_view text, size_t *where)
{
    int depth = 0;
    bool inString = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i; // the escaped character cannot end the string
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kJsonMaxDepth) {
                *where = i;
                return false;
            }
        } else if (c == ']' || c == '}') {
            --depth; // unbalanced text is the parser's to report
        }
    }
    return true;
}

bool isIdentifier(std::string_view key)
{
    if (key.empty() || (key[0] >= '0' && key[0] <= '9'))
        return false;
    for (char c : key) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (!ok)
            return false;
    }
    return true;
}

std::string rangeText(int64_t lo, int64_t hi)
{
    return "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
}

} // namespace

namespace {

/** parseJson() for either of nlohmann's document types: one depth limit, one way of wording parse errors. */
template<typename Document>
Result<Document> parseDocument(std::string_view text, const std::string &file, const char *what)
{
    const std::string prefix = file + ": " + (what ? std::string(what) + " is " : std::string()) + "not valid JSON: ";
    // nlohmann stops at a NUL as at the end, so "{...}\0garbage" would pass; JSON text never holds a raw NUL.
    if (const size_t nul = text.find('\0'); nul != std::string_view::npos)
        return Result<Document>::failure(
            prefix + "a NUL byte at byte " + std::to_string(nul) + " (JSON text cannot contain one)");
    size_t where = 0;
    if (!checkDepth(text, &where))
        return Result<Document>::failure(prefix + "arrays and objects nest deeper than "
            + std::to_string(kJsonMaxDepth) + " levels (at byte " + std::to_string(where)
            + "), the limit for JSON files");
    try {
        return Document::parse(text.begin(), text.end());
    } catch (const nlohmann::json::exception &e) {
        std::string message = e.what();
        // Drop nlohmann's "[json.exception.parse_error.101] " tag: it means nothing to a user.
        if (!message.empty() && message.front() == '[') {
            const size_t close = message.find("] ");
            if (close != std::string::npos)
                message.erase(0, close + 2);
        }
        for (char &c : message) {
            const auto u = static_cast<unsigned char>(c);
            if (u < 0x20 || u >= 0x7f)
                c = '?';
        }
        return Result<Document>::failure(prefix + message);
    }
}

} // namespace

Result<Json> parseJson(std::string_view text, const std::string &file, const char *what)
{
    return parseDocument<Json>(text, file, what);
}

Result<nlohmann::ordered_json> parseOrderedJson(std::string_view text, const std::string &file)
{
    return parseDocument<nlohmann::ordered_json>(text, file, nullptr);
}

bool JsonReader::fail(const std::string &path, const std::string &what)
{
    if (m_error.empty())
        m_error = m_file + ": " + (path.empty() ? root() : path) + ": " + what;
    return false;
}

std::string JsonReader::child(const std::string &path, std::string_view key)
{
    if (isIdentifier(key))
        return path + "." + std::string(key);
    // Bracket notation with the key as a JSON string, so dots and quotes inside it stay unambiguous.
    return path + "[" + Json(std::string(key)).dump(-1, ' ', false, Json::error_handler_t::replace) + "]";
}

std::string JsonReader::child(const std::string &path, size_t index)
{
    return path + "[" + std::to_string(index) + "]";
}

std::string JsonReader::typeName(const Json &v)
{
    switch (v.type()) {
    case Json::value_t::null:
        return "null";
    case Json::value_t::boolean:
        return "a boolean";
    case Json::value_t::string:
        return "a string";
    case Json::value_t::array:
        return "an array";
    case Json::value_t::object:
        return "an object";
    case Json::value_t::number_float:
        return "a fractional number";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
        return "an integer";
    default:
        return "an unsupported value";
    }
}

std::string JsonReader::quote(const Json &v)
{
    if (v.is_string()) {
        const std::string &s = v.get_ref<const std::string &>();
        const Json cut = s.size() > 40 ? Json(s.substr(0, 40) + "...") : v;
        return cut.dump(-1, ' ', false, Json::error_handler_t::replace);
    }
    if (v.is_primitive())
        return v.dump();
    // Containers by type only: dumping a large or hostile value would flood the message.
    return typeName(v);
}

bool JsonReader::asInteger(const Json &v, int64_t *out)
{
    if (v.is_number_unsigned()) {
        const uint64_t u = v.get<uint64_t>();
        if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            return false;
        *out = static_cast<int64_t>(u);
        return true;
    }
    if (v.is_number_integer()) {
        *out = v.get<int64_t>();
        return true;
    }
    if (v.is_number_float()) {
        const double d = v.get<double>();
        if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) <= kMaxExactInteger) {
            *out = static_cast<int64_t>(d);
            return true;
        }
    }
    return false;
}

bool JsonReader::expectObject(const Json &v, const std::string &path)
{
    return v.is_object() || fail(path, "expected an object, got " + quote(v));
}

bool JsonReader::expectArray(const Json &v, const std::string &path)
{
    return v.is_array() || fail(path, "expected an array, got " + quote(v));
}

const Json *JsonReader::member(const Json &object, const std::string &path, std::string_view key, Need need)
{
    if (object.is_object()) {
        const auto it = object.find(key);
        if (it != object.end())
            return &*it;
    }
    if (need == Need::Required)
        fail(child(path, key), "the required field is missing");
    return nullptr;
}

bool JsonReader::toInt(const Json &v, const std::string &path, int64_t lo, int64_t hi, int64_t *out)
{
    int64_t i = 0;
    if (!asInteger(v, &i)) {
        if (v.is_number_unsigned())
            return fail(path, "the value " + quote(v) + " is outside the allowed range " + rangeText(lo, hi));
        if (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>())
            return fail(path,
                "the value " + quote(v)
                    + " is too large to be an exact integer; write it without a fraction or exponent");
        return fail(path, "expected an integer, got " + quote(v));
    }
    if (i < lo || i > hi)
        return fail(path, "the value " + std::to_string(i) + " is outside the allowed range " + rangeText(lo, hi));
    *out = i;
    return true;
}

bool JsonReader::toUInt64(const Json &v, const std::string &path, uint64_t *out)
{
    if (v.is_number_unsigned()) {
        *out = v.get<uint64_t>();
        return true;
    }
    int64_t i = 0;
    if (!toInt(v, path, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), &i))
        return false;
    if (i < 0)
        return fail(path, "expected a non-negative integer, got " + std::to_string(i));
    *out = static_cast<uint64_t>(i);
    return true;
}

bool JsonReader::toNumber(const Json &v, const std::string &path, double *out)
{
    if (!v.is_number())
        return fail(path, "expected a number, got " + quote(v));
    const double d = v.get<double>();
    if (!std::isfinite(d))
        return fail(path, "the number " + quote(v) + " is too large");
    *out = d;
    return true;
}

bool JsonReader::toBool(const Json &v, const std::string &path, bool *out)
{
    if (!v.is_boolean())
        return fail(path, "expected true or false, got " + quote(v));
    *out = v.get<bool>();
    return true;
}

bool JsonReader::toString(const Json &v, const std::string &path, std::string *out)
{
    if (!v.is_string())
        return fail(path, "expected a string, got " + quote(v));
    *out = v.get<std::string>();
    return true;
}

bool JsonReader::toExtendedDouble(const Json &v, const std::string &path, double *out)
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
    return fail(path, "expected a number, null (minus infinity), \"inf\" or \"nan\", got " + quote(v));
}

bool JsonReader::toExtendedFloat(const Json &v, const std::string &path, float *out)
{
    double d = 0.0;
    if (!toExtendedDouble(v, path, &d))
        return false;
    if (std::isfinite(d) && std::fabs(d) > static_cast<double>(FLT_MAX))
        return fail(path, "the number " + quote(v) + " is outside the range of a 32-bit float");
    *out = static_cast<float>(d);
    return true;
}

bool JsonReader::readUInt64(const Json &object, const std::string &path, std::string_view key, uint64_t *out, Need need)
{
    const Json *v = member(object, path, key, need);
    return v ? toUInt64(*v, child(path, key), out) : need == Need::Optional;
}

bool JsonReader::readNumber(const Json &object, const std::string &path, std::string_view key, double *out, Need need)
{
    const Json *v = member(object, path, key, need);
    return v ? toNumber(*v, child(path, key), out) : need == Need::Optional;
}

bool JsonReader::readBool(const Json &object, const std::string &path, std::string_view key, bool *out, Need need)
{
    const Json *v = member(object, path, key, need);
    return v ? toBool(*v, child(path, key), out) : need == Need::Optional;
}

bool JsonReader::readString(
    const Json &object, const std::string &path, std::string_view key, std::string *out, Need need)
{
    const Json *v = member(object, path, key, need);
    return v ? toString(*v, child(path, key), out) : need == Need::Optional;
}


} // namespace dlm
