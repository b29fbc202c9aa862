#pragma once
// A tiny sentencepiece tokenizer trained at test time, so tokenizer tests need no shipped model.

#include <string>

namespace dlm::testing {

/** Piece strings of the special tokens every tiny tokenizer has. */
inline constexpr const char *kTinyMaskPiece = "<|mdm_mask|>";
inline constexpr const char *kTinyEosPiece = "<|eot|>";

/**
 * Trains a sentencepiece model (unigram, vocabulary `vocabSize`, the two special pieces above as
 * user-defined symbols) on a small built-in English text and writes `dir/tokenizer.model`.
 * Returns an empty string on success, else the error message.
 */
std::string writeTinyTokenizer(const std::string &dir, int vocabSize = 200);

} // namespace dlm::testing
