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
