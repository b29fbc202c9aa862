#include "core/model/llada_model.h"

#include "core/base/file_util.h"
#include "core/model/safetensors.h"
#include "core/base/sha256.h"

#include <torch/torch.h>

#include <cmath>
#include <cstring>
#include <thread>

namespace dlm {

namespace {

at::ScalarType computeType(ComputeDType d)
{
    return d == ComputeDType::BF16 ? at::kBFloat16 : at::kFloat;
}

at::ScalarType storageType(TensorDType d)
{
    switch (d) {
    case TensorDType::F16: return at::kHalf;
    case TensorDType::BF16: return at::kBFloat16;
    case TensorDType::I64: return at::kLong;
    case TensorDType::I32: return at::kInt;
    case TensorDType::F32: break;
    }
    return at::kFloat;
}

// A tensor over the mapped bytes when dtype and alignment allow (no copy), else a converted copy.
at::Tensor tensorFromView(const TensorView &view, at::ScalarType target)
{
    const at::ScalarType source = storageType(view.dtype);
    const bool aligned = reinterpret_cast<uintptr_t>(view.data) % tensorDTypeSize(view.dtype) == 0;
    if (view.elementCount() == 0)
        return at::zeros(view.shape, at::TensorOptions().dtype(target));
    if (aligned) {
        // The mapping is MAP_PRIVATE: the const_cast never writes through to the file, and nothing writes.
        at::Tensor t = at::from_blob(const_cast<uint8_t *>(view.data), view.shape, at::TensorOptions().dtype(source));
        return source == target ? t : t.to(target);
    }
    at::Tensor t = at::empty(view.shape, at::TensorOptions().dtype(source));
    std::memcpy(t.data_ptr(), view.data, view.byteSize);
    return t.to(target);
}

at::Tensor rmsNorm(const at::Tensor &x, const at::Tensor &weight, double eps)
{
    // LLaDA computes the norm in fp32 whatever the model dtype, then scales in the model dtype.
    const at::Tensor xf = x.to(at::kFloat);
    const at::Tensor normed = (xf * at::rsqrt(xf.pow(2).mean(-1, true) + eps)).to(x.scalar_type());
    return weight * normed;
}

// NeoX "rotate half": the two halves of the head dimension are rotated against each other.
at::Tensor rotateHalf(const at::Tensor &x)
{
    const int64_t half = x.size(-1) / 2;
    return at::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
}

at::Tensor applyRotary(const at::Tensor &x, const at::Tensor &cos, const at::Tensor &sin)
{
    const at::Tensor xf = x.to(at::kFloat);
    return (xf * cos + rotateHalf(xf) * sin).to(x.scalar_type());
}

std::string dtypeLabel(TensorDType d)
{
    return tensorDTypeName(d);
}

} // namespace

std::vector<std::pair<std::string, at::Tensor>> LladaWeights::named() const
{
    std::vector<std::pair<std::string, at::Tensor>> out;
    out.emplace_back("model.transformer.wte.weight", wte);
    for (size_t i = 0; i < blocks.size(); ++i) {
        const std::string p = "model.transformer.blocks." + std::to_string(i) + ".";
        const Block &b = blocks[i];
        out.emplace_back(p + "attn_norm.weight", b.attnNorm);
        out.emplace_back(p + "q_proj.weight", b.qProj);
        out.emplace_back(p + "k_proj.weight", b.kProj);
        out.emplace_back(p + "v_proj.weight", b.vProj);
        out.emplace_back(p + "attn_out.weight", b.attnOut);
        out.emplace_back(p + "ff_norm.weight", b.ffNorm);
        out.emplace_back(p + "ff_proj.weight", b.ffProj);
        out.emplace_back(p + "up_proj.weight", b.upProj);
        out.emplace_back(p + "ff_out.weight", b.ffOut);
    }
    out.emplace_back("model.transformer.ln_f.weight", lnF);
    if (!head.is_same(wte))
        out.emplace_back("model.transformer.ff_out.weight", head);
    return out;
}

Result<std::shared_ptr<LladaModel>> LladaModel::load(const std::string &dir, ComputeDType dtype,
                                                     const LoadProgress &progress)
{
    using R = Result<std::shared_ptr<LladaModel>>;
    if (progress)
        progress(0.0, "reading config.json");
    const std::string configPath = joinPath(dir, "config.json");
    if (!fileExists(configPath))
        return R::failure(dir + ": not a model directory (no config.json)");
    auto text = readTextFile(configPath, 4u << 20);
    if (!text)
        return R::failure(text.error());
    auto config = parseModelConfig(*text, configPath);
    if (!config)
        return R::failure(config.error());

    if (progress)
        progress(0.05, "mapping weights");
    auto store = WeightStore::openDirectory(dir);
    if (!store)
        return R::failure(store.error());

    // Check every tensor the config implies before building anything.
    const auto expected = lladaTensorShapes(*config);
    std::string storage;
    for (const auto &[name, shape] : expected) {
        const TensorView *view = (*store)->find(name);
        if (!view)
            return R::failure(dir + ": missing tensor '" + name + "' required by config.json");
        if (view->dtype != TensorDType::F32 && view->dtype != TensorDType::F16 && view->dtype != TensorDType::BF16)
            return R::failure(view->file + ": tensor '" + name + "' has dtype " + dtypeLabel(view->dtype) +
                              "; weights must be F32, F16 or BF16");
        if (view->shape != shape) {
            auto fmt = [](const std::vector<int64_t> &s) {
                std::string r = "[";
                for (size_t i = 0; i < s.size(); ++i)
                    r += (i ? ", " : "") + std::to_string(s[i]);
                return r + "]";
            };
            return R::failure(view->file + ": tensor '" + name + "' has shape " + fmt(view->shape) +
                              " but config.json implies " + fmt(shape));
        }
        storage = dtypeLabel(view->dtype);
    }

    auto model = std::shared_ptr<LladaModel>(new LladaModel());
    model->m_config = *config;
    model->m_store = *store;
    model->m_dir = dir;
    model->m_name = baseName(dir);
    model->m_dtype = dtype;
    model->m_storageDType = storage;
    auto hash = sha256File(configPath);
    model->m_configHash = hash ? *hash : std::string();

    const at::ScalarType target = computeType(dtype);
    auto get = [&](const std::string &name) { return tensorFromView(*(*store)->find(name), target); };
    LladaWeights &w = model->m_weights;
    w.wte = get("model.transformer.wte.weight");
    for (int i = 0; i < config->nLayers; ++i) {
        if (progress)
            progress(0.1 + 0.85 * i / std::max(1, config->nLayers), "layer " + std::to_string(i + 1));
        const std::string p = "model.transformer.blocks." + std::to_string(i) + ".";
        LladaWeights::Block b;
        b.attnNorm = get(p + "attn_norm.weight");
        b.qProj = get(p + "q_proj.weight");
        b.kProj = get(p + "k_proj.weight");
        b.vProj = get(p + "v_proj.weight");
        b.attnOut = get(p + "attn_out.weight");
        b.ffNorm = get(p + "ff_norm.weight");
        b.ffProj = get(p + "ff_proj.weight");
        b.upProj = get(p + "up_proj.weight");
        b.ffOut = get(p + "ff_out.weight");
        w.blocks.push_back(std::move(b));
    }
    w.lnF = get("model.transformer.ln_f.weight");
    w.head = config->weightTying ? w.wte : get("model.transformer.ff_out.weight");

    const int hd = config->headDim();
    model->m_invFreq =
        1.0 / at::pow(config->ropeTheta, at::arange(0, hd, 2, at::kFloat) / static_cast<double>(hd));
    if (progress)
        progress(1.0, "ready");
    return model;
}

std::shared_ptr<LladaModel> LladaModel::initialise(const ModelConfig &config, uint64_t seed)
{
    auto model = std::shared_ptr<LladaModel>(new LladaModel());
    model->m_config = config;
    model->m_name = "untrained";
    model->m_storageDType = "F32";
    at::manual_seed(seed);
    auto normal = [](std::vector<int64_t> shape) { return at::randn(shape, at::kFloat) * 0.02; };
    auto ones = [](int64_t n) { return at::ones({n}, at::kFloat); };
    const int64_t d = config.dModel, kv = static_cast<int64_t>(config.nKvHeads) * config.headDim();
    LladaWeights &w = model->m_weights;
    w.wte = normal({config.embeddingSize, d});
    for (int i = 0; i < config.nLayers; ++i) {
        LladaWeights::Block b;
        b.attnNorm = ones(d);
        b.qProj = normal({d, d});
        b.kProj = normal({kv, d});
        b.vProj = normal({kv, d});
        b.attnOut = normal({d, d});
        b.ffNorm = ones(d);
        b.ffProj = normal({config.mlpHiddenSize, d});
        b.upProj = normal({config.mlpHiddenSize, d});
        b.ffOut = normal({d, config.mlpHiddenSize});
        w.blocks.push_back(std::move(b));
    }
    w.lnF = ones(d);
    w.head = config.weightTying ? w.wte : normal({config.embeddingSize, d});
    const int hd = config.headDim();
    model->m_invFreq = 1.0 / at::pow(config.ropeTheta, at::arange(0, hd, 2, at::kFloat) / static_cast<double>(hd));
    return model;
}

at::Tensor LladaModel::logits(const at::Tensor &ids)
{
    const ModelConfig &c = m_config;
    const int64_t batch = ids.size(0), len = ids.size(1);
    const int64_t nh = c.nHeads, nkv = c.nKvHeads, hd = c.headDim();
    const LladaWeights &w = m_weights;

    at::Tensor x = w.wte.index_select(0, ids.reshape({-1}).to(at::kLong)).view({batch, len, c.dModel});

    // Rotary tables for this length, fp32: [1, 1, len, hd] with the frequencies repeated for both halves.
    const at::Tensor freqs = at::outer(at::arange(len, at::kFloat), m_invFreq);
    const at::Tensor angles = at::cat({freqs, freqs}, -1).unsqueeze(0).unsqueeze(0);
    const at::Tensor cos = angles.cos(), sin = angles.sin();
    const double scale = 1.0 / std::sqrt(static_cast<double>(hd));

    for (const auto &b : w.blocks) {
        const at::Tensor h = rmsNorm(x, b.attnNorm, c.rmsNormEps);
        at::Tensor q = at::linear(h, b.qProj).view({batch, len, nh, hd}).transpose(1, 2);
        at::Tensor k = at::linear(h, b.kProj).view({batch, len, nkv, hd}).transpose(1, 2);
        at::Tensor v = at::linear(h, b.vProj).view({batch, len, nkv, hd}).transpose(1, 2);
        q = applyRotary(q, cos, sin);
        k = applyRotary(k, cos, sin);
        if (nkv != nh) { // grouped KV heads: each KV head serves nh / nkv consecutive query heads
            k = k.repeat_interleave(nh / nkv, 1);
            v = v.repeat_interleave(nh / nkv, 1);
        }
        // Bidirectional: no causal mask; every position attends to the whole canvas.
        const at::Tensor att = at::softmax(at::matmul(q, k.transpose(-2, -1)) * scale, -1);
        const at::Tensor y = at::matmul(att, v).transpose(1, 2).reshape({batch, len, c.dModel});
        x = x + at::linear(y, b.attnOut);

        const at::Tensor f = rmsNorm(x, b.ffNorm, c.rmsNormEps);
        x = x + at::linear(at::silu(at::linear(f, b.ffProj)) * at::linear(f, b.upProj), b.ffOut);
    }
    x = rmsNorm(x, w.lnF, c.rmsNormEps);
    at::Tensor out = at::linear(x, w.head);
    if (out.size(-1) > c.vocabSize) // padded embedding rows are not tokens
        out = out.narrow(-1, 0, c.vocabSize);
    return out.to(at::kFloat);
}

Status LladaModel::save(const std::string &dir, TensorDType dtype) const
{
    if (dtype != TensorDType::F32 && dtype != TensorDType::BF16 && dtype != TensorDType::F16)
        return Status::failure("weights can be saved as F32, F16 or BF16 only");
    std::vector<TensorToWrite> tensors;
    for (const auto &[name, tensor] : m_weights.named()) {
        TensorToWrite t;
        t.name = name;
        t.dtype = dtype;
        t.shape = tensor.sizes().vec();
        const at::Tensor c = tensor.detach().to(storageType(dtype)).contiguous();
        t.bytes.resize(static_cast<size_t>(c.numel()) * c.element_size());
        std::memcpy(t.bytes.data(), c.data_ptr(), t.bytes.size());
        tensors.push_back(std::move(t));
    }
    Status s = writeFileAtomic(joinPath(dir, "config.json"), modelConfigToJson(m_config));
    if (!s)
        return s;
    return writeSafetensors(joinPath(dir, "model.safetensors"), tensors, {{"format", "pt"}});
}

} // namespace dlm
