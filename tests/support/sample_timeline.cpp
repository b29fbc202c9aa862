#include "sample_timeline.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace dlm::testing {

StepRecord sampleInitialRecord()
{
    StepRecord r;
    r.kind = RecordKind::Initial;
    r.tokens = {5, 6, 7, 8};
    r.states.assign(kSamplePrompt, PositionState::Prompt);
    r.tokens.resize(kSampleLength, kSampleMask);
    r.states.resize(kSampleLength, PositionState::Masked);
    r.flags.assign(kSampleLength, 0);
    r.flags[11] = FlagLocked;
    return r;
}

namespace {

const float kNegInf = -std::numeric_limits<float>::infinity();

/** A denoise record whose unconsidered positions hold uniform fill values (written in "considered" layout). */
StepRecord sparseDenoise(const StepRecord &prev)
{
    StepRecord r = prev;
    r.kind = RecordKind::Denoise;
    r.denoiseStep = 1;
    r.stepInBlock = 1;
    r.topK = 2;
    r.candidates.assign(kSampleLength, -1);
    r.confidence.assign(kSampleLength, kNegInf);
    r.probability.assign(kSampleLength, 0.0f);
    r.margin.assign(kSampleLength, 0.0f);
    r.entropy.assign(kSampleLength, 0.0f);
    r.topIds.assign(kSampleLength * 2, -1);
    r.topProbs.assign(kSampleLength * 2, 0.0f);
    // Values chosen to catch lossy float printing: a non-terminating binary fraction, a denormal, the
    // largest float, a tiny normal, and minus zero.
    const float conf[] = {0.1f, 1e-45f, 3.4028235e38f, 1.17549435e-38f};
    for (int i = 0; i < 4; ++i) {
        const int pos = kSamplePrompt + i;
        r.candidates[pos] = 20 + i;
        r.confidence[pos] = conf[i];
        r.probability[pos] = 1.0f / 3.0f + float(i);
        r.margin[pos] = i == 0 ? -0.0f : 0.2f * float(i);
        r.entropy[pos] = std::log(2.0f) * float(i);
        r.topIds[pos * 2] = 20 + i;
        r.topIds[pos * 2 + 1] = 0;
        r.topProbs[pos * 2] = 0.6f;
        r.topProbs[pos * 2 + 1] = 0.4f - 1e-7f * float(i);
    }
    r.quota = 2;
    r.committed = {5, 4};
    r.remasked = {6, 7};
    r.tokens[4] = 20;
    r.tokens[5] = 21;
    r.states[4] = r.states[5] = PositionState::CommittedThisStep;
    r.states[6] = r.states[7] = PositionState::Remasked;
    r.forwardMs = 12.5;
    r.samplerMs = 1.0 / 3.0;
    r.recordMs = 0.01;
    return r;
}

/** A threshold-mode denoise record with irregular unconsidered values (written densely), NaN and +inf. */
StepRecord denseDenoise(const StepRecord &prev)
{
    StepRecord r = sparseDenoise(prev);
    r.denoiseStep = 2;
    r.stepInBlock = 2;
    r.tokens[6] = 22;
    r.states[4] = r.states[5] = PositionState::Committed;
    r.states[6] = PositionState::CommittedThisStep;
    r.states[7] = PositionState::Remasked;
    r.candidates[4] = r.candidates[5] = -1;
    r.probability[0] = std::numeric_limits<float>::quiet_NaN();
    r.entropy[1] = std::numeric_limits<float>::infinity();
    r.quota = -1;
    r.threshold = 0.9;
    r.committed = {6};
    r.remasked = {7};
    r.forwardMs = std::numeric_limits<double>::infinity();
    return r;
}

StepRecord editRecord(const StepRecord &prev, EditInfo::Type type, std::vector<int32_t> positions,
    std::vector<int32_t> tokens, std::string text)
{
    StepRecord r = prev;
    r.kind = RecordKind::Edit;
    r.candidates.clear(), r.confidence.clear(), r.probability.clear(), r.margin.clear(), r.entropy.clear();
    r.topIds.clear(), r.topProbs.clear();
    r.topK = 0;
    r.committed.clear(), r.remasked.clear();
    r.quota = -1;
    r.threshold = 0.0;
    r.forwardMs = r.samplerMs = r.recordMs = 0.0;
    for (size_t i = 0; i < positions.size(); ++i) {
        const auto pos = static_cast<size_t>(positions[i]);
        if (type == EditInfo::Type::SetTokens) {
            r.tokens[pos] = tokens[i];
            r.states[pos] = PositionState::Edited;
        } else if (type == EditInfo::Type::Remask) {
            r.tokens[pos] = kSampleMask;
            r.states[pos] = PositionState::Masked;
        }
    }
    r.edit.type = type;
    r.edit.positions = std::move(positions);
    r.edit.tokens = std::move(tokens);
    r.edit.text = std::move(text);
    return r;
}

} // namespace

Timeline makeSampleTimeline()
{
    Timeline t;
    t.settings.genLength = 8;
    t.settings.steps = 4;
    t.settings.blockLength = 4;
    t.settings.topK = 2;
    t.settings.seed = 1234567890123ull;
    t.settings.temperature = 0.3;
    t.model = {"tiny-llada", std::string(64, 'a'), std::string(64, 'b'), kSampleMask, 98, 100};
    t.promptIds = {5, 6, 7, 8};
    t.promptText = "h\xc3\xa9llo \xe2\x96\x81world \"quoted\"\n";
    t.pieces = {{5, "\xe2\x96\x81the"}, {6, "\xc3\xa9"}, {7, "\xe6\x97\xa5\xe6\x9c\xac"}, {8, "\\n\t"},
        {kSampleMask, "<|mdm_mask|>"}};

    const StepRecord r0 = sampleInitialRecord();
    const StepRecord r1 = sparseDenoise(r0);
    const StepRecord r2 = denseDenoise(r1);
    const StepRecord r3 = editRecord(r2, EditInfo::Type::SetTokens, {8, 9}, {42, 43}, "typed \xc3\xa9");
    t.start(r0);
    t.append(0, r1);
    t.append(0, r2);
    t.append(0, r3);

    const int b1 = t.fork(0, 1);
    t.branchForLoading(b1).label = "what if: remask";
    t.append(b1, editRecord(r1, EditInfo::Type::Remask, {4}, {}, {}));
    StepRecord lock = editRecord(r1, EditInfo::Type::Lock, {10}, {}, {});
    lock.flags[10] = FlagLocked;
    t.append(b1, lock);
    t.fork(b1, 2);
    t.fork(0, 3);
    return t;
}

} // namespace dlm::testing
