#pragma once
// Trains a LLaDA-format masked diffusion model from scratch on a token file, with checkpoints that resume
// bit for bit, a CSV log, held-out evaluation and export of a ready model directory. Torch-free header: the
// CLI and tests include it without ATen.
//
// Output directory layout:
//   OUT/checkpoint/   model.safetensors + config.json (F32 weights), optimizer.safetensors (AdamW moments),
//                     train_state.json (step, config, data fingerprint, elapsed time); replaced atomically
//   OUT/train_log.csv step,loss,lr,grad_norm,tokens_per_s,elapsed_s,val_loss (one row per step)
//   OUT/model/        config.json, model.safetensors, tokenizer.model, generation_config.json
//
// Reproducibility: the initial weights come from the seed; the batch windows and the masks of step s are
// pure functions of (seed, s). So a resumed run needs no random-generator state, only the step number.

#include "core/train/train_config.h"

#include <functional>
#include <limits>
#include <memory>
#include <string>

namespace dlm {

/** What the trainer reports after each step and on events. */
struct TrainProgress
{
    enum class Event { Step, Checkpoint, Export, Finished };
    Event event = Event::Step;
    int64_t step = 0;
    int64_t totalSteps = 0;
    double loss = 0; ///< this step's training loss
    double lossEma = 0; ///< bias-corrected exponential moving average (0.98) of the loss
    double lr = 0;
    double gradNorm = 0; ///< before clipping
    double tokensPerSecond = 0; ///< this step's
    double elapsedSeconds = 0; ///< training time, summed over resumed runs
    double valLoss = std::numeric_limits<double>::quiet_NaN(); ///< set on steps that evaluated
    std::string path; ///< the checkpoint or model directory written (Checkpoint, Export)
};

/** Called after every step and event; return false to stop (a checkpoint is written first). */
using TrainCallback = std::function<bool(const TrainProgress &)>;

/** Names of the files inside OUT. */
inline constexpr const char *kCheckpointDirName = "checkpoint";
inline constexpr const char *kModelDirName = "model";
inline constexpr const char *kTrainLogName = "train_log.csv";

/** A training run. */
class Trainer
{
public:
    ~Trainer();

    /**
     * Opens a run: loads the tokenizer and token files named in `config`, fills in vocabulary size and special
     * ids, and validates everything (messages name the option or file). Fresh runs initialise the weights
     * from the seed and refuse an OUT that already holds a checkpoint. With `resume` the run continues from
     * OUT/checkpoint; `givenKeys` (JSON keys of options set explicitly) decide what must match the checkpoint
     * and what replaces it (see mergeResumeConfig); options left out keep the checkpoint's values.
     */
    static Result<std::unique_ptr<Trainer>> open(
        const TrainConfig &config, bool resume = false, const std::set<std::string> &givenKeys = {});

    /** The resolved config (vocabulary and special ids filled in). */
    const TrainConfig &config() const;
    /** Training steps done so far. */
    int64_t step() const;
    int64_t parameterCount() const;

    /**
     * Trains until total_steps, checkpointing every checkpoint_every steps, evaluating every eval_every, and at
     * the end writes the last checkpoint and exports OUT/model. When the callback returns false, writes a
     * checkpoint at the current step and returns; stopped() then tells.
     */
    Status run(const TrainCallback &callback = {});
    bool stopped() const;

    /** Asks run() to export OUT/model after the current step and carry on (safe from a signal handler's
     *  flag check in the callback; any thread). */
    void requestExport();

    /** One training step (what run() does per step, without logging or events); returns its loss. */
    Result<double> trainStep();
    /** Mean masked-diffusion loss on the held-out windows (fixed windows and masks, t stratified over the
     *  windows for a steadier estimate); NaN without --val. */
    double validationLoss();

    /** Writes OUT/checkpoint atomically. */
    Status saveCheckpoint();
    /** Writes the model directory (default OUT/model). Files there besides ours (MODEL_CARD.md) are kept. */
    Status exportModel(const std::string &dir = {});

private:
    Trainer();
    // run()'s parts, in trainer.cpp.
    /** Folds a step's loss into the moving average and fills `p` for it, evaluating when due. */
    void describeStep(TrainProgress &p, double loss, double seconds);
    /** After a step's report: the checkpoint and export it asks for, each reported; returns whether to go on. */
    Result<bool> stepEvents(TrainProgress &p, bool keepGoing, const TrainCallback &callback);
    /** At total_steps: the last checkpoint and the exported model, then the Finished event. */
    Status finishRun(TrainProgress &p, const TrainCallback &callback);
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace dlm
