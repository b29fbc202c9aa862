#include "core/model/llada_model.h"
#include "core/model/weight_loading.h"

#include "core/base/file_util.h"
#include "core/model/safetensors.h"
#include "core/base/sha256.h"
#include "core/model/family_tensors.h"
#include "core/model/tensor_ops.h"

#include <torch/torch.h>

#include <cmath>
#include <cstring>
#include <thread>

namespace dlm {

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

void LladaModel::setSpecialIds(const SpecialIds &ids)
{
    m_config.maskTokenId = ids.mask.id;
    m_config.eosTokenId = ids.eos.id;
    m_config.bosTokenId = ids.bos.id;
    m_config.padTokenId = ids.pad.id;
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
    const std::string &dir, ComputeDType dtype, const LoadProgress &progress, ReadAhead readAhead)
{
    LoadReporter reporter(progress);
    return load(dir, dtype, reporter, readAhead);
}

Result<std::shared_ptr<LladaModel>> LladaModel::load(
    const std::string &dir, ComputeDType dtype, LoadReporter &reporter, ReadAhead readAhead)
{
    using R = Result<std::shared_ptr<LladaModel>>;
    if (!reporter.begin(LoadStage::Config))
        return R::failure(kLoadCancelled);
    const std::string configPath = joinPath(dir, "config.json");
    if (!fileExists(configPath))
        return R::failure(dir + ": not a model directory (no config.json)");
    auto text = readTextFile(configPath, 4u << 20);
    if (!text)
        return R::failure(text.error());
    auto config = parseModelConfig(*text, configPath);
    if (!config)
        return R::failure(config.error());

    auto store = WeightStore::openDirectory(dir, &reporter);
    if (!store)
        return R::failure(store.error());

    // Check every tensor the config implies before building anything.
    if (config->family != ModelFamily::Llada)
        return R::failure(configPath + ": this is a " + familyName(config->family) + " model, not LLaDA");
    if (!reporter.begin(LoadStage::Checking))
        return R::failure(kLoadCancelled);
    const std::vector<LladaTensorSpec> expected = lladaTensors(*config);
    const Result<std::string> storage = checkTensors(**store, familyTensors(*config), dir);
    if (!storage)
        return R::failure(storage.error());

    if (const Status unused = checkUnusedTensors(expected, **store, dir); !unused)
        return R::failure(unused.error());

    auto model = std::shared_ptr<LladaModel>(new LladaModel());
    model->m_config = *config;
    model->m_store = *store;
    model->m_dir = dir;
    model->m_name = baseName(dir);
    model->m_dtype = dtype;
    model->m_storageDType = *storage;
    auto hash = sha256File(configPath);
    model->m_configHash = hash ? *hash : std::string();

    WeightAssigner assign(**store, dtype, reporter);
    LladaWeights &w = model->m_weights;
    w.blocks.resize(size_t(config->nLayers));
    const std::string layers = std::to_string(config->nLayers);
    for (const LladaTensorSpec &spec : expected) {
        const std::string detail
            = spec.layer < 0 ? "embeddings and head" : "layer " + std::to_string(spec.layer + 1) + " of " + layers;
        w.slot(spec) = assign.take(spec.name, detail);
        if (assign.cancelled())
            return R::failure(kLoadCancelled);
    }
    if (config->weightTying)
        w.head = w.wte;
    if (const Status ready = assign.finish(readAhead); !ready)
        return R::failure(ready.error());

    model->m_invFreq = rotaryInverseFrequencies(config->headDim(), config->ropeTheta);
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
    model->m_invFreq = rotaryInverseFrequencies(config.headDim(), config.ropeTheta);
    return model;
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
        const at::Tensor c = tensor.detach().to(storageScalarType(dtype)).contiguous();
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
