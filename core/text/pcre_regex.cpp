#include "core/text/pcre_regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace dlm {

struct PcreRegex::Code
{
    pcre2_code *code = nullptr;
    ~Code() { pcre2_code_free(code); }
};

Result<PcreRegex> PcreRegex::compile(const std::string &pattern)
{
    int errorCode = 0;
    PCRE2_SIZE errorOffset = 0;
    pcre2_code *code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
        PCRE2_UTF | PCRE2_UCP, &errorCode, &errorOffset, nullptr);
    if (!code) {
        PCRE2_UCHAR buffer[256];
        pcre2_get_error_message(errorCode, buffer, sizeof buffer);
        return Result<PcreRegex>::failure("regex /" + pattern + "/ does not compile: "
            + reinterpret_cast<const char *>(buffer) + " at offset " + std::to_string(errorOffset));
    }
    // JIT is only a speed-up: a pattern it cannot take still matches through the interpreter.
    pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
    auto shared = std::make_shared<Code>();
    shared->code = code;
    return PcreRegex(std::move(shared));
}

std::vector<std::pair<size_t, size_t>> PcreRegex::findAll(const std::string &text) const
{
    std::vector<std::pair<size_t, size_t>> spans;
    pcre2_match_data *data = pcre2_match_data_create_from_pattern(m_code->code, nullptr);
    const auto subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    size_t start = 0;
    while (start <= text.size()) {
        const int rc = pcre2_match(m_code->code, subject, text.size(), start, PCRE2_NO_UTF_CHECK, data, nullptr);
        if (rc < 0)
            break; // no more matches (or a matching limit, which real tokenizer patterns never reach)
        const PCRE2_SIZE *ovector = pcre2_get_ovector_pointer(data);
        const size_t begin = ovector[0], end = ovector[1];
        if (end > begin) {
            spans.emplace_back(begin, end);
            start = end;
            continue;
        }
        // An empty match: step over one whole character so the next search starts on a boundary.
        if (begin >= text.size())
            break;
        size_t next = begin + 1;
        while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80)
            ++next;
        start = next;
    }
    pcre2_match_data_free(data);
    return spans;
}

std::string PcreRegex::replaceAll(const std::string &text, const std::string &replacement) const
{
    std::string out;
    size_t last = 0;
    for (const auto &[begin, end] : findAll(text)) {
        out.append(text, last, begin - last);
        out += replacement;
        last = end;
    }
    out.append(text, last, std::string::npos);
    return out;
}

} // namespace dlm
