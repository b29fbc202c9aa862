#include "tiny_model.h"

#include "core/base/file_util.h"
#include "tiny_tokenizer.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

namespace dlm::testing {

namespace {

/**
 * Approximately normal numbers that are bit-identical on every machine. std::normal_distribution's algorithm
 * is implementation-defined, and Box-Muller needs log/cos, which libm may round differently; the sum of
 * twelve uniforms minus six (Irwin-Hall) has variance 1 and uses only exactly rounded IEEE arithmetic.
 * std::mt19937_64 itself is fully specified by the standard.
 */
class PortableNormal
{
public:
    explicit PortableNormal(uint64_t seed)
        : m_engine(seed)
    {
    }

    double next()
    {
        double sum = 0.0;
        for (int i = 0; i < 12; ++i)
            sum += double(m_engine() >> 11) * 0x1.0p-53; // 53 random bits -> [0, 1), exactly
        return sum - 6.0;
    }

private:
    std::mt19937_64 m_engine;
};

void appendValue(std::vector<uint8_t> &bytes, float value, TensorDType dtype)
{
    if (dtype == TensorDType::F32) {
        uint32_t bits;
        std::memcpy(&bits, &value, sizeof bits);
        for (int i = 0; i < 4; ++i)
            bytes.push_back(uint8_t(bits >> (8 * i)));
        return;
    }
    const uint16_t half = dtype == TensorDType::F16 ? floatToHalf(value) : floatToBf16(value);
    bytes.push_back(uint8_t(half & 0xff));
    bytes.push_back(uint8_t(half >> 8));
}

std::string shardName(int index, int count)
{
    char name[64];
    std::snprintf(name, sizeof name, "model-%05d-of-%05d.safetensors", index, count);
    return name;
}

} // namespace

Result<ModelConfig> writeTinyModel(const std::string &dir, const TinyModelOptions &options)
{
    using R = Result<ModelConfig>;
    if (options.dtype != TensorDType::F32 && options.dtype != TensorDType::F16 && options.dtype != TensorDType::BF16)
        return R::failure(
            std::string("writeTinyModel: dtype must be F32, F16 or BF16, got ") + tensorDTypeName(options.dtype));

    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        return R::failure(dir + ": cannot create directory: " + ec.message());

    // Special ids match the tiny tokenizer: unk=0, bos=1, eos=2, then the user-defined <|mdm_mask|>=3, <|eot|>=4.
    ModelConfig config;
    config.dModel = options.dModel;
    config.nHeads = options.nHeads;
    config.nKvHeads = options.nKvHeads;
    config.nLayers = options.nLayers;
    config.mlpHiddenSize = options.mlpHiddenSize;
    config.vocabSize = options.vocabSize;
    config.embeddingSize = options.vocabSize;
    config.maxSequenceLength = options.maxSequenceLength;
    config.maskTokenId = 3;
    config.eosTokenId = 4;
    config.padTokenId = 4;
    config.bosTokenId = 1;

    // Round-trip through the parser so a bad option fails here with the parser's message, not later.
    const std::string configText = modelConfigToJson(config);
    const std::string configPath = joinPath(dir, "config.json");
    const R parsed = parseModelConfig(configText, configPath);
    if (!parsed)
        return parsed;

    const std::vector<LladaTensorSpec> shapes = lladaTensors(config);
    if (options.shards < 1 || size_t(options.shards) > shapes.size())
        return R::failure("writeTinyModel: shards must be in [1, " + std::to_string(shapes.size()) + "], got "
            + std::to_string(options.shards));

    PortableNormal normal(options.seed);
    std::vector<TensorToWrite> tensors;
    tensors.reserve(shapes.size());
    for (const LladaTensorSpec &spec : shapes) {
        TensorToWrite t;
        t.name = spec.name;
        t.dtype = options.dtype;
        t.shape = spec.shape;
        const int64_t count = shapeElementCount(t.shape);
        t.bytes.reserve(size_t(count) * tensorDTypeSize(options.dtype));
        const bool norm = isNormRole(spec.role);
        for (int64_t i = 0; i < count; ++i) {
            const double z = normal.next();
            // Norm gains near 1 (a little noise so a swapped tensor is detectable), everything else N(0, std^2).
            const float value = norm ? float(1.0 + 0.01 * z) : float(options.weightStd * z);
            appendValue(t.bytes, value, options.dtype);
        }
        tensors.push_back(std::move(t));
    }

    const std::map<std::string, std::string> metadata = {{"format", "pt"}};
    if (options.shards == 1) {
        const Status written = writeSafetensors(joinPath(dir, "model.safetensors"), tensors, metadata);
        if (!written)
            return R::failure(written.error());
    } else {
        // Contiguous groups of tensors, as Hugging Face's sharding does, sizes differing by at most one tensor.
        nlohmann::ordered_json weightMap = nlohmann::ordered_json::object();
        uint64_t totalSize = 0;
        size_t next = 0;
        for (int s = 0; s < options.shards; ++s) {
            const size_t count = tensors.size() / size_t(options.shards)
                + (size_t(s) < tensors.size() % size_t(options.shards) ? 1 : 0);
            const std::vector<TensorToWrite> group(tensors.begin() + long(next), tensors.begin() + long(next + count));
            next += count;
            const std::string name = shardName(s + 1, options.shards);
            for (const TensorToWrite &t : group) {
                weightMap[t.name] = name;
                totalSize += t.bytes.size();
            }
            const Status written = writeSafetensors(joinPath(dir, name), group, metadata);
            if (!written)
                return R::failure(written.error());
        }
        nlohmann::ordered_json index;
        index["metadata"] = {{"total_size", totalSize}};
        index["weight_map"] = weightMap;
        const Status written = writeFileAtomic(joinPath(dir, "model.safetensors.index.json"), index.dump(2) + "\n");
        if (!written)
            return R::failure(written.error());
    }

    const Status configWritten = writeFileAtomic(configPath, configText);
    if (!configWritten)
        return R::failure(configWritten.error());

    if (options.writeTokenizer) {
        const std::string error = writeTinyTokenizer(dir, options.vocabSize);
        if (!error.empty())
            return R::failure(error);
    }
    return parsed;
}

} // namespace dlm::testing
