#include "tiny_model.h"

#include "core/base/file_util.h"
#include "portable_normal.h"
#include "tiny_tokenizer.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>

namespace dlm::testing {

namespace {

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
