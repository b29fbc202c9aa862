#pragma once
// Text <-> token ids. One interface so that sentencepiece (tokenizer.model) and, later, Hugging Face
// tokenizer.json implementations sit side by side and the rest of the engine never knows which it has.

#include "core/base/result.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace dlm {

/** A loaded tokenizer. Thread-safe for concurrent const calls. */
class Tokenizer
{
public:
    virtual ~Tokenizer() = default;

    virtual std::vector<int32_t> encode(const std::string &text) const = 0;
    virtual std::string decode(const std::vector<int32_t> &ids) const = 0;
    /** The piece string of one id, e.g. "▁the"; empty for ids outside the vocabulary. */
    virtual std::string piece(int32_t id) const = 0;
    /** The id of a piece, or -1 if the vocabulary has no such piece. */
    virtual int32_t pieceToId(const std::string &piece) const = 0;
    virtual int vocabSize() const = 0;
    virtual int32_t bosId() const = 0; ///< -1 when the tokenizer has none
    virtual int32_t eosId() const = 0; ///< -1 when the tokenizer has none
    virtual int32_t unkId() const = 0;
    /** Path of the file it was loaded from (used to hash it into timelines). */
    virtual std::string sourcePath() const = 0;
};

/**
 * Loads the tokenizer of a model directory: `tokenizer.model` (sentencepiece, through the plugin).
 * The message names the file and what was wrong.
 */
Result<std::shared_ptr<Tokenizer>> loadTokenizer(const std::string &modelDir);

} // namespace dlm
