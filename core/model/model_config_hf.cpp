// config.json of the Hugging Face decoder families: Dream (configuration_dream.py) and LLaDA-MoE
// (configuration_lladamoe.py). Their keys map onto ModelConfig's LLaDA-named fields; docs/model-families.md
// lists which keys are read and which values are refused.
#include "core/model/model_config_internal.h"

#include <algorithm>

namespace dlm {

namespace {

const std::string kTop = JsonReader::root();

std::string at(const char *key)
{
    return JsonReader::child(kTop, key);
}

/** An integer key that Hugging Face may write as null: null or absent keep `*out`. */
bool readNullableInt(JsonReader &r, const Json &root, const char *key, int *out, int64_t lo, int64_t hi)
{
    const Json *v = r.member(root, kTop, key, Need::Optional);
    if (!v || v->is_null())
        return !r.failed();
    return r.toInt(*v, at(key), out, lo, hi);
}

/** A boolean that may be null (LLaDA-MoE's class defaults qk_layernorm to None): null or absent keep `*out`. */
bool readNullableBool(JsonReader &r, const Json &root, const char *key, bool *out)
{
    const Json *v = r.member(root, kTop, key, Need::Optional);
    if (!v || v->is_null())
        return !r.failed();
    return r.toBool(*v, at(key), out);
}

/** eos_token_id may be a list in Hugging Face configs; its first entry is the one the samplers stop on. */
bool readIdOrList(JsonReader &r, const Json &root, const char *key, int vocab, int32_t *out)
{
    *out = -1;
    const Json *v = r.member(root, kTop, key, Need::Optional);
    if (!v || v->is_null())
        return !r.failed();
    if (!v->is_array())
        return r.toInt(*v, at(key), out, 0, vocab - 1);
    return v->empty() || r.toInt((*v)[0], JsonReader::child(at(key), size_t {0}), out, 0, vocab - 1);
}

/** A key whose other values change the network in ways this engine does not implement. */
bool refuseUnless(JsonReader &r, const Json &root, const char *key, bool (*accepted)(const Json &), const char *why)
{
    const Json *v = r.member(root, kTop, key, Need::Optional);
    if (!v || v->is_null() || accepted(*v))
        return !r.failed();
    return r.fail(at(key), JsonReader::quote(*v) + " is not supported: " + why);
}

bool isSilu(const Json &v)
{
    return v.is_string() && v.get<std::string>() == "silu";
}
bool isFalse(const Json &v)
{
    return v.is_boolean() && !v.get<bool>();
}
bool isOne(const Json &v)
{
    return v.is_number() && v.get<double>() == 1.0;
}
bool isSoftmax(const Json &v)
{
    return v.is_string() && v.get<std::string>() == "softmax";
}

/** The keys both families share (Qwen2 / OLMoE naming). */
bool readCommon(JsonReader &r, const Json &root, ModelConfig *c)
{
    if (!r.readInt(root, kTop, "hidden_size", &c->dModel, Need::Required, 1, kMaxDModel)
        || !r.readInt(root, kTop, "num_attention_heads", &c->nHeads, Need::Required, 1, kMaxHeads))
        return false;
    c->nKvHeads = c->nHeads;
    if (!readNullableInt(r, root, "num_key_value_heads", &c->nKvHeads, 1, kMaxHeads)
        || !r.readInt(root, kTop, "num_hidden_layers", &c->nLayers, Need::Required, 1, kMaxLayers)
        || !r.readInt(root, kTop, "vocab_size", &c->vocabSize, Need::Required, 1, kMaxVocab)
        || !readNullableInt(r, root, "max_position_embeddings", &c->maxSequenceLength, 1, kMaxSequence)
        || !readPositiveNumber(r, root, "rope_theta", &c->ropeTheta)
        || !readPositiveNumber(r, root, "rms_norm_eps", &c->rmsNormEps)
        || !readNullableBool(r, root, "tie_word_embeddings", &c->weightTying))
        return false;
    c->embeddingSize = c->vocabSize;
    return readOptionalTokenId(r, root, "mask_token_id", c->vocabSize, &c->maskTokenId)
        && readOptionalTokenId(r, root, "pad_token_id", c->vocabSize, &c->padTokenId)
        && readOptionalTokenId(r, root, "bos_token_id", c->vocabSize, &c->bosTokenId)
        && readIdOrList(r, root, "eos_token_id", c->vocabSize, &c->eosTokenId)
        && refuseUnless(r, root, "hidden_act", isSilu, "only silu (SwiGLU) is implemented")
        && refuseUnless(
            r, root, "rope_scaling", [](const Json &) { return false; },
            "only plain rotary embeddings are implemented (rope_scaling must be null)");
}

/** moe_layer_freq: one 0 (dense MLP) or 1 (experts) per layer; absent means every layer has experts. */
bool readMoeLayers(JsonReader &r, const Json &root, ModelConfig *c)
{
    c->moeLayers.assign(size_t(c->nLayers), 1);
    const Json *v = r.member(root, kTop, "moe_layer_freq", Need::Optional);
    if (!v || v->is_null())
        return !r.failed();
    const std::string path = at("moe_layer_freq");
    if (!r.expectArray(*v, path))
        return false;
    if (v->size() != size_t(c->nLayers))
        return r.fail(path,
            "has " + std::to_string(v->size()) + " entries but num_hidden_layers is " + std::to_string(c->nLayers));
    for (size_t i = 0; i < v->size(); ++i) {
        int flag = 0;
        if (!r.toInt((*v)[i], JsonReader::child(path, i), &flag, 0, 1))
            return false;
        c->moeLayers[i] = uint8_t(flag);
    }
    return true;
}

} // namespace

bool readDreamConfig(JsonReader &r, const Json &root, ModelConfig *c)
{
    // configuration_dream.py's defaults for the keys a file may leave out.
    c->maxSequenceLength = 32768;
    c->rmsNormEps = 1e-6;
    c->ropeTheta = 10000.0;
    c->qkvBias = true; // Qwen2 attention: q/k/v with bias, o_proj without
    return readCommon(r, root, c)
        && r.readInt(root, kTop, "intermediate_size", &c->mlpHiddenSize, Need::Required, 1, kMaxMlpHidden);
}

bool readMoeConfig(JsonReader &r, const Json &root, ModelConfig *c)
{
    c->maxSequenceLength = 4096; // configuration_lladamoe.py's defaults
    c->rmsNormEps = 1e-5;
    bool attentionBias = false;
    int shared = 0;
    if (!readCommon(r, root, c) || !readNullableBool(r, root, "attention_bias", &attentionBias)
        || !readNullableBool(r, root, "qk_layernorm", &c->qkNorm)
        || !r.readInt(root, kTop, "num_experts", &c->numExperts, Need::Required, 1, kMaxExperts)
        || !r.readInt(root, kTop, "num_experts_per_tok", &c->expertsPerToken, Need::Required, 1, kMaxExperts)
        || !r.readInt(
            root, kTop, "expert_intermediate_size", &c->expertIntermediateSize, Need::Required, 1, kMaxMlpHidden)
        || !readNullableInt(r, root, "dense_intermediate_size", &c->mlpHiddenSize, -1, kMaxMlpHidden)
        || !readNullableInt(r, root, "shared_expert_intermediate_size", &shared, -1, kMaxMlpHidden)
        || !readMoeLayers(r, root, c))
        return false;
    c->qkvBias = c->outBias = attentionBias;
    c->sharedExpertIntermediateSize = std::max(shared, 0);
    c->mlpHiddenSize = std::max(c->mlpHiddenSize, 0);
    // The reference's router ignores norm_topk_prob (it hard-codes False) and always scores with a softmax.
    return refuseUnless(
               r, root, "clip_qkv", [](const Json &) { return false; }, "clipping q/k/v is not implemented")
        && refuseUnless(r, root, "moe_router_enable_expert_bias", isFalse, "router expert bias is not implemented")
        && refuseUnless(r, root, "partial_rotary_factor", isOne, "only full rotary embeddings are implemented")
        && refuseUnless(r, root, "moe_router_score_function", isSoftmax, "the router scores with a softmax");
}

bool checkHfRelations(JsonReader &r, const ModelConfig &c)
{
    const auto n = [](int v) { return std::to_string(v); };
    if (c.dModel % c.nHeads != 0)
        return r.fail(at("num_attention_heads"),
            "hidden_size (" + n(c.dModel) + ") must be divisible by num_attention_heads (" + n(c.nHeads) + ")");
    if (c.headDim() % 2 != 0)
        return r.fail(at("num_attention_heads"),
            "head dimension hidden_size / num_attention_heads = " + n(c.headDim())
                + " must be even for rotary embeddings");
    if (c.nKvHeads > c.nHeads || c.nHeads % c.nKvHeads != 0)
        return r.fail(at("num_key_value_heads"),
            "num_attention_heads (" + n(c.nHeads) + ") must be a multiple of num_key_value_heads (" + n(c.nKvHeads)
                + ")");
    if (c.family != ModelFamily::LladaMoe)
        return true;
    if (c.expertsPerToken > c.numExperts)
        return r.fail(at("num_experts_per_tok"),
            "num_experts_per_tok (" + n(c.expertsPerToken) + ") must not exceed num_experts (" + n(c.numExperts) + ")");
    for (int layer = 0; layer < c.nLayers; ++layer) {
        if (!c.isMoeLayer(layer) && c.mlpHiddenSize < 1)
            return r.fail(at("dense_intermediate_size"),
                "must be positive: moe_layer_freq makes layer " + n(layer) + " a dense MLP");
    }
    return true;
}

std::string hfConfigToJson(const ModelConfig &c)
{
    auto optionalId = [](int32_t id) { return id >= 0 ? nlohmann::ordered_json(id) : nlohmann::ordered_json(); };
    const bool moe = c.family == ModelFamily::LladaMoe;
    nlohmann::ordered_json j;
    j["architectures"] = {moe ? "LLaDAMoEModelLM" : "DreamModel"};
    j["model_type"] = moe ? "llada" : "Dream";
    j["hidden_size"] = c.dModel;
    if (moe) {
        j["dense_intermediate_size"] = c.mlpHiddenSize;
        j["expert_intermediate_size"] = c.expertIntermediateSize;
        j["shared_expert_intermediate_size"]
            = c.sharedExpertIntermediateSize > 0 ? nlohmann::ordered_json(c.sharedExpertIntermediateSize) : nullptr;
        j["num_experts"] = c.numExperts;
        j["num_experts_per_tok"] = c.expertsPerToken;
        j["norm_topk_prob"] = false;
        j["moe_layer_freq"] = c.moeLayers;
        j["moe_router_enable_expert_bias"] = false;
        j["moe_router_score_function"] = "softmax";
        j["attention_bias"] = c.qkvBias;
        j["qk_layernorm"] = c.qkNorm;
        j["clip_qkv"] = nullptr;
        j["partial_rotary_factor"] = 1;
    } else {
        j["intermediate_size"] = c.mlpHiddenSize;
    }
    j["num_hidden_layers"] = c.nLayers;
    j["num_attention_heads"] = c.nHeads;
    j["num_key_value_heads"] = c.nKvHeads;
    j["hidden_act"] = "silu";
    j["max_position_embeddings"] = c.maxSequenceLength;
    j["rms_norm_eps"] = c.rmsNormEps;
    j["rope_theta"] = c.ropeTheta;
    j["rope_scaling"] = nullptr;
    j["tie_word_embeddings"] = c.weightTying;
    j["vocab_size"] = c.vocabSize;
    // LLaDA-MoE's published config.json has no mask id (its tokenizer names <|mdm_mask|>): written only if set.
    if (!moe || c.maskTokenId >= 0)
        j["mask_token_id"] = optionalId(c.maskTokenId);
    j["pad_token_id"] = optionalId(c.padTokenId);
    j["bos_token_id"] = optionalId(c.bosTokenId);
    j["eos_token_id"] = optionalId(c.eosTokenId);
    j["use_cache"] = false;
    return j.dump(2) + "\n";
}

} // namespace dlm
