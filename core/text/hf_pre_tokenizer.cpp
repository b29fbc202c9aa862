#include "core/text/hf_pre_tokenizer.h"

#include "core/text/byte_level.h"
#include "core/text/hf_json.h"
#include "core/text/hf_normalizer.h"
#include "core/text/pcre_regex.h"
#include "core/text/unicode_props.h"
#include "core/base/utf8.h"

namespace dlm {

namespace {

// GPT-2's word pattern, which ByteLevel applies when use_regex is true.
constexpr const char *kGpt2Pattern = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

SplitBehavior parseBehavior(const nlohmann::json &j, const std::string &path, SplitBehavior fallback)
{
    const std::string name = hfStringOr(j, path, "behavior", "");
    if (name.empty())
        return fallback;
    if (name == "Removed")
        return SplitBehavior::Removed;
    if (name == "Isolated")
        return SplitBehavior::Isolated;
    if (name == "MergedWithPrevious")
        return SplitBehavior::MergedWithPrevious;
    if (name == "MergedWithNext")
        return SplitBehavior::MergedWithNext;
    if (name == "Contiguous")
        return SplitBehavior::Contiguous;
    hfFail(hfPath(path, "behavior"), "unknown split behavior '" + name + "'");
}

/** Every character for which `pred` holds, as a one-character match. */
template<typename Pred> std::vector<std::pair<size_t, size_t>> charMatches(const std::string &text, Pred pred)
{
    std::vector<std::pair<size_t, size_t>> spans;
    for (size_t i = 0; i < text.size();) {
        const size_t length = utf8CharLength(text, i);
        if (pred(utf8Decode(text, i)))
            spans.emplace_back(i, i + length);
        i += length;
    }
    return spans;
}

/** Applies `split` (token -> pieces) to every piece of the list. */
template<typename Fn> void splitEach(std::vector<PreToken> &tokens, Fn split)
{
    std::vector<PreToken> out;
    out.reserve(tokens.size());
    for (const PreToken &token : tokens)
        for (PreToken &piece : split(token))
            out.push_back(std::move(piece));
    tokens = std::move(out);
}

template<typename Pred> HfPreTokenizer charSplitter(Pred pred, SplitBehavior behavior)
{
    return [pred, behavior](std::vector<PreToken> &tokens) {
        splitEach(tokens,
            [&](const PreToken &t) { return splitWithBehavior(t, charMatches(t.text, pred), behavior, false); });
    };
}

HfPreTokenizer regexSplitter(const PcreRegex &regex, SplitBehavior behavior, bool invert)
{
    return [regex, behavior, invert](std::vector<PreToken> &tokens) {
        splitEach(
            tokens, [&](const PreToken &t) { return splitWithBehavior(t, regex.findAll(t.text), behavior, invert); });
    };
}

HfPreTokenizer makeByteLevel(const nlohmann::json &j, const std::string &path)
{
    const bool addPrefixSpace = hfBoolOr(j, path, "add_prefix_space", true);
    const bool useRegex = hfBoolOr(j, path, "use_regex", true);
    HfPreTokenizer split;
    if (useRegex)
        split = regexSplitter(*PcreRegex::compile(kGpt2Pattern), SplitBehavior::Isolated, false);
    return [addPrefixSpace, split](std::vector<PreToken> &tokens) {
        if (addPrefixSpace)
            for (PreToken &t : tokens)
                if (t.text.empty() || t.text[0] != ' ')
                    t.text.insert(0, 1, ' ');
        if (split)
            split(tokens);
        for (PreToken &t : tokens)
            t.text = toByteLevel(t.text);
    };
}

HfPreTokenizer makeMetaspace(const nlohmann::json &j, const std::string &path)
{
    const std::string replacement = hfStringOr(j, path, "replacement", "\xE2\x96\x81");
    // Files written before prepend_scheme existed say add_prefix_space instead.
    std::string scheme = hfStringOr(j, path, "prepend_scheme", "");
    if (scheme.empty())
        scheme = hfBoolOr(j, path, "add_prefix_space", true) ? "always" : "never";
    if (scheme != "always" && scheme != "first" && scheme != "never")
        hfFail(hfPath(path, "prepend_scheme"), "expected always, first or never, not '" + scheme + "'");
    const bool split = hfBoolOr(j, path, "split", true);
    return [replacement, scheme, split](std::vector<PreToken> &tokens) {
        splitEach(tokens, [&](const PreToken &t) {
            PreToken out {std::string(), t.atStart};
            for (char c : t.text)
                c == ' ' ? out.text += replacement : out.text += c;
            const bool prepend = scheme == "always" || (scheme == "first" && t.atStart);
            if (prepend && out.text.compare(0, replacement.size(), replacement) != 0)
                out.text.insert(0, replacement);
            if (!split)
                return std::vector<PreToken> {out};
            std::vector<std::pair<size_t, size_t>> matches;
            for (size_t at = out.text.find(replacement); at != std::string::npos;
                 at = out.text.find(replacement, at + replacement.size()))
                matches.emplace_back(at, at + replacement.size());
            return splitWithBehavior(out, matches, SplitBehavior::MergedWithNext, false);
        });
    };
}

HfPreTokenizer makeSequence(const nlohmann::json &j, const std::string &path)
{
    const nlohmann::json &list = hfArray(j, path, "pretokenizers");
    std::vector<HfPreTokenizer> stages;
    for (size_t i = 0; i < list.size(); ++i) {
        HfPreTokenizer stage
            = makeHfPreTokenizer(list[i], hfPath(path, "pretokenizers") + "[" + std::to_string(i) + "]");
        if (stage)
            stages.push_back(std::move(stage));
    }
    return [stages](std::vector<PreToken> &tokens) {
        for (const HfPreTokenizer &stage : stages)
            stage(tokens);
    };
}

} // namespace

std::vector<PreToken> splitWithBehavior(
    const PreToken &token, const std::vector<std::pair<size_t, size_t>> &matches, SplitBehavior behavior, bool invert)
{
    // The whole text as alternating spans, in the order tokenizers' Pattern::find_matches gives them.
    std::vector<SplitSpan> spans;
    size_t last = 0;
    for (const auto &[begin, end] : matches) {
        if (begin > last)
            spans.push_back({last, begin, invert});
        spans.push_back({begin, end, !invert});
        last = end;
    }
    if (last < token.text.size() || spans.empty())
        spans.push_back({last, token.text.size(), invert});

    std::vector<SplitSpan> merged;
    bool previousMatch = false;
    switch (behavior) {
    case SplitBehavior::Removed:
        for (const SplitSpan &s : spans)
            if (!s.match)
                merged.push_back(s);
        break;
    case SplitBehavior::Isolated:
        merged = spans;
        break;
    case SplitBehavior::MergedWithPrevious:
        for (const SplitSpan &s : spans) {
            if (s.match && !previousMatch && !merged.empty())
                merged.back().end = s.end;
            else
                merged.push_back(s);
            previousMatch = s.match;
        }
        break;
    case SplitBehavior::MergedWithNext:
        for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
            if (it->match && !previousMatch && !merged.empty())
                merged.back().begin = it->begin;
            else
                merged.push_back(*it);
            previousMatch = it->match;
        }
        std::reverse(merged.begin(), merged.end());
        break;
    case SplitBehavior::Contiguous:
        for (const SplitSpan &s : spans) {
            if (s.match == previousMatch && !merged.empty())
                merged.back().end = s.end;
            else
                merged.push_back(s);
            previousMatch = s.match;
        }
        break;
    }

