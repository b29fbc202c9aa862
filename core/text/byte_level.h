#pragma once
// GPT-2's byte-to-unicode map, used by every byte-level BPE (GPT-2, Qwen, LLaMA 3, LLaDA): each byte is shown as
// a printable character so that vocabularies are plain strings. Printable Latin-1 bytes stand for themselves;
// the other 68 (controls, space, 0x7F-0xA0, 0xAD) become U+0100.. U+0143 in byte order, so a space is "Ġ" and
// a newline "Ċ".

#include <string>

namespace dlm {

/** The UTF-8 spelling of the character that stands for `byte`. */
const std::string &byteLevelChar(unsigned char byte);

/** The byte that code point `cp` stands for, or -1 when `cp` is not in the map. */
int byteLevelByte(char32_t cp);

/** `bytes` with every byte replaced by its character. */
std::string toByteLevel(const std::string &bytes);

/**
 * The bytes a byte-level string stands for; false (and `out` unspecified) when a character is not in the map,
 * which is how added tokens such as "<|im_end|> " or text from another tokenizer are told apart.
 */
bool fromByteLevel(const std::string &text, std::string &out);

} // namespace dlm
