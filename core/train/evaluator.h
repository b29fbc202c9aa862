#pragma once
// How well a masked diffusion model predicts a text: masked-token cross entropy at fixed mask ratios, LLaDA's
// Monte Carlo ELBO bound on per-token perplexity, and a unigram baseline on the same tokens. Works on any
// LogitsModel, so tests can feed models whose true numbers are known. Torch-free header.
//
// The text is cut into non-overlapping windows of seq_len tokens (a shorter tail is dropped; a text shorter
// than seq_len is one window). Every random choice is a counter-based hash of (seed, window, draw), so the
// numbers depend on the seed only, not on batching or thread count.

#include "core/base/result.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace dlm {

class LogitsModel;

/** Knobs of an evaluation. */
struct EvalOptions
{
    int seqLen = 0; ///< window length; 0 = min(256, max_sequence_length)
    int mcSamples = 16; ///< ELBO samples per window
    uint64_t seed = 0;
    int maxWindows = 0; ///< 0 = every window; else this many, spread evenly over the text
    int batchSize = 8; ///< canvases per forward pass
    std::vector<double> maskRatios = {0.15, 0.5, 0.85};
};

/** Cross entropy on masked positions when round(ratio * L) random positions per window are masked. */
struct MaskedCrossEntropy
{
    double ratio = 0;
    int maskedPerWindow = 0;
    double crossEntropy = 0; ///< nats per masked token, mean over all masked positions of all windows
    int64_t maskedTokens = 0;
};

/** The numbers `dlmstudio-cli eval` prints. */
struct EvalReport
{
    int64_t textTokens = 0; ///< tokens in the text
    int seqLen = 0; ///< window length used
    int windows = 0;
    int64_t evaluatedTokens = 0; ///< windows * seqLen
    int vocabSize = 0;
    std::vector<MaskedCrossEntropy> masked;

    // LLaDA's estimator: per window and sample draw l ~ U{1..L}, mask l random positions, and take
    // (L / l) * sum of CE over them; its mean over samples, divided by L, bounds the NLL per token from above.
    int mcSamples = 0;
    int64_t elboSamples = 0; ///< windows * mcSamples
    double elboNll = 0; ///< nats per token (upper bound on the true NLL, in expectation)
    double elboStdErr = 0; ///< standard error of elboNll over the samples (NaN with one sample)
    double elboPerplexity = 0; ///< exp(elboNll)

    // A unigram model fitted to the same tokens with add-one smoothing over the vocabulary: the baseline any
    // useful model must beat.
    double unigramNll = 0;
    double unigramPerplexity = 0;
};

/** Progress: forward passes done and the total; return false to cancel. */
using EvalProgress = std::function<bool(int done, int total)>;

/** Evaluates `model` on `ids`; messages name the option or the offending id. */
Result<EvalReport> evaluateModel(
    LogitsModel &model, const std::vector<int32_t> &ids, const EvalOptions &options, const EvalProgress &progress = {});

} // namespace dlm
