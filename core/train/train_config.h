#pragma once
// Every knob of a training run in one struct (model shape, data, optimiser, schedule, checkpoints, export),
// shared by the CLI, the trainer, the checkpoint file and the tests. Torch-free.

#include "core/sampling/generation_settings.h"
#include "core/base/result.h"
#include "core/model/safetensors.h"

#include <cstdint>
#include <set>
#include <string>

namespace dlm {

/** A training run of a LLaDA-format masked diffusion model from scratch. */
struct TrainConfig
{
    // Model shape. vocab_size comes from the tokenizer; max_sequence_length 0 means seq_len.
    int dModel = 256;
    int nHeads = 4;
    int nKvHeads = 4;
    int nLayers = 6;
    int mlpHiddenSize = 768;
    int maxSequenceLength = 0;
    double ropeTheta = 10000.0;
    int vocabSize = 0; ///< filled in from the tokenizer
    int32_t maskTokenId = -1; ///< -1: the tokenizer's "<|mdm_mask|>" piece
    int32_t eosTokenId = -1; ///< -1: the tokenizer's eos id
    int32_t bosTokenId = -1; ///< -1: the tokenizer's bos id (may stay -1)
    int32_t padTokenId = -1; ///< -1: the eos id, as LLaDA's config does

    // Batches and schedule.
    int seqLen = 256;
    int batchSize = 8;
    int64_t totalSteps = 1000;
    double lr = 1e-3; ///< peak learning rate, reached after the warm-up
    double minLr = 1e-4; ///< end of the cosine decay
    int64_t warmupSteps = 100; ///< linear warm-up from 0
    double weightDecay = 0.1; ///< AdamW's decoupled decay; applied to matrices only, not to norm gains
    double beta1 = 0.9;
    double beta2 = 0.95;
    double adamEps = 1e-8;
    double gradClip = 1.0; ///< global gradient norm limit; 0 = no clipping
    uint64_t seed = 0; ///< initial weights, batch windows and masks are pure functions of it

    // Running: none of these change the trajectory, so a resumed run may change them.
    int threads = 0; ///< 0 = one per core
    int64_t checkpointEvery = 200; ///< 0 = only at the end and on interrupt
    int64_t evalEvery = 100; ///< held-out loss every N steps (needs valPath); 0 = never
    int evalWindows = 32; ///< held-out windows per evaluation (fixed, with fixed masks)
    TensorDType saveDType = TensorDType::F32; ///< dtype of the exported model.safetensors (F32 or BF16)
    std::string trainPath; ///< token file (dlmstudio-cli tokenize)
    std::string valPath; ///< optional held-out token file
    std::string tokenizerPath; ///< tokenizer.model, copied into the exported model
    std::string initFrom; ///< model directory whose weights start a fresh run (warm start); empty = random
    std::string outDir;

    // generation_config.json of the exported model.
    int genLength = 128;
    int genSteps = 128;
    int blockLength = 32;
    double temperature = 0.0;
    ConfidenceMeasure remasking = ConfidenceMeasure::LowConfidence;

    /** max_sequence_length as exported (seq_len when left at 0). */
    int effectiveMaxSequenceLength() const { return maxSequenceLength > 0 ? maxSequenceLength : seqLen; }
};

/** Checks ranges and relations between fields; the message names the option (e.g. "--heads"). */
Status validateTrainConfig(const TrainConfig &config);

/** Learning rate of training step `step` (1-based): linear warm-up to lr, then cosine decay to min_lr. */
double learningRate(const TrainConfig &config, int64_t step);

/** JSON text of the whole config (keys: d_model, n_heads, ..., lr, ..., train_path, gen_length, ...). */
std::string trainConfigToJson(const TrainConfig &config);
/** Parses trainConfigToJson's output; missing keys keep the defaults. `where` starts every message. */
Result<TrainConfig> trainConfigFromJson(const std::string &text, const std::string &where);

/**
 * The config of a resumed run: the checkpoint's `saved` config, with the options the user gave (`given`,
 * whose explicitly set JSON keys are `givenKeys`) applied. Keys that change the trajectory (shape, data
 * windows, optimiser, schedule, seed) must equal the saved values, else the message names the key and both
 * values; the others (threads, checkpoint and eval frequency, paths, export settings) are taken from `given`.
 */
Result<TrainConfig> mergeResumeConfig(
    const TrainConfig &saved, const TrainConfig &given, const std::set<std::string> &givenKeys);

} // namespace dlm
