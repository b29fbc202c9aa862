#include "core/model/llada_tensors.h"

#include <set>

#include <algorithm>

namespace dlm {

namespace {

struct BlockTensor
{
    const char *suffix;
    LladaTensorRole role;
};

// The order within a block is the order of LLaDA's own checkpoints, which keeps saved files diffable.
constexpr BlockTensor kBlockTensors[] = {
    {"attn_norm.weight", LladaTensorRole::AttnNorm},
    {"q_proj.weight", LladaTensorRole::QProj},
    {"k_proj.weight", LladaTensorRole::KProj},
    {"v_proj.weight", LladaTensorRole::VProj},
    {"attn_out.weight", LladaTensorRole::AttnOut},
    {"ff_norm.weight", LladaTensorRole::FfNorm},
    {"ff_proj.weight", LladaTensorRole::FfProj},
    {"up_proj.weight", LladaTensorRole::UpProj},
    {"ff_out.weight", LladaTensorRole::FfOut},
};

std::vector<int64_t> blockShape(LladaTensorRole role, const ModelConfig &config)
{
    const int64_t d = config.dModel;
    const int64_t headDim = config.nHeads > 0 ? d / config.nHeads : 0;
    const int64_t kv = int64_t(config.nKvHeads) * headDim;
    const int64_t hidden = config.mlpHiddenSize;
    switch (role) {
    case LladaTensorRole::AttnNorm:
    case LladaTensorRole::FfNorm:
        return {d};
    case LladaTensorRole::QProj:
    case LladaTensorRole::AttnOut:
        return {d, d};
    case LladaTensorRole::KProj:
    case LladaTensorRole::VProj:
        return {kv, d};
    case LladaTensorRole::FfProj:
    case LladaTensorRole::UpProj:
        return {hidden, d};
    case LladaTensorRole::FfOut:
        return {d, hidden};
    default:
        return {};
    }
}

} // namespace

std::vector<LladaTensorSpec> lladaTensors(const ModelConfig &config)
{
    const int64_t d = config.dModel;
    const int64_t rows = config.embeddingSize;
    const int layers = std::max(config.nLayers, 0);
    std::vector<LladaTensorSpec> table;
    table.reserve(size_t(layers) * std::size(kBlockTensors) + 3);
    table.push_back({"model.transformer.wte.weight", {rows, d}, LladaTensorRole::Embedding, -1});
    for (int i = 0; i < layers; ++i) {
        const std::string prefix = "model.transformer.blocks." + std::to_string(i) + ".";
        for (const BlockTensor &t : kBlockTensors)
            table.push_back({prefix + t.suffix, blockShape(t.role, config), t.role, i});
    }
    table.push_back({"model.transformer.ln_f.weight", {d}, LladaTensorRole::FinalNorm, -1});
    if (!config.weightTying)
        table.push_back({"model.transformer.ff_out.weight", {rows, d}, LladaTensorRole::Head, -1});
    return table;
}

bool isNormRole(LladaTensorRole role)
{
    return role == LladaTensorRole::AttnNorm || role == LladaTensorRole::FfNorm || role == LladaTensorRole::FinalNorm;
}

int64_t shapeElementCount(const std::vector<int64_t> &shape)
{
    int64_t count = 1;
    for (int64_t dim : shape)
        count *= dim;
    return count;
}

std::vector<std::string> unusedTensorNames(
    const std::vector<LladaTensorSpec> &expected, const std::vector<std::string> &present)
{
    std::set<std::string> used;
    for (const LladaTensorSpec &spec : expected)
        used.insert(spec.name);
    const std::string buffer = "inv_freq";
    std::vector<std::string> unused;
    for (const std::string &name : present) {
        const bool isBuffer
            = name.size() >= buffer.size() && name.compare(name.size() - buffer.size(), buffer.size(), buffer) == 0;
        if (!isBuffer && !used.count(name))
            unused.push_back(name);
    }
    return unused;
}

} // namespace dlm
