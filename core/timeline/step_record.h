#pragma once
// What one denoising step (or one user edit) did to the canvas: everything a view or an export needs, so the
// whole run can be replayed from a saved timeline with no model loaded.

#include "core/timeline/expert_routing.h"
#include "core/sampling/sampler_kind.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dlm {

/** The state of one canvas position after a record. */
enum class PositionState : uint8_t {
    Prompt = 0,            ///< part of the prompt, never changes
    Masked = 1,            ///< masked and not considered this step (right of the current block)
    Remasked = 2,          ///< masked, got a candidate this step, and was sent back to the mask
    CommittedThisStep = 3, ///< received its candidate in this step
    Committed = 4,         ///< holds a token committed in an earlier step
    Edited = 5,            ///< holds a token a user set
};
const char *stateName(PositionState state);
bool parseStateName(const std::string &name, PositionState *out);

/** Flags orthogonal to the state. */
enum PositionFlag : uint8_t {
    FlagLocked = 1, ///< no strategy may change this position
};

/** What kind of event made a record. */
enum class RecordKind : uint8_t {
    Initial = 0, ///< the canvas before the first step: prompt + masks
    Denoise = 1, ///< one forward pass and one sampler decision
    Edit = 2,    ///< a user edit; no forward pass
};
const char *recordKindName(RecordKind kind);

/** What a LLaDA step did about the masks right of its block (settings' later_blocks, and the KV cache). */
enum class LaterPredictions : uint8_t {
    Unknown = 0,   ///< not a LLaDA step, nothing right of the block, or a file from before this was kept
    Recorded = 1,  ///< predicted and recorded like the block's, never eligible (confidence -inf)
    Off = 2,       ///< the run's settings skip them (later_blocks "skip")
    BlockOnly = 3, ///< a dual-cache step that ran the block only: no fresh prediction for them this step
};
const char *laterPredictionsName(LaterPredictions later);
bool parseLaterPredictionsName(const std::string &name, LaterPredictions *out);

/** One user edit, as applied. */
struct EditInfo
{
    enum class Type : uint8_t { SetTokens, Remask, Lock, Unlock };
    Type type = Type::SetTokens;
    std::vector<int32_t> positions; ///< canvas positions the edit touched
    std::vector<int32_t> tokens;    ///< new tokens for SetTokens (same length as positions)
    std::string text;               ///< typed text the tokens came from, if any
};
const char *editTypeName(EditInfo::Type type);

/**
 * One record of a timeline. Per-position arrays have one entry per canvas position (prompt included); the
 * per-step prediction arrays are meaningful where `candidate >= 0` (positions the sampler considered).
 */
struct StepRecord
{
    RecordKind kind = RecordKind::Initial;
    int denoiseStep = 0; ///< denoising steps done on this branch after this record (edits do not count)
    int block = 0;       ///< block the sampler worked on (or will work on next, for Initial/Edit)
    int stepInBlock = 0; ///< denoising steps done inside `block` after this record

    std::vector<int32_t> tokens;       ///< canvas after the record
    std::vector<PositionState> states; ///< state of each position after the record
    std::vector<uint8_t> flags;        ///< PositionFlag bits

    // Predictions of this step (Denoise records only).
    std::vector<int32_t> candidates; ///< proposed token, -1 where not predicted this step
    std::vector<float> confidence;   ///< as the decision saw it: -inf where not eligible (right of the block)
    std::vector<float> probability;  ///< p(candidate) under softmax(logits)
    std::vector<float> margin;       ///< p(top1) - p(top2)
    std::vector<float> entropy;      ///< entropy of softmax(logits), in nats
    int topK = 0;
    std::vector<int32_t> topIds;  ///< positions x topK alternatives, -1 padded
    std::vector<float> topProbs;  ///< their probabilities

    int quota = -1;         ///< tokens the schedule asked to commit (-1 in threshold mode)
    double threshold = 0.0; ///< tau in threshold mode
    std::vector<int32_t> committed; ///< positions that received their candidate, in commit order
    std::vector<int32_t> remasked;  ///< considered positions sent back to the mask

    // Dream's decision, in its own terms (Denoise records of sampler Dream only; LLaDA's use quota/threshold).
    SamplerKind sampler = SamplerKind::Llada;
    DreamAlg dreamAlg = DreamAlg::Origin;
    double scheduleT = 0.0;  ///< t of the time grid at this step
    double scheduleS = 0.0;  ///< s, the next grid point: the step goes from t to s
    int transferCount = -1;  ///< k = int(masked * (1 - s/t)) (all on the last step); origin: how many revealed

    EditInfo edit; ///< Edit records only

    int forwardPositions = 0; ///< canvas positions the forward ran: all, or fewer with a KV cache (0: unknown)
    int headRows = 0;  ///< rows the output head (and softmax, top-k) ran on, per pass (0: unknown, older files)
    int laterRows = 0; ///< of those, masks right of the block: predicted and recorded, never eligible
    LaterPredictions later = LaterPredictions::Unknown; ///< why masks right of the block have a prediction or not
    ExpertRouting experts; ///< mixture-of-experts models: the experts of this step's forward pass (else empty)

    double forwardMs = 0.0; ///< model forward time (both passes with CFG)
    double samplerMs = 0.0; ///< candidate scoring and the commit decision
    double recordMs = 0.0;  ///< copying predictions into this record

    int length() const { return static_cast<int>(tokens.size()); }
    bool considered(int pos) const { return !candidates.empty() && candidates[pos] >= 0; }
    /** A prediction recorded right of the block: shown, but the decision never saw it (confidence -inf). */
    bool laterPrediction(int pos) const;
    int maskedCount(int32_t maskId) const;
};

} // namespace dlm
