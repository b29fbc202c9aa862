#pragma once
// Token id files for training and evaluation (dlmstudio-cli tokenize writes them, train and eval read them).
//
// Layout, all little-endian: 8-byte magic "DLMIDS01", u32 vocabulary size, u32 reserved (0), then one u32 per
// token. A fixed header and raw ids keep the file trivially readable from Python
// (numpy.fromfile(path, "<u4", offset=16)) and let the reader check every id against the vocabulary once.

#include "core/base/result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dlm {

class Tokenizer;

/** A token stream and the vocabulary size it was encoded with. */
struct TokenData
{
    uint32_t vocabSize = 0;
    std::vector<int32_t> ids;
};

/** The 8 magic bytes at the start of every token file. */
inline constexpr char kTokenDataMagic[] = "DLMIDS01";
inline constexpr size_t kTokenDataHeaderSize = 16;
/** The largest vocabulary a token file may claim (16M; real ones stay under 300k). Ids are int32 and the
 *  evaluator allocates a count per vocabulary entry, so a header's 4294967295 must not pass. */
inline constexpr uint32_t kTokenDataMaxVocab = 1u << 24;

/** Reads and validates a token file: magic, size a whole number of ids, every id below the vocabulary size. */
Result<TokenData> readTokenData(const std::string &path);

/** readTokenData() on bytes held in memory; `name` stands for the file in messages. */
Result<TokenData> parseTokenData(std::string_view bytes, const std::string &name);

/** Writes a token file atomically (temporary file, then rename). Ids must be in [0, vocabSize). */
Status writeTokenData(const std::string &path, const std::vector<int32_t> &ids, uint32_t vocabSize);

/** What encoding a text file produced. */
struct EncodedText
{
    std::vector<int32_t> ids;
    int64_t lines = 0; ///< non-empty lines encoded
    int64_t unknownTokens = 0; ///< ids equal to the tokenizer's unk id
};

/**
 * Encodes a UTF-8 text file line by line (line breaks are not encoded; empty lines are skipped). With
 * `eosId` >= 0 that id is appended after every line, so documents one per line stay separated in the stream.
 */
Result<EncodedText> encodeTextFile(const Tokenizer &tokenizer, const std::string &path, int32_t eosId = -1);

} // namespace dlm
