#pragma once
// Every knob of one generation in one struct, so the GUI, the CLI, the timeline file and the tests share a
// single definition (like llama.cpp's diffusion_params).

#include "core/base/result.h"
#include "core/sampling/cache_mode.h"
#include "core/sampling/sampler_kind.h"

#include <cstdint>
#include <string>

namespace dlm {

/** How the sampler scores a masked position's candidate; higher always means "surer". */
enum class ConfidenceMeasure {
    LowConfidence, ///< p(candidate) under softmax(logits), without noise (LLaDA's "low_confidence")
    Random,        ///< a uniform draw (LLaDA's "random")
    Margin,        ///< p(top1) - p(top2)
    Entropy,       ///< minus the entropy of softmax(logits)
};

const char *measureName(ConfidenceMeasure measure);
Result<ConfidenceMeasure> parseMeasure(const std::string &name);

enum class ComputeDType { F32, BF16 };
const char *dtypeName(ComputeDType dtype);
Result<ComputeDType> parseComputeDType(const std::string &name);

/**
 * Whether a LLaDA step also records predictions for the masks right of its block (what the model already
 * "thinks" about later text). They never take part in the decision; recording them runs the output head,
 * softmax and top-k on those rows too. Dream's sampler has one block over the whole generation: no effect.
 */
enum class LaterBlocks { Record, Skip };
const char *laterBlocksName(LaterBlocks later);
Result<LaterBlocks> parseLaterBlocks(const std::string &name);

/**
 * All settings of one generation. Defaults match LLaDA's generate.py where it has one; `dreamDefaults()`
 * gives Dream's. The Dream fields are used only when `sampler` is Dream; Dream runs have no blocks (one block
 * over the generation), no threshold and no guidance.
 */
struct GenerationSettings
{
    SamplerKind sampler = SamplerKind::Llada;
    int genLength = 128;   ///< masked positions appended to the prompt (Dream's max_new_tokens)
    int steps = 128;       ///< denoising steps in total (quota mode); spread over blocks
    int blockLength = 128; ///< semi-autoregressive block size; == genLength means one block
    double temperature = 0.0;
    ConfidenceMeasure measure = ConfidenceMeasure::LowConfidence;
    bool useThreshold = false; ///< Fast-dLLM threshold decoding instead of a fixed quota per step
    double threshold = 0.9;    ///< tau, used when useThreshold
    double cfgScale = 0.0;     ///< classifier-free guidance weight w; 0 disables the second forward
    uint64_t seed = 0;
    int topK = 5;              ///< alternatives recorded per position and step
    ComputeDType dtype = ComputeDType::F32;
    int threads = 0;           ///< 0 = auto: before each step, the cores no other program is using
    CacheMode cache = CacheMode::None; ///< Fast-dLLM's approximate KV cache (none is exact)
    LaterBlocks laterBlocks = LaterBlocks::Record; ///< predictions of masks right of the block (never decide)

    // Dream's knobs (generation_utils.py's names in brackets).
    DreamAlg alg = DreamAlg::Origin; ///< [alg]
    double algTemp = 0.0;            ///< [alg_temp] 0: the k most confident; > 0: sample positions
    double topP = 1.0;               ///< [top_p] nucleus filtering; 1 = off
    int sampleTopK = 0;              ///< [top_k] top-k filtering of the distribution; 0 = off
    double eps = 1e-3;               ///< [eps] the time grid ends at eps

    bool operator==(const GenerationSettings &o) const;
    bool operator!=(const GenerationSettings &o) const { return !(*this == o); }
};

/** Dream's own defaults (DreamGenerationConfig): 512 steps, eps 1e-3, alg origin, temperature 0. */
GenerationSettings dreamDefaults();

/** Checks that the settings are possible; the message names the setting and the reason. */
Status validateSettings(const GenerationSettings &settings);

} // namespace dlm
