// LLaDA's sampler: generate()'s semi-autoregressive blocks, a quota of commits per step (low-confidence
// remasking) or Fast-dLLM's threshold decoding, on the masked positions up to the current block's end.
#include "core/session/step_building.h"
#include "core/session/step_forward.h"
#include "core/session/step_sampler.h"

#include "core/model/logits_model.h"
#include "core/sampling/candidates.h"
#include "core/sampling/remask_strategy.h"
#include "core/sampling/schedule.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <limits>

namespace dlm {

namespace {

/** The positions one denoising step works on: its block, and the masked positions up to that block's end. */
struct StepTarget
{
    int block = 0;
    int stepInBlock = 0;
    int allowance = 0; ///< quota mode: what the block still has to commit over its steps (blockAllowance)
    std::vector<uint8_t> eligible; ///< per position: 1 where this step may commit
    std::vector<int32_t> rows; ///< the eligible positions, ascending: the logits rows to score
    std::vector<int32_t> later; ///< masks right of the block, ascending: predicted and recorded, never eligible
};

// What block `block` still has to commit over its steps, at record `index` of `branch`. LLaDA's generate() gives a
// block as many commits as it has masks when it starts (get_num_transfer_tokens on the block's masks alone),
// while every mask left of it (typed in the prompt, or left over by an earlier block) competes for them: a commit
// there is one fewer for the block, whose own masks then stay for the next blocks. So: the block's masks now,
// less the commits its steps made left of it. Without edits that is generate()'s split still to come, step for
// step. An edit inside the block changes its masks and so the allowance; an edit that sends positions left of
// the block back to the mask adds them (the user asked for them to be filled again).
int blockAllowance(const Branch &branch, int index, int block, int start, int end, int32_t mask)
{
    const StepRecord &cur = branch.at(index);
    int allowance = static_cast<int>(std::count(cur.tokens.begin() + start, cur.tokens.begin() + end, mask));
    const auto leftOfBlock = [start](const std::vector<int32_t> &positions) {
        return static_cast<int>(
            std::count_if(positions.begin(), positions.end(), [start](int32_t p) { return p < start; }));
    };
    for (int i = index; i > 0 && branch.at(i).block == block; --i) {
        const StepRecord &r = branch.at(i);
        if (r.kind == RecordKind::Denoise)
            allowance -= leftOfBlock(r.committed);
        else if (r.kind == RecordKind::Edit && r.edit.type == EditInfo::Type::Remask)
            allowance += leftOfBlock(r.edit.positions);
    }
    return std::max(0, allowance);
}

// The block of the next step: the current one while it has work left, else the next that has some (blocks
// with nothing to do are skipped rather than spent on no-op steps). Work left is, with a quota, the block's
// allowance (blockAllowance: generate()'s rule, which may leave masks left of the block for good); with a
// threshold, any mask in the block or left of it. No rows: generation is finished.
StepTarget chooseTarget(const Branch &branch, int index, const BlockSchedule &schedule, int32_t mask, bool quota)
{
    const StepRecord &cur = branch.at(index);
    StepTarget t;
    t.block = cur.block;
    t.stepInBlock = cur.stepInBlock;
    t.eligible.assign(static_cast<size_t>(cur.length()), 0);
    for (;;) {
        const int end = schedule.blockEnd(t.block);
        t.rows.clear();
        std::fill(t.eligible.begin(), t.eligible.end(), 0);
        for (int p = 0; p < end; ++p) {
            if (cur.tokens[static_cast<size_t>(p)] == mask) {
                t.eligible[static_cast<size_t>(p)] = 1;
                t.rows.push_back(p);
            }
        }
        if (quota) {
            // Never more than there are masks to fill (an edit may fill by hand a mask it had added).
            t.allowance = std::min(static_cast<int>(t.rows.size()),
                blockAllowance(branch, index, t.block, schedule.blockStart(t.block), end, mask));
            if (t.allowance == 0) {
                t.rows.clear();
                std::fill(t.eligible.begin(), t.eligible.end(), 0);
            }
        }
        if (!t.rows.empty() || t.block + 1 >= schedule.blockCount()) {
            for (int p = end; !t.rows.empty() && p < cur.length(); ++p) {
                if (cur.tokens[static_cast<size_t>(p)] == mask)
                    t.later.push_back(p);
            }
            return t;
        }
        ++t.block;
        t.stepInBlock = 0;
    }
}

// The rows the head ran, the block's first (the later ones, when run, are scored and recorded after them),
// and what the record says about the masks right of the block.
std::vector<int32_t> noteHeadRows(StepRecord &rec, const StepTarget &target, bool laterRun, bool recordLater)
{
    std::vector<int32_t> rows = target.rows;
    if (laterRun)
        rows.insert(rows.end(), target.later.begin(), target.later.end());
    rec.headRows = static_cast<int>(rows.size());
    rec.laterRows = rec.headRows - static_cast<int>(target.rows.size());
    if (!target.later.empty())
        rec.later = !recordLater ? LaterPredictions::Off
                                 : (laterRun ? LaterPredictions::Recorded : LaterPredictions::BlockOnly);
    return rows;
}

/** Why there is no next step: nothing masked, or (LLaDA's quota) masks that no block's steps will commit. */
std::string finishedMessage(const StepRecord &cur, int32_t mask)
{
    const int masked = cur.maskedCount(mask);
    if (masked == 0)
        return "generation finished: no masked position left";
    return "generation finished: every block has committed as many tokens as it had masks; " + std::to_string(masked)
        + " masked position(s) stay, as in LLaDA's generate() (masks in the prompt take part of those commits)";
}

CommitDecision decideCommits(const RemaskStrategy &strategy, const StepRecord &cur, const StepTarget &target,
    const std::vector<float> &confidence, int quota, double threshold)
{
    std::vector<uint8_t> locked(static_cast<size_t>(cur.length()), 0);
    for (int p = 0; p < cur.length(); ++p)
        locked[static_cast<size_t>(p)] = cur.flags[static_cast<size_t>(p)] & FlagLocked;
    StrategyInput in;
    in.confidence = &confidence;
    in.eligible = &target.eligible;
    in.locked = &locked;
    in.quota = quota;
    in.threshold = threshold;
    return strategy.decide(in);
}

class LladaStepSampler final : public StepSampler
{
public:
    LladaStepSampler(const GenerationSettings &settings, int promptLength)
        : m_schedule(promptLength, settings.genLength, settings.blockLength, settings.steps)
        , m_quota(!settings.useThreshold)
    {
        if (settings.useThreshold)
            m_strategy = std::make_unique<ThresholdStrategy>();
        else
            m_strategy = std::make_unique<QuotaStrategy>();
    }

