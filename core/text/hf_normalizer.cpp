#include "core/text/hf_normalizer.h"

#include "core/text/hf_json.h"
#include "core/text/pcre_regex.h"
#include "core/text/unicode_props.h"
#include "core/base/utf8.h"

#include <vector>

namespace dlm {

namespace {

std::string quoteRegex(const std::string &literal)
{
    // \Q...\E quotes everything except a literal "\E", which is split out and escaped.
    std::string out = "\\Q";
    for (size_t i = 0; i < literal.size(); ++i) {
        if (literal.compare(i, 2, "\\E") == 0) {
            out += "\\E\\\\E\\Q";
            ++i;
        } else {
            out += literal[i];
        }
    }
    return out + "\\E";
}

HfNormalizer makeStrip(const nlohmann::json &j, const std::string &path)
{
    const bool left = hfBoolOr(j, path, "strip_left", true), right = hfBoolOr(j, path, "strip_right", true);
    return [left, right](const std::string &text) {
        size_t begin = 0, end = text.size();
        while (left && begin < end && isUnicodeWhitespace(utf8Decode(text, begin)))
            begin += utf8CharLength(text, begin);
        while (right && end > begin) {
            size_t last = end - 1;
            while (last > begin && (static_cast<unsigned char>(text[last]) & 0xC0) == 0x80)
                --last;
            if (!isUnicodeWhitespace(utf8Decode(text, last)))
                break;
            end = last;
        }
        return text.substr(begin, end - begin);
    };
}

HfNormalizer makeSequence(const nlohmann::json &j, const std::string &path)
{
    const nlohmann::json &list = hfArray(j, path, "normalizers");
    std::vector<HfNormalizer> stages;
    for (size_t i = 0; i < list.size(); ++i) {
        HfNormalizer stage = makeHfNormalizer(list[i], hfPath(path, "normalizers") + "[" + std::to_string(i) + "]");
        if (stage)
            stages.push_back(std::move(stage));
    }
    return [stages](const std::string &text) {
        std::string out = text;
        for (const HfNormalizer &stage : stages)
            out = stage(out);
        return out;
    };
}

HfNormalizer makeUnicode(NormalForm form)
{
    return [form](const std::string &text) { return normalizeUnicode(text, form); };
}

} // namespace

PcreRegex makeHfPattern(const nlohmann::json &j, const std::string &path)
{
    if (!j.is_object())
        hfFail(path, "expected {\"String\": ...} or {\"Regex\": ...}");
    std::string pattern;
    std::string where;
    if (j.contains("Regex") && j["Regex"].is_string()) {
        pattern = j["Regex"].get<std::string>();
        where = hfPath(path, "Regex");
    } else if (j.contains("String") && j["String"].is_string()) {
        pattern = quoteRegex(j["String"].get<std::string>());
        where = hfPath(path, "String");
    } else {
        hfFail(path, "expected {\"String\": ...} or {\"Regex\": ...}");
    }
    Result<PcreRegex> regex = PcreRegex::compile(pattern);
    if (!regex)
        hfFail(where, regex.error());
    return *regex;
}

HfNormalizer makeHfNormalizer(const nlohmann::json &j, const std::string &path)
{
    if (j.is_null())
        return {};
    const std::string type = hfString(j, path, "type");
    if (type == "NFC")
        return makeUnicode(NormalForm::NFC);
    if (type == "NFD")
        return makeUnicode(NormalForm::NFD);
    if (type == "NFKC")
        return makeUnicode(NormalForm::NFKC);
    if (type == "NFKD")
        return makeUnicode(NormalForm::NFKD);
    if (type == "Lowercase")
        return [](const std::string &text) { return lowercaseUnicode(text); };
    if (type == "Strip")
        return makeStrip(j, path);
    if (type == "Sequence")
        return makeSequence(j, path);
    if (type == "Prepend") {
        const std::string prefix = hfString(j, path, "prepend");
        return [prefix](const std::string &text) { return text.empty() ? text : prefix + text; };
    }
    if (type == "Replace") {
        const PcreRegex pattern = makeHfPattern(hfRequire(j, path, "pattern"), hfPath(path, "pattern"));
        const std::string content = hfString(j, path, "content");
        return [pattern, content](const std::string &text) { return pattern.replaceAll(text, content); };
    }
    hfFail(hfPath(path, "type"), "normalizer type '" + type + "' is not supported");
}

} // namespace dlm
