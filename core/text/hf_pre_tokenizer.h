#pragma once
// The pre-tokenizer stage of a Hugging Face tokenizer.json: it cuts normalized text into the words that the
// BPE model encodes one by one. ByteLevel, Split, Digits, Metaspace, Whitespace, WhitespaceSplit, Punctuation,
// CharDelimiterSplit and Sequence are supported.

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace dlm {

/** One piece of text on its way to the model. */
struct PreToken
{
    std::string text;
    /** Whether it starts at the start of the input (Metaspace's prepend_scheme "first" looks at this). */
    bool atStart = false;
};

/** A pre-tokenizer: replaces the list of pieces by a finer one. */
using HfPreTokenizer = std::function<void(std::vector<PreToken> &)>;

/** Builds the pre-tokenizer at JSON path `path`; an empty function for null. Throws HfFormatError. */
HfPreTokenizer makeHfPreTokenizer(const nlohmann::json &j, const std::string &path);

/** How a split keeps what its pattern matched (tokenizers' SplitDelimiterBehavior). */
enum class SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

/** A byte span of a text and whether the pattern matched it. */
struct SplitSpan
{
    size_t begin;
    size_t end;
    bool match;
};

/**
 * Cuts `token` at the matched spans `matches` (sorted, non-overlapping) as `behavior` says, with matches and
 * the text between them swapped first when `invert`; empty pieces are dropped. Exposed for tests.
 */
std::vector<PreToken> splitWithBehavior(
    const PreToken &token, const std::vector<std::pair<size_t, size_t>> &matches, SplitBehavior behavior, bool invert);

} // namespace dlm