    std::vector<PreToken> out;
    out.reserve(merged.size());
    for (const SplitSpan &s : merged)
        if (s.end > s.begin)
            out.push_back({token.text.substr(s.begin, s.end - s.begin), token.atStart && s.begin == 0});
    return out;
}

HfPreTokenizer makeHfPreTokenizer(const nlohmann::json &j, const std::string &path)
{
    if (j.is_null())
        return {};
    const std::string type = hfString(j, path, "type");
    if (type == "ByteLevel")
        return makeByteLevel(j, path);
    if (type == "Metaspace")
        return makeMetaspace(j, path);
    if (type == "Sequence")
        return makeSequence(j, path);
    if (type == "Split") {
        const PcreRegex regex = makeHfPattern(hfRequire(j, path, "pattern"), hfPath(path, "pattern"));
        return regexSplitter(
            regex, parseBehavior(j, path, SplitBehavior::Isolated), hfBoolOr(j, path, "invert", false));
    }
    if (type == "Digits") {
        const bool individual = hfBoolOr(j, path, "individual_digits", false);
        return charSplitter([](char32_t c) { return c >= '0' && c <= '9'; },
            individual ? SplitBehavior::Isolated : SplitBehavior::Contiguous);
    }
    if (type == "Whitespace") // words and runs of other non-space characters, as \w+|[^\w\s]+ finds them
        return regexSplitter(*PcreRegex::compile(R"(\w+|[^\w\s]+)"), SplitBehavior::Removed, true);
    if (type == "WhitespaceSplit")
        return charSplitter(isUnicodeWhitespace, SplitBehavior::Removed);
    if (type == "Punctuation")
        return charSplitter(isUnicodePunctuation, parseBehavior(j, path, SplitBehavior::Isolated));
    if (type == "CharDelimiterSplit") {
        const std::string delimiter = hfString(j, path, "delimiter");
        const char32_t cp = delimiter.empty() ? 0 : utf8Decode(delimiter, 0);
        return charSplitter([cp](char32_t c) { return c == cp; }, SplitBehavior::Removed);
    }
    hfFail(hfPath(path, "type"), "pre-tokenizer type '" + type + "' is not supported");
}

} // namespace dlm
