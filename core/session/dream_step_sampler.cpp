// Dream's sampler: one step of Dream's _sample loop over every masked position of the canvas (prompt masks
// included: Dream's mask_index covers the whole sequence), on one block over the generation and Dream's time grid.
#include "core/session/step_building.h"
#include "core/session/step_forward.h"
#include "core/session/step_sampler.h"

#include "core/model/logits_model.h"
#include "core/sampling/dream_sampler.h"
#include "core/sampling/dream_schedule.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <limits>

namespace dlm {

namespace {

// Revealed rows become commits (in decision order), the other rows remasks. A revealed row whose sampled token
// is the mask id is, as in Dream, still a mask afterwards: it is recorded as remasked, not committed.
CommitDecision dreamDecision(const DreamRows &rows, const std::vector<int32_t> &positions, int32_t mask)
{
    CommitDecision d;
    std::vector<uint8_t> revealed(positions.size(), 0);
    for (int32_t r : rows.transfer) {
        if (rows.candidates[static_cast<size_t>(r)] == mask)
            continue;
        revealed[static_cast<size_t>(r)] = 1;
        d.commit.push_back(positions[static_cast<size_t>(r)]);
    }
    for (size_t r = 0; r < positions.size(); ++r) {
        if (!revealed[r])
            d.remask.push_back(positions[r]);
    }
    return d;
}

class DreamStepSampler final : public StepSampler
{
public:
    explicit DreamStepSampler(const GenerationSettings &settings)
        : m_grid(dreamTimesteps(settings.steps, settings.eps))
    {
    }

    std::optional<std::string> finished(const Branch &branch, int index, int32_t mask) const override
    {
        if (branch.at(index).maskedCount(mask) == 0)
            return std::string("generation finished: no masked position left");
        return std::nullopt;
    }

    Status step(const StepInput &in, StepRecord &rec) override
    {
        const StepRecord &cur = in.current();
        const GenerationSettings &set = in.settings;
        const int32_t mask = in.mask;

        std::vector<int32_t> rows; // masked positions, ascending; a locked mask is left alone
        for (int p = 0; p < cur.length(); ++p) {
            if (cur.tokens[static_cast<size_t>(p)] == mask && !(cur.flags[static_cast<size_t>(p)] & FlagLocked))
                rows.push_back(p);
        }
        if (rows.empty())
            return Status::failure("generation finished: no masked position left");

        // Dream's step index i is the number of denoising steps already done on this branch.
        const DreamStepPlan plan = dreamStepPlan(m_grid, cur.denoiseStep, static_cast<int>(rows.size()));
        rec.kind = RecordKind::Denoise;
        rec.denoiseStep = cur.denoiseStep + 1;
        rec.block = 0;
        rec.stepInBlock = rec.denoiseStep;
        rec.sampler = SamplerKind::Dream;
        rec.dreamAlg = set.alg;
        rec.scheduleT = plan.t;
        rec.scheduleS = plan.s;
        rec.quota = set.alg == DreamAlg::Origin ? -1 : std::min<int>(plan.transferCount, static_cast<int>(rows.size()));

        auto t0 = Clock::now();
        const at::Tensor canvas
            = at::tensor(std::vector<int64_t>(cur.tokens.begin(), cur.tokens.end()), at::kLong).unsqueeze(0);
        const at::Tensor idx = at::tensor(std::vector<int64_t>(rows.begin(), rows.end()), at::kLong);
        const ForwardWatch watch(in.model, in.progress, rec.denoiseStep);
        const at::Tensor logits = in.model.logitsAt(canvas, idx)[0]; // the rows of the masks only
        rec.forwardMs = msSince(t0);
        rec.forwardPositions = cur.length();
        rec.headRows = static_cast<int>(rows.size()); // one block over the generation: nothing lies right of it
        if (const ExpertRouting *routing = in.model.lastRouting())
            rec.experts = *routing;

        t0 = Clock::now();
        DreamRows out = dreamStep(logits, rows, set, plan, rec.denoiseStep);
        CommitDecision decision = dreamDecision(out, rows, mask);
        rec.transferCount = set.alg == DreamAlg::Origin ? static_cast<int>(out.transfer.size()) : rec.quota;
        rec.samplerMs = msSince(t0);

        t0 = Clock::now();
        std::vector<int32_t> candidates = spreadRows(out.candidates, rows, cur.length(), int32_t(-1));
        applyDecision(rec, cur, std::move(decision), std::move(candidates), mask);
        rec.confidence = spreadRows(out.confidence, rows, cur.length(), -std::numeric_limits<float>::infinity());
        recordRowDetails(rec, describeLogitRows(logits, out.candidates, set.topK), rows, cur.length(), set.topK);
        rec.recordMs = msSince(t0);
        return {};
    }

private:
    std::vector<float> m_grid; ///< Dream's linspace(1, eps, steps + 1)
};

} // namespace

std::unique_ptr<StepSampler> makeDreamStepSampler(const GenerationSettings &settings, int /*promptLength*/)
{
    return std::make_unique<DreamStepSampler>(settings);
}

} // namespace dlm
