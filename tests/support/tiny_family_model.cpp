#include "tiny_family_model.h"

#include "core/base/file_util.h"
#include "core/model/family_tensors.h"
#include "core/model/llada_tensors.h"
#include "portable_normal.h"
#include "tiny_tokenizer.h"

#include <nlohmann/json.hpp>

#include <filesystem>

namespace dlm::testing {

namespace {

ModelConfig configFor(const TinyFamilyOptions &o)
{
    ModelConfig c;
    c.family = o.family;
    c.dModel = o.dModel;
    c.nHeads = o.nHeads;
    c.nKvHeads = o.nKvHeads;
    c.nLayers = o.nLayers;
    c.mlpHiddenSize = o.mlpHiddenSize;
    c.vocabSize = c.embeddingSize = o.vocabSize;
    c.maxSequenceLength = 256;
    c.ropeTheta = o.ropeTheta;
    c.rmsNormEps = 1e-6;
    // The tiny tokenizer: bos 1, eos 2, <|mdm_mask|> 3, <|eot|> 4. LLaDA-MoE's config.json names no mask
    // (its tokenizer does), as the published one.
    c.maskTokenId = o.family == ModelFamily::Dream ? 3 : -1;
    c.bosTokenId = 1;
    c.eosTokenId = 4;
    c.padTokenId = 4;
    if (o.family == ModelFamily::Dream) {
        c.qkvBias = true;
    } else {
        c.qkNorm = true;
        c.numExperts = o.numExperts;
        c.expertsPerToken = o.expertsPerToken;
        c.expertIntermediateSize = o.expertHiddenSize;
        c.moeLayers.assign(size_t(o.nLayers), 1);
    }
    return c;
}

} // namespace

Result<ModelConfig> writeTinyFamilyModel(const std::string &dir, const TinyFamilyOptions &options)
{
    using R = Result<ModelConfig>;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        return R::failure(dir + ": cannot create directory: " + ec.message());
    const ModelConfig config = configFor(options);
    nlohmann::ordered_json j = nlohmann::ordered_json::parse(modelConfigToJson(config));
    for (const auto &[key, value] : options.configOverrides)
        j[key] = nlohmann::ordered_json::parse(value);

    PortableNormal normal(options.seed);
    std::vector<TensorToWrite> tensors;
    for (const TensorSpec &spec : familyTensors(config)) {
        if (spec.name == options.omitTensor)
            continue;
        TensorToWrite t;
        t.name = spec.name;
        t.dtype = options.dtype;
        t.shape = spec.shape;
        const int64_t count = shapeElementCount(spec.shape);
        for (int64_t i = 0; i < count; ++i) {
            const double z = normal.next();
            // Norm gains near 1 (with noise, so a swapped gain shows), everything else N(0, std^2).
            appendValue(t.bytes, float(spec.norm ? 1.0 + 0.1 * z : options.weightStd * z), options.dtype);
        }
        tensors.push_back(std::move(t));
    }
    if (Status s = writeSafetensors(joinPath(dir, "model.safetensors"), tensors, {{"format", "pt"}}); !s)
        return R::failure(s.error());
    if (Status s = writeFileAtomic(joinPath(dir, "config.json"), j.dump(2) + "\n"); !s)
        return R::failure(s.error());
    const std::string error = writeTinyTokenizer(dir, options.vocabSize);
    if (!error.empty())
        return R::failure(error);
    return config;
}

} // namespace dlm::testing
