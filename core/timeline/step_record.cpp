#include "core/timeline/step_record.h"

#include <algorithm>

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

int StepRecord::maskedCount(int32_t maskId) const
{
    return static_cast<int>(std::count(tokens.begin(), tokens.end(), maskId));
}

} // namespace dlm
