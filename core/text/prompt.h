#pragma once
// Turning what a user types into prompt ids, and token pieces into what a view shows.

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
Result<std::vector<int32_t>> encodePrompt(const Tokenizer &tok, const std::string &text, int32_t maskId,
                                          const std::string &maskPiece);

/**
 * The text a view shows for a piece: "▁" (U+2581) becomes a space and a byte piece such as "<0x0A>"
 * becomes the byte it stands for (here a newline). Other pieces are returned unchanged. A byte piece above
 * 0x7F is one byte of a longer UTF-8 sequence and is returned as that raw byte.
 */
std::string displayPiece(const std::string &piece);

} // namespace dlm