    // Nothing masked; with the quota also no block with anything left to commit, which can leave prompt masks
    // (generate()).
    std::optional<std::string> finished(const Branch &branch, int index, int32_t mask) const override
    {
        const StepRecord &cur = branch.at(index);
        const int masked = cur.maskedCount(mask);
        if (masked == 0 || (m_quota && chooseTarget(branch, index, m_schedule, mask, true).rows.empty()))
            return finishedMessage(cur, mask);
        return std::nullopt;
    }

    Status step(const StepInput &in, StepRecord &rec) override
    {
        const StepRecord &cur = in.current();
        const GenerationSettings &set = in.settings;
        const int32_t mask = in.mask;
        StepTarget target = chooseTarget(in.branch, in.index, m_schedule, mask, m_quota);
        if (target.rows.empty())
            return Status::failure(finishedMessage(cur, mask));

        rec.kind = RecordKind::Denoise;
        rec.denoiseStep = cur.denoiseStep + 1;
        rec.block = target.block;
        rec.stepInBlock = target.stepInBlock + 1;
        if (set.useThreshold) {
            rec.threshold = set.threshold;
        } else {
            rec.quota
                = BlockSchedule::quota(target.allowance, m_schedule.stepsForBlock(target.block) - target.stepInBlock);
        }

        auto t0 = Clock::now();
        const StepBlock block {
            target.block, m_schedule.blockStart(target.block), m_schedule.blockEnd(target.block), target.stepInBlock};
        const ForwardWatch watch(in.model, in.progress, rec.denoiseStep);
        const bool recordLater = set.laterBlocks == LaterBlocks::Record;
        const StepForward forward = runStepForward(in.model, cur, target.rows,
            recordLater ? target.later : std::vector<int32_t> {}, block, set, mask, in.cache);
        rec.forwardMs = msSince(t0);
        rec.forwardPositions = forward.forwardPositions;
        const std::vector<int32_t> headRows = noteHeadRows(rec, target, forward.laterRun, recordLater);
        // Mixture-of-experts models: the experts the canvas used (the conditional pass when guided).
        if (const ExpertRouting *routing = in.model.lastRouting())
            rec.experts = *routing;

        t0 = Clock::now();
        ScoredRows scored = scoreRows(
            forward.logits, headRows, set.measure, set.temperature, set.seed, rec.denoiseStep, mask, set.topK);
        // As LLaDA: positions right of the block get confidence -inf, so later rows can never be chosen (their
        // own measure stays readable in probability, margin and entropy).
        std::vector<float> confidence
            = spreadRows(scored.confidence, target.rows, cur.length(), -std::numeric_limits<float>::infinity());
        std::vector<int32_t> candidates = spreadRows(scored.candidates, headRows, cur.length(), int32_t(-1));
        CommitDecision decision = decideCommits(*m_strategy, cur, target, confidence, rec.quota, set.threshold);
        rec.samplerMs = msSince(t0);

        t0 = Clock::now();
        applyDecision(rec, cur, std::move(decision), std::move(candidates), mask);
        rec.confidence = std::move(confidence);
        recordRowDetails(rec, scored.details, headRows, cur.length(), set.topK);
        rec.recordMs = msSince(t0);
        return {};
    }

private:
    BlockSchedule m_schedule;
    bool m_quota = true; ///< a quota per step (generate()); false: threshold decoding
    std::unique_ptr<RemaskStrategy> m_strategy;
};

} // namespace

std::unique_ptr<StepSampler> makeLladaStepSampler(const GenerationSettings &settings, int promptLength)
{
    return std::make_unique<LladaStepSampler>(settings, promptLength);
}

} // namespace dlm
