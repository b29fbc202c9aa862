#pragma once
// Turning what a user types into prompt ids (the reverse, pieces to text, is piece_text.h).

#include "core/base/result.h"
#include "core/text/tokenizer.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dlm {

/** The short mask marker users may type instead of the model's own mask piece. */
inline constexpr const char *kMaskAlias = "[MASK]";
/** "[MASK:N]" stands for N masks in a row. */
inline constexpr const char *kMaskCountPrefix = "[MASK:";
/** The largest N of "[MASK:N]" when the caller names no length limit. */
inline constexpr int kMaxMaskCount = 32768;

/**
 * Encodes a prompt in which `maskPiece` (e.g. "<|mdm_mask|>") or "[MASK]" stand for one masked position and
 * "[MASK:N]" for N of them, so users can write infilling prompts like "In the beginning [MASK:2] created".
 * The text between markers is encoded segment by segment and each marker becomes `maskId` (N times).
 * A mask stands for whole tokens, the space of its first word included: whitespace before a marker is
 * dropped, and text glued to a marker's end ("[MASK].") continues the word, without a word-start of its own.
 * Fails when the text has a marker but `maskId` is negative (the model has no mask token), or N is not a
 * whole number from 1 to `lengthLimit`; an empty `maskPiece` leaves only "[MASK]" and "[MASK:N]".
 */
Result<std::vector<int32_t>> encodePrompt(const Tokenizer &tok, const std::string &text, int32_t maskId,
    const std::string &maskPiece, int lengthLimit = kMaxMaskCount);

} // namespace dlm
