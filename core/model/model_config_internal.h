#pragma once
// Internal to core/model: the family-specific config.json readers and writers behind parseModelConfig and
// modelConfigToJson. Pulls in nlohmann/json, so only .cpp files include it.

#include "core/base/json_reader.h"
#include "core/model/model_config.h"

namespace dlm {

// Upper bounds well above any published checkpoint (LLaDA-8B: d_model 4096, 32 layers, vocab 126464) but low
// enough that shape products cannot overflow and a typo like an extra zero digit is caught early.
inline constexpr int64_t kMaxDModel = 65536;
inline constexpr int64_t kMaxHeads = 4096;
inline constexpr int64_t kMaxLayers = 1024;
inline constexpr int64_t kMaxMlpHidden = 1 << 20;
inline constexpr int64_t kMaxVocab = 4000000;
inline constexpr int64_t kMaxEmbedding = 1 << 22; // room to pad a maximal vocabulary to a round row count
inline constexpr int64_t kMaxSequence = 1 << 24;
inline constexpr int64_t kMaxExperts = 32767; // expert ids are recorded as int16

/** A finite positive number; absent (or null) keeps `*out`. */
bool readPositiveNumber(JsonReader &r, const Json &root, const char *key, double *out);
/** A token id in [0, vocab); null or absent give -1. */
bool readOptionalTokenId(JsonReader &r, const Json &root, const char *key, int vocab, int32_t *out);

/** LLaDA's own keys (configuration_llada.py) and their relations. */
bool readLladaConfig(JsonReader &r, const Json &root, ModelConfig *c);
/** Dream's Hugging Face keys (configuration_dream.py). */
bool readDreamConfig(JsonReader &r, const Json &root, ModelConfig *c);
/** LLaDA-MoE's Hugging Face keys (configuration_lladamoe.py). */
bool readMoeConfig(JsonReader &r, const Json &root, ModelConfig *c);
/** Checks shared by Dream and LLaDA-MoE once every field is read (heads divide hidden_size, ...). */
bool checkHfRelations(JsonReader &r, const ModelConfig &c);
/** Dream's or LLaDA-MoE's config.json text for `config`. */
std::string hfConfigToJson(const ModelConfig &config);

} // namespace dlm
