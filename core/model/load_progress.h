#pragma once
// How loading a model directory reports where it stands and learns that the user cancelled: every stage that
// can take time reports in its own units (bytes, files, tensors), and the callback's answer can stop the load
// between any two reports. No LibTorch and no Qt, so the GUI and the CLI include it freely.

#include <cstdint>
#include <functional>
#include <string>

namespace dlm {

/** The stages of a load, in the order they run. */
enum class LoadStage { Tokenizer, Config, Mapping, Checking, Weights, ReadAhead };

/** "reading the tokenizer", "mapping weights", ... for progress lines. */
const char *loadStageName(LoadStage stage);

/** Where a load stands: the stage, its progress in the stage's own unit, and the whole load's fraction. */
struct LoadProgressInfo
{
    LoadStage stage = LoadStage::Tokenizer;
    uint64_t done = 0;
    uint64_t total = 0;
    const char *unit = ""; ///< "bytes", "files", "tensors" (empty for a stage reported only as begun/ended)
    std::string detail; ///< what is being read: a file name, "layer 3 of 32"
    double fraction = 0.0; ///< of the whole load, in [0, 1], never decreasing
};

/** Called as a load advances; returning false cancels the load, which then ends with kLoadCancelled. */
using LoadProgress = std::function<bool(const LoadProgressInfo &info)>;

/** The message of a load that ended because its progress callback returned false. */
extern const char *const kLoadCancelled;
/** True for the message of a cancelled load (as opposed to a failure to show as an error). */
bool isLoadCancelled(const std::string &error);

/** One line for a progress display: "mapping weights: 2 / 6 files (model-00002-of-00006.safetensors)". */
std::string describeLoadProgress(const LoadProgressInfo &info);

/**
 * The loader's side of a LoadProgress: turns stage reports into whole-load fractions and remembers a cancel
 * so that every later report answers false at once. Either the weight assignment or the read-ahead carries
 * the load's bytes (a dtype conversion reads every weight; a read-ahead reads them when nothing is
 * converted), so the loader says which before either starts.
 */
class LoadReporter
{
public:
    explicit LoadReporter(LoadProgress progress = {});

    /** Reports `done` of `total` in `unit`; false when the load is to stop. */
    bool report(LoadStage stage, uint64_t done, uint64_t total, const char *unit, const std::string &detail = {});
    /** Reports the start of a stage that has no units of its own; false when the load is to stop. */
    bool begin(LoadStage stage, const std::string &detail = {}) { return report(stage, 0, 0, "", detail); }
    /** Which of Weights and ReadAhead holds the bulk of the time (the other moves the bar only a little). */
    void setBulkStage(LoadStage stage) { m_bulk = stage; }
    bool cancelled() const { return m_cancelled; }

private:
    double fractionOf(LoadStage stage, uint64_t done, uint64_t total) const;

    LoadProgress m_progress;
    LoadStage m_bulk = LoadStage::ReadAhead;
    double m_lastFraction = 0.0;
    bool m_cancelled = false;
};

} // namespace dlm
