#include "core/model/shaped_model.h"

#include "core/base/file_util.h"
#include "core/model/llada_tensors.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace dlm {

namespace {

struct ShapeEntry
{
    const char *name;
    int dModel, nHeads, nKvHeads, nLayers, mlpHidden;
};

// LLaDA-8B-Instruct's config.json; "llada-1b" keeps its vocabulary and head layout at a quarter of the width
// and half the depth, for quicker runs of the same code paths.
const ShapeEntry kShapes[] = {
    {"llada-8b", 4096, 32, 32, 32, 12288},
    {"llada-1b", 2048, 16, 16, 16, 5632},
};

/** One tensor's place in a shard. */
struct PlannedTensor
{
    LladaTensorSpec spec;
    uint64_t bytes = 0;
};

struct PlannedShard
{
    std::vector<PlannedTensor> tensors;
    uint64_t bytes = 0;
};

std::vector<PlannedShard> planShards(const ModelConfig &config, const ShapedModelOptions &o)
{
    std::vector<PlannedShard> shards(1);
    for (LladaTensorSpec &spec : lladaTensors(config)) {
        const uint64_t bytes = uint64_t(shapeElementCount(spec.shape)) * tensorDTypeSize(o.dtype);
        if (!shards.back().tensors.empty() && shards.back().bytes + bytes > o.maxShardBytes)
            shards.emplace_back();
        shards.back().tensors.push_back({std::move(spec), bytes});
        shards.back().bytes += bytes;
    }
    return shards;
}

std::string shardName(size_t index, size_t count)
{
    char name[64];
    std::snprintf(name, sizeof name, "model-%05zu-of-%05zu.safetensors", index + 1, count);
    return name;
}

std::string headerFor(const PlannedShard &shard, TensorDType dtype)
{
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    header["__metadata__"] = {{"format", "pt"}};
    uint64_t offset = 0;
    for (const PlannedTensor &t : shard.tensors) {
        header[t.spec.name] = {
            {"dtype", tensorDTypeName(dtype)}, {"shape", t.spec.shape}, {"data_offsets", {offset, offset + t.bytes}}};
        offset += t.bytes;
    }
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' '); // keeps the data region 8-byte aligned, as writeSafetensors does
    return text;
}

/** A counter-based uniform draw in [-1, 1): element i of tensor `salt` is the same whatever the chunking. */
inline float uniformAt(uint64_t seed, uint64_t salt, uint64_t i)
{
    uint64_t z = seed * 0x9E3779B97F4A7C15ull + salt * 0xD1B54A32D192ED03ull + i;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return float(double(z >> 40) * (1.0 / 16777216.0)) * 2.0f - 1.0f;
}

class ShardWriter
{
public:
    ShardWriter(std::string path, const ShapedModelOptions &o)
        : m_path(std::move(path))
        , m_options(o)
    {
    }
    ~ShardWriter()
    {
        if (m_file) {
            std::fclose(m_file);
            std::remove(partialPath().c_str());
        }
    }

    Status write(
        const PlannedShard &shard, size_t shardIndex, uint64_t *written, uint64_t total, const WriteProgress &progress)
    {
        m_file = std::fopen(partialPath().c_str(), "wb");
        if (!m_file)
            return Status::failure(partialPath() + ": cannot create: " + std::strerror(errno));
        const std::string header = headerFor(shard, m_options.dtype);
        uint8_t length[8];
        for (int i = 0; i < 8; ++i)
            length[i] = uint8_t((uint64_t(header.size()) >> (8 * i)) & 0xff);
        if (!put(length, 8) || !put(header.data(), header.size()))
            return failed();
        for (size_t t = 0; t < shard.tensors.size(); ++t) {
            const uint64_t salt = (uint64_t(shardIndex) << 32) | t;
            if (!writeTensor(shard.tensors[t], salt, written, total, progress))
                return failed();
        }
        if (std::fflush(m_file) != 0 || ::fsync(fileno(m_file)) != 0)
            return failed();
        const int closed = std::fclose(m_file);
        m_file = nullptr;
        if (closed != 0 || std::rename(partialPath().c_str(), m_path.c_str()) != 0)
            return Status::failure(m_path + ": cannot finish writing: " + std::strerror(errno));
        return {};
    }

private:
    std::string partialPath() const { return m_path + ".partial"; }
    bool put(const void *data, size_t bytes) { return std::fwrite(data, 1, bytes, m_file) == bytes; }
    Status failed() const { return Status::failure(partialPath() + ": write failed: " + std::strerror(errno)); }

