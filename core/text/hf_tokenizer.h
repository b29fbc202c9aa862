#pragma once
// A Hugging Face tokenizer (tokenizer.json, or the vocab.json + merges.txt layout of GPT-2 and Qwen2) behind
// the Tokenizer interface: added tokens, normalizer, pre-tokenizer, BPE model, post-processor and decoder,
// each a stage built from its JSON object.

#include "core/text/added_vocabulary.h"
#include "core/text/bpe_model.h"
#include "core/text/hf_decoder.h"
#include "core/text/hf_normalizer.h"
#include "core/text/hf_post_processor.h"
#include "core/text/hf_pre_tokenizer.h"
#include "core/text/tokenizer.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <unordered_map>
#include <unordered_set>

namespace dlm {

/**
 * A tokenizer.json tokenizer. Ids the files give no token (a model head with more rows than the vocabulary)
 * have the piece "<unused N>" and decode to it, so that nothing a model produces can break a view.
 */
class HfTokenizer : public Tokenizer
{
public:
    /**
     * Loads `path` (a tokenizer.json); bos and eos come from a tokenizer_config.json beside it when there is one.
     * The one-line message names the file and, for a bad field, its JSON path.
     */
    static Result<std::shared_ptr<HfTokenizer>> loadFile(const std::string &path);

    /**
     * Builds the tokenizer from parsed tokenizer.json content `tokenizerJson` and tokenizer_config.json content
     * `config` (null when there is none); `sourcePath` names the file in messages and in sourcePath().
     */
    static Result<std::shared_ptr<HfTokenizer>> fromJson(
        const nlohmann::json &tokenizerJson, const nlohmann::json &config, const std::string &sourcePath);

    /** Encodes without the post-processor's special tokens (a prompt is assembled from parts). */
    std::vector<int32_t> encode(const std::string &text) const override;
    /** Encodes, with the post-processor's special tokens ("<s>" for LLaMA 2) when `addSpecialTokens`. */
    std::vector<int32_t> encode(const std::string &text, bool addSpecialTokens) const;
    std::string decode(const std::vector<int32_t> &ids) const override;
    /** Decodes, leaving out special added tokens when `skipSpecialTokens`. */
    std::string decode(const std::vector<int32_t> &ids, bool skipSpecialTokens) const;
    std::string piece(int32_t id) const override;
    int32_t pieceToId(const std::string &piece) const override;
    int vocabSize() const override;
    int32_t bosId() const override { return m_bosId; }
    int32_t eosId() const override { return m_eosId; }
    int32_t unkId() const override { return m_model->unkId(); }
    std::string sourcePath() const override { return m_path; }

    /** Whether `id` is an added token marked special (<|endoftext|>, <|mdm_mask|>). */
    bool isSpecial(int32_t id) const override { return m_specialIds.count(id) > 0; }

private:
    HfTokenizer() = default;
    void build(const nlohmann::json &j, const nlohmann::json &config);
    void encodePlain(const std::string &text, bool atStart, std::vector<int32_t> &out) const;

    std::string m_path;
    std::unique_ptr<BpeModel> m_model;
    HfNormalizer m_normalizer;
    HfPreTokenizer m_preTokenizer;
    HfPostProcessor m_postProcessor;
    HfDecoder m_decoder;
    AddedVocabulary m_added;
    std::unordered_map<int32_t, std::string> m_addedById;
    std::unordered_map<std::string, int32_t> m_addedByContent;
    std::unordered_set<int32_t> m_specialIds;
    int32_t m_idLimit = 0;
    int32_t m_bosId = -1;
    int32_t m_eosId = -1;
};

/** The piece shown for an id that has no token: "<unused N>". */
std::string unusedPiece(int32_t id);

} // namespace dlm
