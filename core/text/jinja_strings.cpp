#include "core/text/jinja_strings.h"

#include "core/text/jinja_builtins.h"

#include <algorithm>
#include <set>

namespace dlm::jinja {

namespace {

bool isWhitespace(const std::string &c)
{
    // Python's str.isspace for the characters chat templates meet: ASCII whitespace, NEL and NBSP.
    static const std::set<std::string> spaces
        = {" ", "\t", "\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x1f", "\xc2\x85", "\xc2\xa0"};
    return spaces.count(c) != 0;
}

bool isAsciiLetter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::string needString(const Value &v, const char *what)
{
    if (!v.isString())
        throw Error(std::string(what) + " must be a string, not " + v.typeName());
    return v.asString();
}

} // namespace

std::string pyStrip(const std::string &s, const Value &chars, bool left, bool right)
{
    const auto cs = utf8Chars(s);
    std::vector<std::string> set;
    const bool whitespace = chars.isUndefined() || chars.isNone();
    if (!whitespace)
        set = utf8Chars(needString(chars, "strip argument"));
    auto strip = [&](const std::string &c) {
        return whitespace ? isWhitespace(c) : std::find(set.begin(), set.end(), c) != set.end();
    };
    size_t begin = 0, end = cs.size();
    while (left && begin < end && strip(cs[begin]))
        ++begin;
    while (right && end > begin && strip(cs[end - 1]))
        --end;
    std::string out;
    for (size_t i = begin; i < end; ++i)
        out += cs[i];
    return out;
}

std::vector<std::string> pySplit(const std::string &s, const Value &sep, int64_t maxSplit)
{
    std::vector<std::string> parts;
    if (sep.isUndefined() || sep.isNone()) {
        const auto cs = utf8Chars(s);
        size_t i = 0;
        while (i < cs.size()) {
            while (i < cs.size() && isWhitespace(cs[i]))
                ++i;
            if (i >= cs.size())
                break;
            std::string word;
            if (maxSplit >= 0 && static_cast<int64_t>(parts.size()) >= maxSplit) {
                for (; i < cs.size(); ++i)
                    word += cs[i];
                parts.push_back(pyStrip(word, Value(), false, true));
                break;
            }
            while (i < cs.size() && !isWhitespace(cs[i]))
                word += cs[i++];
            parts.push_back(word);
        }
        return parts;
    }
    const std::string separator = needString(sep, "split separator");
    if (separator.empty())
        throw Error("empty separator");
    size_t start = 0;
    while (maxSplit < 0 || static_cast<int64_t>(parts.size()) < maxSplit) {
        const size_t at = s.find(separator, start);
        if (at == std::string::npos)
            break;
        parts.push_back(s.substr(start, at - start));
        start = at + separator.size();
    }
    parts.push_back(s.substr(start));
    return parts;
}

std::string pyReplace(
    const std::string &s, const std::string &from, const std::string &to, int64_t count, size_t maxBytes)
{
    std::string out;
    auto append = [&](const std::string &piece) {
        if (maxBytes && out.size() + piece.size() > maxBytes)
            throw Error("a value would exceed the output limit of " + std::to_string(maxBytes) + " bytes");
        out += piece;
    };
    int64_t done = 0;
    if (from.empty()) {
        // Python inserts `to` before every character and at the end.
        for (const auto &c : utf8Chars(s)) {
            if (count < 0 || done < count) {
                append(to);
                ++done;
            }
            append(c);
        }
        if (count < 0 || done < count)
            append(to);
        return out;
    }
    size_t start = 0;
    while (count < 0 || done < count) {
        const size_t at = s.find(from, start);
        if (at == std::string::npos)
            break;
        append(s.substr(start, at - start));
        append(to);
        start = at + from.size();
        ++done;
    }
    append(s.substr(start));
    return out;
}

bool isStringMethod(const std::string &name)
{
    static const std::set<std::string> methods = {"strip", "lstrip", "rstrip", "split", "startswith", "endswith",
        "upper", "lower", "replace", "title", "capitalize", "find", "count", "join", "isspace", "isdigit", "isalpha"};
    return methods.count(name) != 0;
}

static bool affixMatch(const std::string &s, const Value &affix, bool prefix)
{
    if (affix.isList()) {
        for (const auto &a : affix.list())
            if (affixMatch(s, a, prefix))
                return true;
        return false;
    }
    const std::string a = needString(affix, prefix ? "startswith argument" : "endswith argument");
    if (a.size() > s.size())
        return false;
    return prefix ? s.compare(0, a.size(), a) == 0 : s.compare(s.size() - a.size(), a.size(), a) == 0;
}

Value callStringMethod(
    const std::string &s, const std::string &name, const ValueList &args, const KeywordArgs &kwargs, size_t maxBytes)
{
    auto arg = [&](size_t i, const char *key) { return argument(args, kwargs, i, key); };
    if (name == "strip" || name == "lstrip" || name == "rstrip")
        return Value(pyStrip(s, arg(0, "chars"), name != "rstrip", name != "lstrip"));
    if (name == "split") {
        const Value maxSplit = arg(1, "maxsplit");
        ValueList out;
        for (auto &part : pySplit(s, arg(0, "sep"), maxSplit.isInt() ? maxSplit.asInt() : -1))
            out.emplace_back(part);
        return Value(std::move(out));
    }
    if (name == "startswith" || name == "endswith")
        return Value(affixMatch(s, arg(0, name == "startswith" ? "prefix" : "suffix"), name == "startswith"));
    if (name == "upper")
        return Value(pyUpper(s));
    if (name == "lower")
        return Value(pyLower(s));
    if (name == "title")
        return Value(pyTitle(s));
    if (name == "capitalize")
        return Value(pyCapitalize(s));
    if (name == "replace") {
        const Value count = arg(2, "count");
        return Value(pyReplace(s, needString(arg(0, "old"), "replace argument"),
            needString(arg(1, "new"), "replace argument"), count.isInt() ? count.asInt() : -1, maxBytes));
    }
    if (name == "find" || name == "count") {
        const std::string sub = needString(arg(0, "sub"), std::string(name + " argument").c_str());
        if (name == "find") {
            const size_t at = s.find(sub);
            return Value(at == std::string::npos ? int64_t(-1) : static_cast<int64_t>(utf8Length(s.substr(0, at))));
        }
        if (sub.empty())
            return Value(static_cast<int64_t>(utf8Length(s) + 1));
        int64_t n = 0;
        for (size_t at = s.find(sub); at != std::string::npos; at = s.find(sub, at + sub.size()))
            ++n;
        return Value(n);
    }
    if (name == "join") {
        std::string out;
        bool first = true;
        for (const auto &item : iterate(arg(0, "iterable"))) {
            out += (first ? "" : s) + needString(item, "join item");
            first = false;
            if (maxBytes && out.size() > maxBytes)
                throw Error("a value would exceed the output limit of " + std::to_string(maxBytes) + " bytes");
        }
        return Value(out);
    }
    const auto cs = utf8Chars(s);
    bool all = !cs.empty();
    for (const auto &c : cs) {
        if (name == "isspace")
            all = all && isWhitespace(c);
        else if (name == "isdigit")
            all = all && c.size() == 1 && c[0] >= '0' && c[0] <= '9';
        else
            all = all && c.size() == 1 && isAsciiLetter(c[0]);
    }
    return Value(all);
}

} // namespace dlm::jinja
