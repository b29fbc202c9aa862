#include "core/timeline/step_record.h"

#include <algorithm>
#include <limits>

namespace dlm {

const char *stateName(PositionState state)
{
    switch (state) {
    case PositionState::Prompt: return "prompt";
    case PositionState::Masked: return "masked";
    case PositionState::Remasked: return "remasked";
    case PositionState::CommittedThisStep: return "committed_this_step";
    case PositionState::Committed: return "committed";
    case PositionState::Edited: return "edited";
    }
    return "masked";
}

bool parseStateName(const std::string &name, PositionState *out)
{
    for (int i = 0; i <= static_cast<int>(PositionState::Edited); ++i) {
        auto s = static_cast<PositionState>(i);
        if (name == stateName(s)) {
            *out = s;
            return true;
        }
    }
    return false;
}

const char *recordKindName(RecordKind kind)
{
    switch (kind) {
    case RecordKind::Initial: return "initial";
    case RecordKind::Denoise: return "denoise";
    case RecordKind::Edit: return "edit";
    }
    return "initial";
}

const char *editTypeName(EditInfo::Type type)
{
    switch (type) {
    case EditInfo::Type::SetTokens: return "set_tokens";
    case EditInfo::Type::Remask: return "remask";
    case EditInfo::Type::Lock: return "lock";
    case EditInfo::Type::Unlock: return "unlock";
    }
    return "set_tokens";
}

const char *laterPredictionsName(LaterPredictions later)
{
    switch (later) {
    case LaterPredictions::Unknown:
        return "unknown";
    case LaterPredictions::Recorded:
        return "recorded";
    case LaterPredictions::Off:
        return "off";
    case LaterPredictions::BlockOnly:
        return "block_only";
    }
    return "unknown";
}

bool parseLaterPredictionsName(const std::string &name, LaterPredictions *out)
{
    for (int i = 0; i <= static_cast<int>(LaterPredictions::BlockOnly); ++i) {
        const auto later = static_cast<LaterPredictions>(i);
        if (name == laterPredictionsName(later)) {
            *out = later;
            return true;
        }
    }
    return false;
}

bool StepRecord::laterPrediction(int pos) const
{
    const size_t i = static_cast<size_t>(pos);
    return considered(pos) && i < confidence.size() && confidence[i] == -std::numeric_limits<float>::infinity();
}

int StepRecord::maskedCount(int32_t maskId) const
{
    return static_cast<int>(std::count(tokens.begin(), tokens.end(), maskId));
}

} // namespace dlm
