#include "core/model/model_config.h"

#include "core/base/file_util.h"
#include "core/model/family_registry.h"
#include "core/model/family_tensors.h"
#include "core/model/llada_tensors.h"
#include "core/model/model_config_internal.h"

#include <algorithm>

namespace dlm {

namespace {

/** `architectures` first (LLaDA-MoE also says model_type "llada"), then `model_type`; neither: LLaDA. */
bool readFamily(JsonReader &r, const Json &root, ModelFamily *out)
{
    *out = ModelFamily::Llada;
    const std::string top = JsonReader::root();
    if (const Json *arch = r.member(root, top, "architectures", Need::Optional); arch && !arch->is_null()) {
        const std::string path = JsonReader::child(top, "architectures");
        if (!r.expectArray(*arch, path))
            return false;
        if (!arch->empty()) {
            std::string name;
            if (!r.toString((*arch)[0], JsonReader::child(path, size_t {0}), &name))
                return false;
            for (const FamilyInfo &f : families()) {
                for (const char *known : f.architectures) {
                    if (name == known) {
                        *out = f.family;
                        return true;
                    }
                }
            }
            return r.fail(JsonReader::child(path, size_t {0}),
                "unknown architecture '" + name + "'; supported: LLaDAModelLM, LLaDAMoEModelLM, DreamModel");
        }
    }
    std::string type;
    if (!r.readString(root, top, "model_type", &type, Need::Optional))
        return false;
    if (type.empty())
        return true;
    for (const FamilyInfo &f : families()) {
        for (const char *known : f.modelTypes) {
            if (type == known) {
                *out = f.family;
                return true;
            }
        }
    }
    return r.fail(JsonReader::child(top, "model_type"),
        "unknown model_type '" + type + "'; supported: llada (LLaDA, LLaDA-MoE), Dream");
}

bool readLladaFields(JsonReader &r, const Json &root, ModelConfig *c)
{
    const std::string top = JsonReader::root();
    if (!r.expectObject(root, top) || !r.readInt(root, top, "d_model", &c->dModel, Need::Required, 1, kMaxDModel)
        || !r.readInt(root, top, "n_heads", &c->nHeads, Need::Required, 1, kMaxHeads))
        return false;
    c->nKvHeads = c->nHeads;
    if (!r.readInt(root, top, "n_kv_heads", &c->nKvHeads, Need::Optional, 1, kMaxHeads)
        || !r.readInt(root, top, "n_layers", &c->nLayers, Need::Required, 1, kMaxLayers)
        || !r.readInt(root, top, "mlp_hidden_size", &c->mlpHiddenSize, Need::Required, 1, kMaxMlpHidden)
        || !r.readInt(root, top, "vocab_size", &c->vocabSize, Need::Required, 1, kMaxVocab))
        return false;
    c->embeddingSize = c->vocabSize;
    return r.readInt(root, top, "embedding_size", &c->embeddingSize, Need::Optional, 1, kMaxEmbedding)
        && r.readInt(root, top, "max_sequence_length", &c->maxSequenceLength, Need::Required, 1, kMaxSequence)
        && readPositiveNumber(r, root, "rope_theta", &c->ropeTheta)
        && readPositiveNumber(r, root, "rms_norm_eps", &c->rmsNormEps)
        && readOptionalTokenId(r, root, "mask_token_id", c->vocabSize, &c->maskTokenId)
        && readOptionalTokenId(r, root, "eos_token_id", c->vocabSize, &c->eosTokenId)
        && readOptionalTokenId(r, root, "pad_token_id", c->vocabSize, &c->padTokenId)
        && readOptionalTokenId(r, root, "bos_token_id", c->vocabSize, &c->bosTokenId)
        && r.readBool(root, top, "weight_tying", &c->weightTying);
}

/** Relations between LLaDA's fields, checked once every field is known to be well-formed. */
bool checkLladaRelations(JsonReader &r, const ModelConfig &c)
{
    const auto at = [](const char *key) { return JsonReader::child(JsonReader::root(), key); };
    const auto n = [](int v) { return std::to_string(v); };
    if (c.dModel % c.nHeads != 0)
        return r.fail(
            at("n_heads"), "d_model (" + n(c.dModel) + ") must be divisible by n_heads (" + n(c.nHeads) + ")");
    if (c.headDim() % 2 != 0)
        return r.fail(at("n_heads"),
            "head dimension d_model / n_heads = " + n(c.headDim()) + " must be even for rotary embeddings");
    if (c.nKvHeads > c.nHeads || c.nHeads % c.nKvHeads != 0)
        return r.fail(
            at("n_kv_heads"), "n_heads (" + n(c.nHeads) + ") must be a multiple of n_kv_heads (" + n(c.nKvHeads) + ")");
    if (c.embeddingSize < c.vocabSize)
        return r.fail(at("embedding_size"),
            "embedding_size (" + n(c.embeddingSize) + ") must be at least vocab_size (" + n(c.vocabSize) + ")");
    return true;
}

bool readFields(JsonReader &r, const Json &root, ModelConfig *c)
{
    return r.expectObject(root, JsonReader::root()) && readFamily(r, root, &c->family)
        && familyInfo(c->family).readConfig(r, root, c);
}

} // namespace

bool readLladaConfig(JsonReader &r, const Json &root, ModelConfig *c)
{
    return readLladaFields(r, root, c) && checkLladaRelations(r, *c);
}

bool readPositiveNumber(JsonReader &r, const Json &root, const char *key, double *out)
{
    const Json *v = r.member(root, JsonReader::root(), key, Need::Optional);
    if (!v || v->is_null())
        return !r.failed();
    const std::string path = JsonReader::child(JsonReader::root(), key);
    double d = 0.0;
    if (!r.toNumber(*v, path, &d))
        return false;
    if (!(d > 0.0))
        return r.fail(path, "expected a positive number, got " + JsonReader::quote(*v));
    *out = d;
    return true;
}

bool readOptionalTokenId(JsonReader &r, const Json &root, const char *key, int vocab, int32_t *out)
{
    *out = -1;
    const Json *v = r.member(root, JsonReader::root(), key, Need::Optional);
    if (!v || v->is_null())
        return !r.failed();
    return r.toInt(*v, JsonReader::child(JsonReader::root(), key), out, 0, vocab - 1);
}

int64_t ModelConfig::parameterCount() const
{
    int64_t total = 0;
    for (const TensorSpec &tensor : familyTensors(*this))
        total += shapeElementCount(tensor.shape);
    return total;
}

Result<ModelConfig> parseModelConfig(const std::string &jsonText, const std::string &fileName)
{
    const Result<Json> root = parseJson(jsonText, fileName);
    if (!root)
        return Result<ModelConfig>::failure(root.error());
    JsonReader reader(fileName);
    ModelConfig c;
    if (!readFields(reader, *root, &c))
        return Result<ModelConfig>::failure(reader.error());
    return c;
}

Result<ModelConfig> loadModelConfig(const std::string &path)
{
    const Result<std::string> text = readTextFile(path, 16u << 20);
    if (!text)
        return Result<ModelConfig>::failure(text.error());
    return parseModelConfig(*text, path);
}

std::string modelConfigToJson(const ModelConfig &config)
{
    if (config.family != ModelFamily::Llada)
        return hfConfigToJson(config);
    // Every field of the ModelConfig dataclass in LLaDA's published configuration_llada.py, with the values
    // this architecture has, so that AutoModel.from_pretrained(dir, trust_remote_code=True) with LLaDA's
    // code builds the same network: fields left out take that dataclass's GPT-2 defaults (no rope: learned
    // position embeddings; weight tying; layer norm with bias; dropout 0.1). ordered_json keeps them readable.
    nlohmann::ordered_json j;
    j["architectures"] = {"LLaDAModelLM"};
    j["auto_map"] = {{"AutoConfig", "configuration_llada.LLaDAConfig"},
        {"AutoModelForCausalLM", "modeling_llada.LLaDAModelLM"}, {"AutoModel", "modeling_llada.LLaDAModelLM"}};
    j["model_type"] = "llada";
    j["d_model"] = config.dModel;
    j["n_heads"] = config.nHeads;
    j["n_kv_heads"] = config.nKvHeads;
    j["n_layers"] = config.nLayers;
    // Only read when mlp_hidden_size is absent; written as the nearest integer ratio for completeness.
    j["mlp_ratio"] = std::max(1, (config.mlpHiddenSize + config.dModel / 2) / std::max(1, config.dModel));
    j["mlp_hidden_size"] = config.mlpHiddenSize;
    j["activation_type"] = "silu";
    j["block_type"] = "llama";
    j["block_group_size"] = 1;
    j["alibi"] = false;
    j["alibi_bias_max"] = 8.0;
    j["rope"] = true;
    j["rope_full_precision"] = true;
    j["rope_theta"] = config.ropeTheta;
    j["flash_attention"] = false;
    j["attention_dropout"] = 0.0;
    j["multi_query_attention"] = nullptr;
    j["attention_layer_norm"] = false;
    j["attention_layer_norm_with_affine"] = true;
    j["residual_dropout"] = 0.0;
    j["embedding_dropout"] = 0.0;
    j["input_emb_norm"] = false;
    j["layer_norm_type"] = "rms";
    j["layer_norm_with_affine"] = true;
    j["rms_norm_eps"] = config.rmsNormEps;
    j["max_sequence_length"] = config.maxSequenceLength;
    j["include_qkv_bias"] = false;
    j["include_bias"] = false;
    j["bias_for_layer_norm"] = false;
    j["scale_logits"] = false;
    j["vocab_size"] = config.vocabSize;
    j["embedding_size"] = config.embeddingSize;
    j["weight_tying"] = config.weightTying;
    // Unset optional ids are written as null, which is what Hugging Face configs do and what the parser reads
    // back as "not given".
    auto optionalId = [](int32_t id) { return id >= 0 ? nlohmann::ordered_json(id) : nlohmann::ordered_json(); };
    j["mask_token_id"] = optionalId(config.maskTokenId);
    j["eos_token_id"] = optionalId(config.eosTokenId);
    j["pad_token_id"] = optionalId(config.padTokenId);
    j["bos_token_id"] = optionalId(config.bosTokenId);
    j["init_device"] = "meta";
    j["init_fn"] = "mitchell";
    j["init_std"] = 0.02;
    j["init_cutoff_factor"] = nullptr;
    j["precision"] = nullptr;
    j["use_cache"] = false;
    return j.dump(2) + "\n";
}

} // namespace dlm
