#pragma once
// The BPE model of a Hugging Face tokenizer.json: a vocabulary and ranked merges that turn one pre-tokenized
// word into token ids, with the options real files use (byte_fallback, ignore_merges, fuse_unk, unk_token,
// continuing_subword_prefix, end_of_word_suffix).

#include <nlohmann/json.hpp>

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace dlm {

/** A loaded BPE vocabulary and merge table. Thread-safe for concurrent const calls. */
class BpeModel
{
public:
    /**
     * Builds the model from the "model" object at JSON path `path`. Throws HfFormatError for another model
     * type ("not supported", naming it), a merge naming a token the vocabulary lacks, or a bad field.
     */
    explicit BpeModel(const nlohmann::json &model, const std::string &path);

    /** Appends the ids of `word` (one pre-token) to `out`. */
    void encodeWord(const std::string &word, std::vector<int32_t> &out) const;

    /** The id of `token`, or -1. */
    int32_t tokenToId(const std::string &token) const;
    /** The token of `id`, or nullptr when the vocabulary has none. */
    const std::string *idToToken(int32_t id) const;
    /** One more than the largest id in the vocabulary. */
    int32_t idLimit() const { return static_cast<int32_t>(m_tokens.size()); }
    int32_t unkId() const { return m_unkId; }

private:
    void mergeSymbols(std::vector<int32_t> &symbols) const;

    std::unordered_map<std::string, int32_t> m_vocab;
    std::vector<std::string> m_tokens; // by id; "" where the ids have a gap
    std::vector<bool> m_hasToken;
    // (left id << 32 | right id) -> (rank, merged id)
    std::unordered_map<uint64_t, std::pair<int32_t, int32_t>> m_merges;
    std::string m_unkToken;
    int32_t m_unkId = -1;
    std::string m_prefix; // continuing_subword_prefix
    std::string m_suffix; // end_of_word_suffix
    bool m_byteFallback = false;
    bool m_ignoreMerges = false;
    bool m_fuseUnk = false;
    int32_t m_byteIds[256];

    // Words repeat (the, of, Ġand): most of encoding is a lookup here.
    mutable std::mutex m_cacheMutex;
    mutable std::unordered_map<std::string, std::vector<int32_t>> m_cache;
};

} // namespace dlm
