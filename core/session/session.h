#pragma once
// The engine API the GUI and the CLI drive: step once, run to the end, go back to any record, edit at the
// current record. Edits at an earlier record fork a branch and leave the old one intact. No LibTorch types
// appear here, so Qt code can include it.

#include "core/sampling/generation_settings.h"
#include "core/base/result.h"
#include "core/timeline/timeline.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dlm {

class LogitsModel;
class Tokenizer;
struct DetachedHistory;

/** What the model would say at one position of a canvas: one forward pass, no step, nothing recorded. */
struct PositionPrediction
{
    int position = -1;
    std::vector<int32_t> topIds; ///< most probable first
    std::vector<float> topProbs; ///< softmax(logits) at the position, without guidance or noise
    std::vector<std::string> pieces; ///< the tokenizer's piece of each top id (empty without a tokenizer)
    float entropy = 0.0f; ///< of that distribution, in nats
};

/** Progress callback: called after every new record; return false to stop. */
using StepCallback = std::function<bool(const StepRecord &)>;

/** Where the forward pass of the step being computed is. */
struct StepProgressInfo
{
    int denoiseStep = 0; ///< the step being computed (1 for the first)
    int layersDone = 0; ///< transformer layers done; layersTotal when the output head is done too
    int layersTotal = 0; ///< the model's layers + 1 (the output head)
};

/**
 * Called on the computing thread after every layer of a step's (or a prediction's) forward pass. Return false
 * to stop: the step then returns Status::stoppedOnRequest() within one layer and the timeline is unchanged.
 */
using StepProgress = std::function<bool(const StepProgressInfo &)>;

/** A generation in progress (or replayed from a file) over one model and tokenizer. */
class Session
{
public:
    ~Session();

    /** Starts from prompt text; "<mask>"-style mask pieces in the text become masked positions (infilling). */
    static Result<std::unique_ptr<Session>> create(std::shared_ptr<LogitsModel> model,
        std::shared_ptr<Tokenizer> tokenizer, const GenerationSettings &settings, const std::string &prompt);
    /** Starts from prompt ids (mask id allowed for infilling). `tokenizer` may be null (ids-only runs). */
    static Result<std::unique_ptr<Session>> createFromIds(std::shared_ptr<LogitsModel> model,
        std::shared_ptr<Tokenizer> tokenizer, const GenerationSettings &settings, const std::vector<int32_t> &promptIds,
        const std::string &promptText = {});

    /**
     * Continues a saved timeline (from loadTimeline) on `model`: stepping, editing and branching go on where
     * it left off, with the same noise, so the records are those the original run would have made. Refused,
     * with the reason, when the timeline was made with another model or tokenizer, or does not fit it.
     */
    static Result<std::unique_ptr<Session>> adopt(
        std::shared_ptr<LogitsModel> model, std::shared_ptr<Tokenizer> tokenizer, Timeline timeline);

    const Timeline &timeline() const { return m_timeline; }
    /** Records the model's family ("llada", "llada-moe", "dream") in the timeline; the loader knows it. */
    void setModelFamily(const std::string &family) { m_timeline.model.family = family; }
    /** Records the conversation a chat prompt was rendered from, so an opened file shows it again. */
    void setChatMessages(std::vector<ChatMessage> messages) { m_timeline.chatMessages = std::move(messages); }
    const GenerationSettings &settings() const { return m_timeline.settings; }
    /** The settings the current branch runs with (its own after runAgainWith, else the timeline's). */
    const GenerationSettings &branchSettings() const { return m_timeline.settingsFor(m_branch); }
    int branchId() const { return m_branch; }
    int index() const { return m_index; }
    const StepRecord &current() const;
    int32_t maskId() const;
    int promptLength() const { return static_cast<int>(m_timeline.promptIds.size()); }
    /**
     * True when there is no step left to take: no masked position, or with LLaDA's quota no block with anything
     * left to commit (masks typed into the prompt may then stay, as LLaDA's generate() leaves them).
     */
    bool finished() const;

    /** Moves one record forward: along history if there is one, else computes a new step. */
    Status step();
    /** Steps until finished, `maxSteps` new records, or the callback returns false (how a caller stops it). */
    Status run(const StepCallback &onStep, int maxSteps = -1);
    /** Watches every following forward pass (steps and predictions) layer by layer; empty: nobody. */
    void setStepProgress(StepProgress progress);
    /** Moves to record `index` of the current branch (instant). */
    Status goTo(int index);
    Status switchBranch(int branchId, int index = -1);

    // Edits at the current record. At the branch tip they append an Edit record; at an earlier record they
    // fork a new branch first. Each returns a message naming the position and the problem when refused.
    Status setTokens(int position, const std::vector<int32_t> &ids, const std::string &text = {});
    /** Tokenises `text` and writes its tokens from `position` on; `count` receives how many were written. */
    Status setText(int position, const std::string &text, int *count = nullptr);
    Status remask(const std::vector<int32_t> &positions);
    Status setLocked(const std::vector<int32_t> &positions, bool locked);

    // Taking an edit back and making it again (undo, redo). Records are immutable and shared, so taking an
    // edit back detaches the records it made (the edit and the steps computed after it on its branch, or the
    // whole branch it forked) without copying them, and redo attaches the very same records again: nothing
    // is recomputed and nothing computed elsewhere in the meantime is lost.
    //
    // Branch ids are indices into the timeline and are saved in files, so ids stay dense: a forked branch can
    // only be taken back while it is the newest, and only records no later branch forked from can be
    // detached. Both are refused with the reason otherwise (no hidden branches that a save would have to
    // skip). Edits are undone newest first, so for edits of this session this only refuses when the timeline
    // changed in between in a way undo cannot express.
    /**
     * Takes back the edit whose record is record `index` of branch `branchId`; `expected` must be that very
     * record (a check that caller and session mean the same history). The cursor moves to the record the edit
     * was made at. Returns what was taken out, for restoreEdit().
     */
    Result<std::shared_ptr<const DetachedHistory>> takeBackEdit(int branchId, int index, const StepRecord *expected);
    /**
     * Puts back what takeBackEdit() took out and moves the cursor to the edit record. Refused when the
     * history changed where it would go (for example a step was computed at that point since the undo).
     */
    Status restoreEdit(const DetachedHistory &detached);

    /**
     * Starts a new branch from the initial record (same prompt; the seed stays the timeline's) that runs with
     * `settings`, and moves the cursor to it; stepping then fills it. Refused, naming the setting, when the
     * settings are invalid or change the canvas length (gen length), which the shared initial record fixes.
     */
    Status runAgainWith(const GenerationSettings &settings);
    /**
     * One forward pass of the model on `record`'s canvas; the top-`topK` tokens at `position` and the
     * entropy there. Changes nothing: no record, no cursor move (session_predict.cpp).
     */
    Result<PositionPrediction> predictPosition(const StepRecord &record, int position, int topK) const;

    /** Text of the generation region of a record (masks shown as the mask piece). */
    std::string generatedText(const StepRecord &record) const;
    std::string piece(int32_t id) const;

private:
    Session();
    struct Impl;
    std::unique_ptr<Impl> d;
    Timeline m_timeline;
    int m_branch = 0;
    int m_index = 0;
    Status appendEdit(StepRecord record);
    Status computeNextStep();
    /** finished()'s reason, the one step() gives; nothing while a step is left (the branch's sampler decides). */
    std::optional<std::string> finishedWhy() const;
    void rememberPieces(const StepRecord &record);
};

} // namespace dlm
