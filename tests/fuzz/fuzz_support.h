#pragma once
// What the fuzz targets share: one input split into the several files a loader reads, a tokenizer workout,
// and the promises every failure keeps. A broken promise aborts, which libFuzzer reports as a crash with
// the input that caused it, so "never a crash" here includes "never a message that floods the terminal".

#include "core/base/utf8.h"
#include "core/text/tokenizer.h"

#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace dlm::fuzz {

/** A failure message longer than this floods a terminal (the issue saw a 4 GB one); real ones are < 400. */
inline constexpr size_t kMaxMessageBytes = 4096;

/** Aborts with `what` (and the start of `detail`): a promise of the code under test was broken. */
[[noreturn]] inline void fail(const char *what, const std::string &detail = {})
{
    std::fprintf(stderr, "fuzz check failed: %s: %s\n", what, detail.substr(0, 2000).c_str());
    std::abort();
}

inline void check(bool ok, const char *what, const std::string &detail = {})
{
    if (!ok)
        fail(what, detail);
}

/** A load failure's message: not empty, one line, bounded, valid UTF-8. */
inline void checkMessage(const std::string &message)
{
    check(!message.empty(), "empty failure message");
    check(message.find('\n') == std::string::npos, "failure message of more than one line", message);
    check(message.size() <= kMaxMessageBytes, "failure message too long", message);
    check(isValidUtf8(message), "failure message is not UTF-8", message);
}

/** The parts of an input separated by NUL bytes (which no text file of these formats holds), at most `count`:
 *  the last part keeps any further NULs. Missing parts are absent, so targets can tell "no file" apart. */
inline std::vector<std::string> splitParts(const uint8_t *data, size_t size, size_t count)
{
    std::vector<std::string> parts;
    std::string current;
    for (size_t i = 0; i < size; ++i) {
        if (data[i] == 0 && parts.size() + 1 < count) {
            parts.push_back(current);
            current.clear();
        } else {
            current.push_back(char(data[i]));
        }
    }
    parts.push_back(current);
    return parts;
}

/** Encodes and decodes a little text, and decodes ids no file gives a token: none of it may crash. */
inline void exerciseTokenizer(const Tokenizer &tokenizer, const std::string &text)
{
    const int vocab = tokenizer.vocabSize();
    for (const std::string &sample : {text, std::string("Hello world! <|endoftext|> \xc3\xa9\xe4\xb8\xad 123\n\t"),
             std::string("\xff\xfe broken \xc3")}) {
        const std::vector<int32_t> ids = tokenizer.encode(sample);
        tokenizer.decode(ids);
        for (size_t i = 0; i < ids.size() && i < 64; ++i)
            tokenizer.piece(ids[i]);
    }
    const std::vector<int32_t> odd = {-1, 0, 1, vocab - 1, vocab, vocab + 1000, INT32_MAX, INT32_MIN};
    tokenizer.decode(odd);
    for (int32_t id : odd)
        tokenizer.piece(id);
    tokenizer.pieceToId(text);
}

} // namespace dlm::fuzz
