#pragma once
// The history of a generation: branches of records. Records are immutable and shared, so forking a branch
// at record s copies s pointers, never the records themselves.

#include "core/sampling/generation_settings.h"
#include "core/text/chat_message.h"
#include "core/timeline/step_record.h"

#include <memory>
#include <string>
#include <vector>

namespace dlm {

/** Facts about the model and tokenizer a timeline was made with, so it can be shown without them. */
struct ModelIdentity
{
    std::string name;       ///< model directory name
    std::string configHash; ///< sha256 of config.json
    std::string tokenizerHash; ///< sha256 of the tokenizer file
    int32_t maskId = -1;
    int32_t eosId = -1;
    int vocabSize = 0;
    std::string family; ///< "llada", "llada-moe", "dream"; empty when unknown (files before version 2)
};

/** One line of history. Records [0, forkIndex] are shared with the parent branch. */
struct Branch
{
    int id = 0;
    int parent = -1; ///< parent branch id, -1 for the root
    int forkIndex = -1; ///< last record shared with the parent
    std::string label;
    std::vector<std::shared_ptr<const StepRecord>> records;
    /// Settings of a branch run again with other settings ("Run again with…"); null: the timeline's.
    /// Forks inherit them. Only knobs that keep the canvas length may differ (the initial record is shared).
    std::shared_ptr<const GenerationSettings> settings;

    int size() const { return static_cast<int>(records.size()); }
    const StepRecord &at(int i) const { return *records.at(static_cast<size_t>(i)); }
    const StepRecord &last() const { return *records.back(); }
};

/** Branches of records plus what is needed to read them without a model. */
class Timeline
{
public:
    GenerationSettings settings;
    ModelIdentity model;
    std::vector<int32_t> promptIds; ///< prompt tokens, masks included (infilling)
    std::string promptText; ///< what the tokenizer was given: the rendered conversation in chat mode
    /// The conversation promptText was rendered from with the model's chat template; empty for a raw prompt.
    std::vector<ChatMessage> chatMessages;
    /// Pieces of every token id that occurs in the timeline, so text can be shown without the tokenizer.
    std::vector<std::pair<int32_t, std::string>> pieces;
    /// The ids among `pieces` that are special tokens (bos, <|eot_id|>, ...), sorted, so views style them apart.
    std::vector<int32_t> specialIds;

    /** Starts the root branch from an initial record; returns its id (0). */
    int start(StepRecord initial);
    /** Creates a branch that shares records [0, atIndex] of `from` (and its settings); returns its id. */
    int fork(int from, int atIndex);
    /** The settings branch `id` runs with: its own if it has them, else the timeline's. */
    const GenerationSettings &settingsFor(int id) const;
    void append(int branchId, StepRecord record);
    /** Drops records after `keepUpTo` on a branch (used when history past a point is discarded). */
    void truncate(int branchId, int keepUpTo);
    /** Removes the newest branch (undoing the edit that forked it); ids of the others stay valid. */
    void removeLastBranch();

    int branchCount() const { return static_cast<int>(m_branches.size()); }
    const Branch &branch(int id) const { return m_branches.at(static_cast<size_t>(id)); }
    Branch &branchForLoading(int id) { return m_branches.at(static_cast<size_t>(id)); }
    /** Adds a branch as read from a file; records are set by the caller. */
    int addBranch(Branch branch);
    bool empty() const { return m_branches.empty(); }
    void clear();

    /** Looks a piece up in `pieces`; empty if unknown. */
    std::string pieceOf(int32_t id) const;
    /** Whether `id` is in specialIds. */
    bool isSpecial(int32_t id) const;

private:
    std::vector<Branch> m_branches;
};

} // namespace dlm
