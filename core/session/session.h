#pragma once
// The engine API the GUI and the CLI drive: step once, run to the end, go back to any record, edit at the
// current record. Edits at an earlier record fork a branch and leave the old one intact. No LibTorch types
// appear here, so Qt code can include it.

#include "core/sampling/generation_settings.h"
#include "core/base/result.h"
#include "core/timeline/timeline.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace dlm {

class LogitsModel;
class Tokenizer;

/** Progress callback: called after every new record; return false to stop. */
using StepCallback = std::function<bool(const StepRecord &)>;

/** A generation in progress (or replayed from a file) over one model and tokenizer. */
class Session
{
public:
    ~Session();

    /** Starts from prompt text; "<mask>"-style mask pieces in the text become masked positions (infilling). */
    static Result<std::unique_ptr<Session>> create(std::shared_ptr<LogitsModel> model,
                                                   std::shared_ptr<Tokenizer> tokenizer,
                                                   const GenerationSettings &settings, const std::string &prompt);
    /** Starts from prompt ids (mask id allowed for infilling). `tokenizer` may be null (ids-only runs). */
    static Result<std::unique_ptr<Session>> createFromIds(std::shared_ptr<LogitsModel> model,
                                                          std::shared_ptr<Tokenizer> tokenizer,
                                                          const GenerationSettings &settings,
                                                          const std::vector<int32_t> &promptIds,
                                                          const std::string &promptText = {});

    /**
     * Continues a saved timeline (from loadTimeline) on `model`: stepping, editing and branching go on where
     * it left off, with the same noise, so the records are those the original run would have made. Refused,
     * with the reason, when the timeline was made with another model or tokenizer, or does not fit it.
     */
    static Result<std::unique_ptr<Session>> adopt(std::shared_ptr<LogitsModel> model,
                                                  std::shared_ptr<Tokenizer> tokenizer, Timeline timeline);

    const Timeline &timeline() const { return m_timeline; }
    const GenerationSettings &settings() const { return m_timeline.settings; }
    int branchId() const { return m_branch; }
    int index() const { return m_index; }
    const StepRecord &current() const;
    int32_t maskId() const;
    int promptLength() const { return static_cast<int>(m_timeline.promptIds.size()); }
    /** True when the current record has no masked position left. */
    bool finished() const;

    /** Moves one record forward: along history if there is one, else computes a new step. */
    Status step();
    /** Steps until finished, `maxSteps` new records, or the callback returns false. */
    Status run(const StepCallback &onStep, int maxSteps = -1);
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

    // Taking edits back (undo). Branch ids are indices, so only the newest branch can go, and only records no
    // other branch forked after can be dropped; both refuse otherwise. The cursor moves to what is left.
    /** Removes branch `branchId`, which must be the newest one with no branch forked from it. */
    Status discardBranch(int branchId);
    /** Drops the records after `keepUpTo` on `branchId`; refused when a branch forks after that point. */
    Status discardAfter(int branchId, int keepUpTo);

    /** Text of the generation region of a record (masks shown as the mask piece). */
    std::string generatedText(const StepRecord &record) const;
    std::string piece(int32_t id) const;

    /** Cancels a running `run` between steps; safe from another thread. */
    void requestStop();

private:
    Session();
    struct Impl;
    std::unique_ptr<Impl> d;
    Timeline m_timeline;
    int m_branch = 0;
    int m_index = 0;
    Status appendEdit(StepRecord record);
    Status computeNextStep();
    void rememberPieces(const StepRecord &record);
};

} // namespace dlm
