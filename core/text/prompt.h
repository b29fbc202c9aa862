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

/**
 * Encodes a prompt in which `maskPiece` (e.g. "<|mdm_mask|>") or "[MASK]" stand for masked positions, so
 * users can write infilling prompts like "In the beginning [MASK] [MASK] created". The text between markers
 * is encoded segment by segment and each marker becomes `maskId`. Because each segment is encoded on its
 * own, whitespace next to a marker is dropped and every segment starts a new word ("▁"): a mask stands for
 * whole tokens, including the word-start the model is expected to predict. Fails when the text has a
 * marker but `maskId` is negative (the model has no mask token); an empty `maskPiece` leaves only "[MASK]".
 */
Result<std::vector<int32_t>> encodePrompt(
    const Tokenizer &tok, const std::string &text, int32_t maskId, const std::string &maskPiece);

} // namespace dlm
