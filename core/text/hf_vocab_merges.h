#pragma once
// The older Hugging Face layout, vocab.json + merges.txt (+ added_tokens.json and tokenizer_config.json's
// added_tokens_decoder), as Dream, DiffuCoder and GPT-2 checkpoints ship it. It carries no pipeline of its
// own: the rules come from tokenizer_config.json's tokenizer_class, looked up in one table (Qwen2's rules for
// Qwen2Tokenizer and Dream's DreamTokenizer: NFC, Qwen2's word regex, byte-level BPE; GPT-2's for GPT2Tokenizer
// and CodeGenTokenizer). A class the table lacks is refused; a directory naming none gets GPT-2's.

#include "core/text/hf_tokenizer.h"

#include <optional>
#include <string>

namespace dlm {

/** Loads the vocab.json + merges.txt tokenizer of directory `dir`; the message names the file at fault. */
Result<std::shared_ptr<HfTokenizer>> loadVocabMergesTokenizer(const std::string &dir);

/** The tokenizer.json equivalent of such a directory (exposed for tests). */
Result<nlohmann::json> vocabMergesToTokenizerJson(const std::string &dir, nlohmann::json *config);

/** The files of such a directory, already read; an absent optional file is nullopt. */
struct VocabMergesTexts
{
    std::string dir; ///< names the files in messages
    std::string vocab; ///< vocab.json
    std::string merges; ///< merges.txt
    std::optional<std::string> tokenizerConfig; ///< tokenizer_config.json
    std::optional<std::string> addedTokens; ///< added_tokens.json
};

/** vocabMergesToTokenizerJson() on texts already read (the reader behind it, and the fuzz target's entry). */
Result<nlohmann::json> vocabMergesFromTexts(const VocabMergesTexts &texts, nlohmann::json *config);

} // namespace dlm
