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
    case TensorDType::F16:
        return at::kHalf;
    case TensorDType::BF16:
        return at::kBFloat16;
    case TensorDType::I64:
        return at::kLong;
    case TensorDType::I32:
        return at::kInt;
    case TensorDType::F32:
        break;
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

at::Tensor &LladaWeights::slot(const LladaTensorSpec &spec)
{
    Block *b = spec.layer >= 0 && size_t(spec.layer) < blocks.size() ? &blocks[size_t(spec.layer)] : nullptr;
    switch (spec.role) {
    case LladaTensorRole::Embedding:
        return wte;
    case LladaTensorRole::FinalNorm:
        return lnF;
    case LladaTensorRole::Head:
        return head;
    default:
        break;
    }
    if (!b) // a programmer error: the table and the weights disagree on the number of blocks
        throw std::out_of_range("LladaWeights::slot: no block " + std::to_string(spec.layer) + " for " + spec.name);
    switch (spec.role) {
    case LladaTensorRole::AttnNorm:
        return b->attnNorm;
    case LladaTensorRole::QProj:
        return b->qProj;
    case LladaTensorRole::KProj:
        return b->kProj;
    case LladaTensorRole::VProj:
        return b->vProj;
    case LladaTensorRole::AttnOut:
        return b->attnOut;
    case LladaTensorRole::FfNorm:
        return b->ffNorm;
    case LladaTensorRole::FfProj:
        return b->ffProj;
    case LladaTensorRole::UpProj:
        return b->upProj;
    default:
        return b->ffOut;
    }
}

std::vector<std::pair<std::string, at::Tensor>> LladaWeights::named(const ModelConfig &config) const
{
    std::vector<std::pair<std::string, at::Tensor>> out;
    for (const LladaTensorSpec &spec : lladaTensors(config))
        out.emplace_back(spec.name, const_cast<LladaWeights *>(this)->slot(spec)); // slot() only reads here
    return out;
}

namespace {

/** Refuses weights config.json does not use, naming the first few: with `n_layers: 1` over two layers'
 *  weights the model would otherwise run as a different (broken) network without a word. */
Status checkUnusedTensors(
    const std::vector<LladaTensorSpec> &expected, const WeightStore &store, const std::string &dir)
{
    std::vector<std::string> present;
    for (const auto &entry : store.tensors())
        present.push_back(entry.first);
    const std::vector<std::string> unused = unusedTensorNames(expected, present);
    if (unused.empty())
        return {};
    std::string names;
    for (size_t i = 0; i < unused.size() && i < 3; ++i)
        names += (i ? ", '" : "'") + unused[i] + "'";
    if (unused.size() > 3)
        names += " and " + std::to_string(unused.size() - 3) + " more";
    return Status::failure(dir + ": " + std::to_string(unused.size()) + " tensor" + (unused.size() == 1 ? "" : "s")
        + " that config.json does not use (" + names + "); does n_layers match the weights?");
}

} // namespace

Result<std::shared_ptr<LladaModel>> LladaModel::load(
    const std::string &dir, ComputeDType dtype, const LoadProgress &progress)
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
    const std::vector<LladaTensorSpec> expected = lladaTensors(*config);
    std::string storage;
    for (const LladaTensorSpec &spec : expected) {
        const std::string &name = spec.name;
        const TensorView *view = (*store)->find(name);
        if (!view)
            return R::failure(dir + ": missing tensor '" + name + "' required by config.json");
        if (view->dtype != TensorDType::F32 && view->dtype != TensorDType::F16 && view->dtype != TensorDType::BF16)
            return R::failure(view->file + ": tensor '" + name + "' has dtype " + dtypeLabel(view->dtype)
                + "; weights must be F32, F16 or BF16");
        if (view->shape != spec.shape) {
            auto fmt = [](const std::vector<int64_t> &s) {
                std::string r = "[";
                for (size_t i = 0; i < s.size(); ++i)
                    r += (i ? ", " : "") + std::to_string(s[i]);
                return r + "]";
            };
            return R::failure(view->file + ": tensor '" + name + "' has shape " + fmt(view->shape)
                + " but config.json implies " + fmt(spec.shape));
        }
        storage = dtypeLabel(view->dtype);
    }

    if (const Status unused = checkUnusedTensors(expected, **store, dir); !unused)
        return R::failure(unused.error());

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
    LladaWeights &w = model->m_weights;
    w.blocks.resize(size_t(config->nLayers));
    for (const LladaTensorSpec &spec : expected) {
        if (progress && spec.role == LladaTensorRole::AttnNorm)
            progress(0.1 + 0.85 * spec.layer / std::max(1, config->nLayers), "layer " + std::to_string(spec.layer + 1));
        w.slot(spec) = tensorFromView(*(*store)->find(spec.name), target);
    }
    if (config->weightTying)
        w.head = w.wte;

    const int hd = config->headDim();
    model->m_invFreq = 1.0 / at::pow(config->ropeTheta, at::arange(0, hd, 2, at::kFloat) / static_cast<double>(hd));
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
    // Draws happen in table order, so a seed gives the same weights as long as the table's order holds.
    LladaWeights &w = model->m_weights;
    w.blocks.resize(size_t(config.nLayers));
    for (const LladaTensorSpec &spec : lladaTensors(config))
        w.slot(spec)
            = isNormRole(spec.role) ? at::ones(spec.shape, at::kFloat) : at::randn(spec.shape, at::kFloat) * 0.02;
    if (config.weightTying)
        w.head = w.wte;
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
    for (const auto &[name, tensor] : m_weights.named(m_config)) {
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
