#pragma once
// Text <-> token ids. One interface so that sentencepiece (tokenizer.model) and Hugging Face (tokenizer.json,
// vocab.json + merges.txt) tokenizers sit side by side and the rest of the engine never knows which it has.

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

    /** The ids of `text`, without the special tokens (bos) a post-processor would add around it. */
    virtual std::vector<int32_t> encode(const std::string &text) const = 0;
    /** The text of `ids`; bytes cut across tokens are joined before they are read as UTF-8. */
    virtual std::string decode(const std::vector<int32_t> &ids) const = 0;
    /**
     * The piece string of one id as the vocabulary spells it, e.g. "▁the" or byte-level "Ġthe"; piece_text.h
     * turns it into shown text. Ids past the vocabulary give "" (sentencepiece) or "<unused N>" (Hugging Face).
     */
    virtual std::string piece(int32_t id) const = 0;
    /** The id of a piece, or -1 if the vocabulary has no such piece. */
    virtual int32_t pieceToId(const std::string &piece) const = 0;
    virtual int vocabSize() const = 0;
    virtual int32_t bosId() const = 0; ///< -1 when the tokenizer has none
    virtual int32_t eosId() const = 0; ///< -1 when the tokenizer has none
    virtual int32_t unkId() const = 0;
    /**
     * Whether `id` is a special token (bos, eos, a chat template's <|eot_id|>, the mask): markup the model reads
     * but people do not write, which views show in a style of their own.
     */
    virtual bool isSpecial(int32_t id) const = 0;
    /** Path of the file it was loaded from (used to hash it into timelines). */
    virtual std::string sourcePath() const = 0;
};

/**
 * Loads the tokenizer of a model directory, the first it has of `tokenizer.json`, `vocab.json` + `merges.txt`
 * and `tokenizer.model` (sentencepiece, through the plugin).
 * The message names the file and what was wrong.
 */
Result<std::shared_ptr<Tokenizer>> loadTokenizer(const std::string &modelDir);

} // namespace dlm
