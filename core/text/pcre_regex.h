#pragma once
// A compiled PCRE2 regular expression in UTF and Unicode-property mode, with JIT. Tokenizer files use \p{L},
// \p{N}, possessive quantifiers and lookahead, which std::regex cannot express.

#include "core/base/result.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace dlm {

/** One compiled pattern; copies share it. Matching is thread-safe. */
class PcreRegex
{
public:
    /** Compiles `pattern`; the message says what is wrong and at which character. */
    static Result<PcreRegex> compile(const std::string &pattern);

    /**
     * Byte spans [start, end) of the successive non-overlapping, non-empty matches in `text`, which must be
     * valid UTF-8 (the tokenizer repairs its input first).
     */
    std::vector<std::pair<size_t, size_t>> findAll(const std::string &text) const;

    /** `text` with every match replaced by `replacement`, taken literally. */
    std::string replaceAll(const std::string &text, const std::string &replacement) const;

private:
    struct Code;
    explicit PcreRegex(std::shared_ptr<Code> code)
        : m_code(std::move(code))
    {
    }
    std::shared_ptr<Code> m_code;
};

} // namespace dlm
