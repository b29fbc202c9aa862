#include "core/model/model_config.h"

#include "core/base/file_util.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

namespace dlm {

namespace {

using Json = nlohmann::json;

// Upper bounds well above any published checkpoint (LLaDA-8B: d_model 4096, 32 layers, vocab 126464) but low
// enough that shape products cannot overflow and a typo like an extra zero digit is caught early.
constexpr int64_t kMaxDModel = 65536;
constexpr int64_t kMaxHeads = 4096;
constexpr int64_t kMaxLayers = 1024;
constexpr int64_t kMaxMlpHidden = 1 << 20;
constexpr int64_t kMaxVocab = 4000000;
constexpr int64_t kMaxEmbedding = 1 << 22; // room to pad a maximal vocabulary to a round row count
constexpr int64_t kMaxSequence = 1 << 24;

/** The JSON value as it appeared, shortened so a huge array cannot flood a message. */
std::string describe(const Json &value)
{
    std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
    if (text.size() > 60)
        text = text.substr(0, 57) + "...";
    return text;
}

/** An integral JSON number as int64, accepting 4096.0 (some exporters write floats), else nothing. */
std::optional<int64_t> asInteger(const Json &value)
{
    if (value.is_number_unsigned()) {
        const uint64_t v = value.get<uint64_t>();
        if (v > uint64_t(std::numeric_limits<int64_t>::max()))
            return std::nullopt;
        return int64_t(v);
    }
    if (value.is_number_integer())
        return value.get<int64_t>();
    if (value.is_number_float()) {
        const double v = value.get<double>();
        if (std::isfinite(v) && std::floor(v) == v && std::fabs(v) < 9.0e15)
            return int64_t(v);
    }
    return std::nullopt;
}

/** Reads fields of one JSON object and remembers the first problem, so parsing reads top to bottom. */
class FieldReader
{
public:
    FieldReader(const Json &object, std::string fileName) : m_object(object), m_fileName(std::move(fileName)) {}

    bool failed() const { return !m_error.empty(); }
    const std::string &error() const { return m_error; }

    void fail(const std::string &message)
    {
        if (m_error.empty())
            m_error = m_fileName + ": " + message;
    }

    /** A size in [1, maxValue]; `fallback` is used when the field is absent and not required. */
    int readSize(const char *name, int64_t maxValue, std::optional<int64_t> fallback = std::nullopt)
    {
        const Json *value = find(name);
        if (!value) {
            if (!fallback) {
                fail(std::string("required field '") + name + "' is missing");
                return 0;
            }
            return int(*fallback);
        }
        const std::optional<int64_t> v = asInteger(*value);
        if (!v || *v <= 0) {
            fail(std::string("field '") + name + "' must be a positive integer, got " + describe(*value));
            return 0;
        }
        if (*v > maxValue) {
            fail(std::string("field '") + name + "' must be at most " + std::to_string(maxValue) + ", got "
                 + std::to_string(*v));
            return 0;
        }
        return int(*v);
    }

    /** A token id; null or absent give -1 unless required. The range is checked later against the vocab. */
    int64_t readTokenId(const char *name, bool required)
    {
        const Json *value = find(name);
        if (!value || value->is_null()) {
            if (required)
                fail(std::string("required field '") + name + "' is missing");
            return -1;
        }
        const std::optional<int64_t> v = asInteger(*value);
        if (!v) {
            fail(std::string("field '") + name + "' must be a non-negative integer, got " + describe(*value));
            return -1;
        }
        return *v;
    }

    /** A finite positive real number. */
    double readPositiveReal(const char *name, double fallback)
    {
        const Json *value = find(name);
        if (!value)
            return fallback;
        if (!value->is_number() || !std::isfinite(value->get<double>()) || value->get<double>() <= 0.0) {
            fail(std::string("field '") + name + "' must be a finite positive number, got " + describe(*value));
            return fallback;
        }
        return value->get<double>();
    }

