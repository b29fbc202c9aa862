#pragma once
// Small UTF-8 helpers shared by the Hugging Face tokenizer's stages, which all walk text character by character.

#include <string>

namespace dlm {

/**
 * Length in bytes of the UTF-8 character starting at `text[pos]`, judged by its lead byte alone (1 for a stray
 * continuation byte, and never past the end), so that loops over text that is not valid UTF-8 still advance.
 */
size_t utf8CharLength(const std::string &text, size_t pos);

/** The code point starting at `text[pos]`; a malformed sequence reads as U+FFFD. */
char32_t utf8Decode(const std::string &text, size_t pos);

/** Appends code point `cp` to `out` as UTF-8. */
void utf8Append(std::string &out, char32_t cp);

/** Whether every byte is below 0x80, the common case that skips Unicode normalization. */
bool isAscii(const std::string &text);

/**
 * RFC 3629's table of well-formed sequences for one lead byte: how many bytes the character takes (0 when the
 * byte cannot start one: ASCII is 1) and the range the second byte must fall in (later bytes: 0x80-0xBF).
 * The one place the rule lives; every UTF-8 check in the project reads it.
 */
struct Utf8Lead
{
    size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
};
Utf8Lead utf8Lead(unsigned char lead);

/** Length of the well-formed character starting at `bytes[at]` (`size` bytes in all), or 0 if none starts there. */
size_t utf8WellFormedLength(const unsigned char *bytes, size_t size, size_t at);

/** Whether `bytes` is well-formed UTF-8 (RFC 3629: no overlong forms, surrogates or code points past U+10FFFF). */
bool isValidUtf8(const std::string &bytes);

} // namespace dlm

namespace dlm {

/**
 * `bytes` with every ill-formed part replaced by U+FFFD, one per maximal ill-formed subpart (what Rust's
 * String::from_utf8_lossy and the Unicode standard recommend), so a character cut at the end shows as one "�".
 */
std::string utf8Lossy(const std::string &bytes);

} // namespace dlm