    bool writeTensor(
        const PlannedTensor &t, uint64_t salt, uint64_t *written, uint64_t total, const WriteProgress &progress)
    {
        const bool ones = isNormRole(t.spec.role);
        const float scale = float(m_options.weightStd * std::sqrt(3.0)); // uniform [-a, a) has std a / sqrt(3)
        const bool bf16 = m_options.dtype == TensorDType::BF16;
        const int64_t count = shapeElementCount(t.spec.shape);
        constexpr int64_t kChunk = 1 << 20;
        std::vector<float> values(size_t(std::min(count, kChunk)));
        std::vector<uint16_t> halves(bf16 ? values.size() : 0);
        for (int64_t begin = 0; begin < count; begin += kChunk) {
            const int64_t n = std::min(kChunk, count - begin);
            for (int64_t i = 0; i < n; ++i)
                values[size_t(i)] = ones ? 1.0f : scale * uniformAt(m_options.seed, salt, uint64_t(begin + i));
            bool ok;
            if (bf16) {
                for (int64_t i = 0; i < n; ++i)
                    halves[size_t(i)] = floatToBf16(values[size_t(i)]);
                ok = put(halves.data(), size_t(n) * 2);
            } else {
                ok = put(values.data(), size_t(n) * 4);
            }
            if (!ok)
                return false;
            *written += uint64_t(n) * tensorDTypeSize(m_options.dtype);
            if (progress)
                progress(*written, total);
        }
        return true;
    }

    std::string m_path;
    ShapedModelOptions m_options;
    std::FILE *m_file = nullptr;
};

} // namespace

std::vector<std::string> shapedModelNames()
{
    std::vector<std::string> names;
    for (const ShapeEntry &s : kShapes)
        names.emplace_back(s.name);
    return names;
}

Result<ModelConfig> shapedModelConfig(const std::string &shape)
{
    for (const ShapeEntry &s : kShapes) {
        if (shape != s.name)
            continue;
        ModelConfig c;
        c.dModel = s.dModel;
        c.nHeads = s.nHeads;
        c.nKvHeads = s.nKvHeads;
        c.nLayers = s.nLayers;
        c.mlpHiddenSize = s.mlpHidden;
        c.vocabSize = 126464;
        c.embeddingSize = 126464;
        c.maxSequenceLength = 4096;
        c.ropeTheta = 500000.0;
        c.rmsNormEps = 1e-5;
        c.maskTokenId = 126336;
        c.eosTokenId = 126081;
        c.bosTokenId = 126080;
        c.padTokenId = 126081;
        return c;
    }
    std::string known;
    for (const std::string &name : shapedModelNames())
        known += (known.empty() ? "" : ", ") + name;
    return Result<ModelConfig>::failure("unknown model shape '" + shape + "' (known: " + known + ")");
}

Status writeShapedModel(
    const std::string &dir, const ModelConfig &config, const ShapedModelOptions &options, const WriteProgress &progress)
{
    if (options.dtype != TensorDType::F32 && options.dtype != TensorDType::BF16)
        return Status::failure(
            "shaped models are written in F32 or BF16, not " + std::string(tensorDTypeName(options.dtype)));
    const std::vector<PlannedShard> shards = planShards(config, options);
    uint64_t total = 0;
    for (const PlannedShard &s : shards)
        total += s.bytes;

    Status s = writeFileAtomic(joinPath(dir, "config.json"), modelConfigToJson(config));
    if (!s)
        return s;
    nlohmann::ordered_json weightMap = nlohmann::ordered_json::object();
    uint64_t written = 0;
    for (size_t i = 0; i < shards.size(); ++i) {
        const std::string name = shardName(i, shards.size());
        ShardWriter writer(joinPath(dir, name), options);
        s = writer.write(shards[i], i, &written, total, progress);
        if (!s)
            return s;
        for (const PlannedTensor &t : shards[i].tensors)
            weightMap[t.spec.name] = name;
    }
    nlohmann::ordered_json index = {{"metadata", {{"total_size", total}}}, {"weight_map", weightMap}};
    return writeFileAtomic(joinPath(dir, "model.safetensors.index.json"), index.dump(2) + "\n");
}

} // namespace dlm