    bool readBool(const char *name, bool fallback)
    {
        const Json *value = find(name);
        if (!value)
            return fallback;
        if (!value->is_boolean()) {
            fail(std::string("field '") + name + "' must be true or false, got " + describe(*value));
            return fallback;
        }
        return value->get<bool>();
    }

private:
    const Json *find(const char *name) const
    {
        const auto it = m_object.find(name);
        return it == m_object.end() ? nullptr : &*it;
    }

    const Json &m_object;
    std::string m_fileName;
    std::string m_error;
};

std::string withoutExceptionPrefix(const std::string &what)
{
    // nlohmann prefixes "[json.exception.parse_error.101] "; users do not need the library's error code.
    if (!what.empty() && what.front() == '[') {
        const size_t close = what.find("] ");
        if (close != std::string::npos)
            return what.substr(close + 2);
    }
    return what;
}

} // namespace

int64_t ModelConfig::parameterCount() const
{
    int64_t total = 0;
    for (const auto &tensor : lladaTensorShapes(*this)) {
        int64_t count = 1;
        for (int64_t dim : tensor.second)
            count *= dim;
        total += count;
    }
    return total;
}

Result<ModelConfig> parseModelConfig(const std::string &jsonText, const std::string &fileName)
{
    using R = Result<ModelConfig>;
    Json root;
    try {
        root = Json::parse(jsonText);
    } catch (const Json::exception &e) {
        return R::failure(fileName + ": not valid JSON: " + withoutExceptionPrefix(e.what()));
    }
    if (!root.is_object())
        return R::failure(fileName + ": top level must be a JSON object, got " + std::string(root.type_name()));

    FieldReader reader(root, fileName);
    ModelConfig c;
    c.dModel = reader.readSize("d_model", kMaxDModel);
    c.nHeads = reader.readSize("n_heads", kMaxHeads);
    c.nKvHeads = reader.readSize("n_kv_heads", kMaxHeads, c.nHeads);
    c.nLayers = reader.readSize("n_layers", kMaxLayers);
    c.mlpHiddenSize = reader.readSize("mlp_hidden_size", kMaxMlpHidden);
    c.vocabSize = reader.readSize("vocab_size", kMaxVocab);
    c.embeddingSize = reader.readSize("embedding_size", kMaxEmbedding, c.vocabSize);
    c.maxSequenceLength = reader.readSize("max_sequence_length", kMaxSequence);
    c.ropeTheta = reader.readPositiveReal("rope_theta", 10000.0);
    c.rmsNormEps = reader.readPositiveReal("rms_norm_eps", 1e-5);
    const int64_t mask = reader.readTokenId("mask_token_id", true);
    const int64_t eos = reader.readTokenId("eos_token_id", false);
    const int64_t pad = reader.readTokenId("pad_token_id", false);
    const int64_t bos = reader.readTokenId("bos_token_id", false);
    c.weightTying = reader.readBool("weight_tying", false);
    if (reader.failed())
        return R::failure(reader.error());

    // Relations between fields, checked once every field is known to be well-formed.
    if (c.dModel % c.nHeads != 0)
        return R::failure(fileName + ": d_model (" + std::to_string(c.dModel) + ") must be divisible by n_heads ("
                          + std::to_string(c.nHeads) + ")");
    if (c.headDim() % 2 != 0)
        return R::failure(fileName + ": head dimension d_model / n_heads = " + std::to_string(c.headDim())
                          + " must be even for rotary embeddings");
    if (c.nKvHeads > c.nHeads || c.nHeads % c.nKvHeads != 0)
        return R::failure(fileName + ": n_heads (" + std::to_string(c.nHeads) + ") must be a multiple of n_kv_heads ("
                          + std::to_string(c.nKvHeads) + ")");
    if (c.embeddingSize < c.vocabSize)
        return R::failure(fileName + ": embedding_size (" + std::to_string(c.embeddingSize)
                          + ") must be at least vocab_size (" + std::to_string(c.vocabSize) + ")");

    const std::pair<const char *, int64_t> ids[] = {
        {"mask_token_id", mask}, {"eos_token_id", eos}, {"pad_token_id", pad}, {"bos_token_id", bos}};
    for (const auto &id : ids) {
        const bool given = id.second != -1 || std::string(id.first) == "mask_token_id";
        if (given && (id.second < 0 || id.second >= c.vocabSize))
            return R::failure(fileName + ": field '" + id.first + "' must be in [0, vocab_size = "
                              + std::to_string(c.vocabSize) + "), got " + std::to_string(id.second));
    }
    c.maskTokenId = int32_t(mask);
    c.eosTokenId = int32_t(eos);
    c.padTokenId = int32_t(pad);
    c.bosTokenId = int32_t(bos);
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
    // ordered_json keeps the fields in a readable order instead of sorting them alphabetically.
    nlohmann::ordered_json j;
    j["model_type"] = "llada";
    j["d_model"] = config.dModel;
    j["n_heads"] = config.nHeads;
    j["n_kv_heads"] = config.nKvHeads;
    j["n_layers"] = config.nLayers;
    j["mlp_hidden_size"] = config.mlpHiddenSize;
    j["vocab_size"] = config.vocabSize;
    j["embedding_size"] = config.embeddingSize;
    j["max_sequence_length"] = config.maxSequenceLength;
    j["rope_theta"] = config.ropeTheta;
    j["rms_norm_eps"] = config.rmsNormEps;
    j["mask_token_id"] = config.maskTokenId;
    // Unset optional ids are written as null, which is what Hugging Face configs do and what the parser reads
    // back as "not given".
    auto optionalId = [](int32_t id) { return id >= 0 ? nlohmann::ordered_json(id) : nlohmann::ordered_json(); };
    j["eos_token_id"] = optionalId(config.eosTokenId);
    j["pad_token_id"] = optionalId(config.padTokenId);
    j["bos_token_id"] = optionalId(config.bosTokenId);
    j["weight_tying"] = config.weightTying;
    j["activation_type"] = "silu";
    j["block_type"] = "llama";
    j["include_bias"] = false;
    return j.dump(2) + "\n";
}

std::vector<std::pair<std::string, std::vector<int64_t>>> lladaTensorShapes(const ModelConfig &config)
{
    const int64_t d = config.dModel;
    const int64_t headDim = config.nHeads > 0 ? d / config.nHeads : 0;
    const int64_t kvDim = int64_t(config.nKvHeads) * headDim;
    const int64_t hidden = config.mlpHiddenSize;
    const int64_t rows = config.embeddingSize;

    std::vector<std::pair<std::string, std::vector<int64_t>>> shapes;
    shapes.reserve(size_t(std::max(config.nLayers, 0)) * 9 + 3);
    shapes.push_back({"model.transformer.wte.weight", {rows, d}});
    for (int i = 0; i < config.nLayers; ++i) {
        const std::string p = "model.transformer.blocks." + std::to_string(i) + ".";
        shapes.push_back({p + "attn_norm.weight", {d}});
        shapes.push_back({p + "q_proj.weight", {d, d}});
        shapes.push_back({p + "k_proj.weight", {kvDim, d}});
        shapes.push_back({p + "v_proj.weight", {kvDim, d}});
        shapes.push_back({p + "attn_out.weight", {d, d}});
        shapes.push_back({p + "ff_norm.weight", {d}});
        shapes.push_back({p + "ff_proj.weight", {hidden, d}});
        shapes.push_back({p + "up_proj.weight", {hidden, d}});
        shapes.push_back({p + "ff_out.weight", {d, hidden}});
    }
    shapes.push_back({"model.transformer.ln_f.weight", {d}});
    if (!config.weightTying)
        shapes.push_back({"model.transformer.ff_out.weight", {rows, d}});
    return shapes;
}

} // namespace dlm
