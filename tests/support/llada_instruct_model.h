#pragma once
// A model directory with LLaDA-8B-Instruct's exact file layout and ids, at a tiny width: two safetensors
// shards with model.safetensors.index.json, config.json with the published keys, a byte-level BPE
// tokenizer.json whose special tokens sit at LLaDA's ids, tokenizer_config.json with LLaDA's chat template and
// generation_config.json. The head has LLaDA's 126,464 rows, far more than the tokenizer's tokens, so most ids
// the model can produce have no token ("<unused N>"), as with the real checkpoint.

#include "core/base/result.h"
#include "core/model/model_config.h"

#include <cstdint>
#include <string>

namespace dlm::testing {

/** LLaDA-8B-Instruct's special ids as published. */
inline constexpr int32_t kLladaBos = 126080; // <|startoftext|>
inline constexpr int32_t kLladaEos = 126081; // <|endoftext|>
inline constexpr int32_t kLladaMask = 126336; // <|mdm_mask|>
inline constexpr int32_t kLladaStartHeader = 126346; // <|start_header_id|>
inline constexpr int32_t kLladaEndHeader = 126347; // <|end_header_id|>
inline constexpr int32_t kLladaEot = 126348; // <|eot_id|>
inline constexpr int kLladaHeadRows = 126464; // vocab_size and embedding_size

/** LLaDA-8B-Instruct's chat template (tokenizer_config.json's chat_template), as the model card publishes it. */
extern const char *const kLladaChatTemplate;

struct LladaInstructOptions
{
    /** false leaves mask_token_id out of config.json (as LLaDA-MoE does): it must be found by name. */
    bool maskIdInConfig = true;
    uint64_t seed = 2024;
};

/** Writes the directory; returns the config that was written, or a message. */
Result<ModelConfig> writeLladaInstructModel(const std::string &dir, const LladaInstructOptions &options = {});

} // namespace dlm::testing
