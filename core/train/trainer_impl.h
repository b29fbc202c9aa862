#pragma once
// Trainer's private state, shared by trainer_open.cpp (opening, resuming, checking the inputs) and trainer.cpp
// (the training loop, checkpoints, export). Not part of the public API.

#include "core/base/counter_rng.h"
#include "core/base/file_util.h"
#include "core/model/llada_model.h"
#include "core/train/adamw.h"
#include "core/train/train_files.h"
#include "core/train/trainer.h"

#include <ATen/ATen.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace dlm {

// Stream tags keep the three uses of the seed independent of each other.
inline constexpr uint64_t kWindowStream = 0x57494e444f57ull; // batch window starts
inline constexpr uint64_t kMaskStream = 0x4d41534bull; // t and u of the training masks
inline constexpr uint64_t kValStream = 0x56414cull; // masks of the held-out windows

inline uint64_t streamKey(uint64_t seed, uint64_t stream, uint64_t index)
{
    return mix64(mix64(seed ^ mix64(stream)) ^ index);
}

/** The model shape a training config describes. */
ModelConfig modelConfigOf(const TrainConfig &c);

struct Trainer::Impl
{
    TrainConfig config;
    std::vector<int32_t> train, val;
    std::string trainFingerprint;
    std::shared_ptr<LladaModel> model;
    std::vector<at::Tensor> params;
    std::unique_ptr<AdamW> optimizer;
    at::Tensor batch; ///< [B, L] int64, refilled every step
    std::vector<int64_t> valStarts;
    TrainLog log;
    int64_t step = 0;
    int64_t checkpointStep = -1; ///< step of the checkpoint on disk
    double elapsedBase = 0;
    double lossEma = 0, lossEmaWeight = 0;
    double lastGradNorm = 0;
    bool stopped = false;
    std::atomic<bool> exportRequested {false};

    std::string outPath(const char *name) const { return joinPath(config.outDir, name); }

    // Opening a run (trainer_open.cpp), once `config` is resolved, in this order: the token files, the weights,
    // the optimizer. `resumed` is the checkpoint's state when resuming, else null.
    /** Loads --train (checked against a resumed checkpoint's data) and --val with its fixed windows. */
    Status loadData(int vocab, const TrainState *resumed);
    /** The weights: the checkpoint's when resuming, else --init-from's, else fresh from the seed. */
    Status loadModel(const std::string &checkpointDir, const TrainState *resumed);
    /** Marks the weights trainable and makes the optimizer, with the checkpoint's moments when resuming. */
    Status makeOptimizer(const std::string &checkpointDir, const TrainState *resumed);

    void fillWindows(at::Tensor &ids, const std::vector<int32_t> &source, const std::vector<int64_t> &starts)
    {
        const int64_t len = config.seqLen;
        int64_t *dst = ids.data_ptr<int64_t>();
        for (size_t b = 0; b < starts.size(); ++b) {
            const int32_t *src = source.data() + starts[b];
            for (int64_t i = 0; i < len; ++i)
                dst[static_cast<int64_t>(b) * len + i] = src[i];
        }
    }

    /** Window starts of training step `s` (1-based): uniform over every position a full window fits. */
    std::vector<int64_t> trainStarts(int64_t s) const
    {
        const uint64_t range = train.size() - static_cast<uint64_t>(config.seqLen) + 1;
        const uint64_t key = streamKey(config.seed, kWindowStream, static_cast<uint64_t>(s));
        std::vector<int64_t> starts(static_cast<size_t>(config.batchSize));
        for (size_t b = 0; b < starts.size(); ++b)
            starts[b] = static_cast<int64_t>(mix64(key ^ (b + 1) * 0xD1B54A32D192ED03ull) % range);
        return starts;
    }
};

} // namespace dlm
