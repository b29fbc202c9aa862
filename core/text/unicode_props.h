#pragma once
// Unicode normalization, case mapping and character classes for the Hugging Face tokenizer, through ICU: the
// tokenizers library uses Rust's Unicode tables, and ICU gives the same answers without a table of our own.

#include <string>

namespace dlm {

enum class NormalForm { NFC, NFD, NFKC, NFKD };

/** `text` (UTF-8) in normal form `form`; ASCII text is returned as it is, since every form leaves it unchanged. */
std::string normalizeUnicode(const std::string &text, NormalForm form);

/** Full lower-case mapping without locale rules (Rust's `str::to_lowercase`: "İ" becomes "i̇"). */
std::string lowercaseUnicode(const std::string &text);

/** The White_Space property (Rust's `char::is_whitespace`). */
bool isUnicodeWhitespace(char32_t cp);

/** ASCII punctuation and symbols, or any Unicode punctuation category P* (the tokenizers' `is_punc`). */
bool isUnicodePunctuation(char32_t cp);

/** Letters, marks and digits: what an added token with `single_word` must not touch. */
bool isUnicodeWordChar(char32_t cp);

} // namespace dlm
