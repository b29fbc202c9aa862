#include "ui/views/token_inspector_history.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace dlm {

namespace {

bool contains(const std::vector<int32_t> &v, int x)
{
    return std::find(v.begin(), v.end(), x) != v.end();
}

} // namespace

std::vector<TokenEvent> positionHistory(const std::vector<RecordPtr> &records, int position, int32_t maskId)
{
    std::vector<TokenEvent> events;
    const size_t pos = static_cast<size_t>(std::max(position, 0));
    for (size_t r = 1; r < records.size(); ++r) {
        const StepRecord &rec = *records[r];
        const StepRecord &prev = *records[r - 1];
        if (position < 0 || position >= rec.length() || position >= prev.length())
            break;
        TokenEvent e;
        e.record = static_cast<int>(r);
        e.denoiseStep = rec.denoiseStep;
        e.token = rec.tokens[pos];
        const bool hadToken = prev.tokens[pos] != maskId;
        const bool hasToken = rec.tokens[pos] != maskId;
        if (rec.kind == RecordKind::Denoise && contains(rec.committed, position)) {
            e.kind = TokenEvent::Kind::Committed;
            e.probability = pos < rec.probability.size() ? rec.probability[pos] : std::nanf("");
            events.push_back(e);
        } else if (rec.kind == RecordKind::Edit && contains(rec.edit.positions, position)) {
            switch (rec.edit.type) {
            case EditInfo::Type::SetTokens:
                e.kind = TokenEvent::Kind::Edited;
                break;
            case EditInfo::Type::Remask:
                e.kind = TokenEvent::Kind::Remasked;
                break;
            case EditInfo::Type::Lock:
                e.kind = TokenEvent::Kind::Locked;
                break;
            case EditInfo::Type::Unlock:
                e.kind = TokenEvent::Kind::Unlocked;
                break;
            }
            events.push_back(e);
        } else if (hadToken && !hasToken) {
            // A strategy that sends committed tokens back to the mask (ReMDM-style).
            e.kind = TokenEvent::Kind::Remasked;
            events.push_back(e);
        }
    }
    return events;
}

int commitRecordFor(const std::vector<RecordPtr> &records, int position, int upTo, int32_t maskId)
{
    if (upTo < 0 || upTo >= static_cast<int>(records.size()) || position < 0
        || position >= records[static_cast<size_t>(upTo)]->length())
        return -1;
    if (records[static_cast<size_t>(upTo)]->tokens[static_cast<size_t>(position)] == maskId)
        return -1;
    // The latest event that gave the position a token decides: a commit, or an edit (no prediction behind it).
    std::vector<RecordPtr> prefix(records.begin(), records.begin() + upTo + 1);
    const std::vector<TokenEvent> events = positionHistory(prefix, position, maskId);
    for (auto it = events.rbegin(); it != events.rend(); ++it) {
        if (it->kind == TokenEvent::Kind::Committed)
            return it->record;
        if (it->kind == TokenEvent::Kind::Edited)
            return -1;
    }
    return -1;
}

int latestPredictionFor(const std::vector<RecordPtr> &records, int position, int upTo)
{
    for (int r = std::min(upTo, static_cast<int>(records.size()) - 1); r >= 0; --r) {
        const StepRecord &rec = *records[static_cast<size_t>(r)];
        if (rec.kind == RecordKind::Denoise && position >= 0 && position < rec.length() && rec.considered(position))
            return r;
    }
    return -1;
}

} // namespace dlm
