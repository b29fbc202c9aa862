#pragma once
// The files of a training run that need no tensors: train_state.json, the CSV log, the token fingerprint and
// the atomic replacement of a whole directory (checkpoints). Torch-free.

#include "core/base/result.h"
#include "core/train/train_config.h"

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace dlm {

/** train_state.json: where a checkpoint stands. */
struct TrainState
{
    int64_t step = 0;
    TrainConfig config;
    int64_t trainTokens = 0;
    std::string trainFingerprint; ///< fingerprintTokens() of the training stream
    double elapsedSeconds = 0;
    double lossEma = 0; ///< un-normalised EMA and its weight, so the shown average continues
    double lossEmaWeight = 0;
};

std::string trainStateToJson(const TrainState &state);
Result<TrainState> readTrainState(const std::string &path);

/** A 64-bit FNV-1a hash of the ids as hex: detects a resumed run pointed at different data. */
std::string fingerprintTokens(const std::vector<int32_t> &ids);

/** Creates an empty sibling directory "<finalDir>.tmp-XXXXXX" to fill before replaceDirectory(). */
Result<std::string> makeTempDirectory(const std::string &finalDir);

/**
 * Puts the complete directory `tmpDir` in place of `finalDir` atomically: readers see the old or the new
 * directory, never a half-written one (renameat2 RENAME_EXCHANGE, then the old one is deleted). Where the
 * file system cannot exchange, the old directory is first renamed to "<finalDir>.old", which
 * recoverDirectory() puts back if the process dies in between.
 */
Status replaceDirectory(const std::string &tmpDir, const std::string &finalDir);
/** Restores "<finalDir>.old" when a crash left no `finalDir`; removes stale temporary siblings. */
void recoverDirectory(const std::string &finalDir);

/** One row of train_log.csv. */
struct TrainLogRow
{
    int64_t step = 0;
    double loss = 0, lr = 0, gradNorm = 0, tokensPerSecond = 0, elapsedSeconds = 0;
    double valLoss = 0;
    bool hasValLoss = false;
};

/** train_log.csv, appended one flushed row per step. */
class TrainLog
{
public:
    /** Opens the log; a fresh run (`keepUpToStep` < 0) starts a new file, a resumed one keeps the rows up to
     *  the checkpoint's step and drops later ones (they will be trained again). */
    Status open(const std::string &path, int64_t keepUpToStep);
    Status append(const TrainLogRow &row);

private:
    std::string m_path;
    std::ofstream m_out;
};

} // namespace dlm
