#include "core/export/export_util.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace dlm {

namespace {

std::string range(int size)
{
    return size == 0 ? std::string("no records") : "records 0.." + std::to_string(size - 1);
}

template<typename T> std::string shortest(T value)
{
    if (std::isnan(value))
        return {};
    if (std::isinf(value))
        return value < 0 ? "-inf" : "inf";
    // to_chars without a precision gives the shortest text that parses back to the identical value, so
    // pandas reads the same float the app recorded.
    char buffer[64];
    const auto res = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, res.ptr);
}

} // namespace

Status checkExportSelection(const Timeline &timeline, int branch, const std::vector<int> &records)
{
    const int branches = timeline.branchCount();
    if (branches == 0)
        return Status::failure("the timeline has no branches");
    if (branch != kAllBranches && (branch < 0 || branch >= branches))
        return Status::failure("branch " + std::to_string(branch) + " does not exist: the timeline has branches 0.."
            + std::to_string(branches - 1));
    int size = 0;
    if (branch == kAllBranches) {
        for (int b = 0; b < branches; ++b)
            size = std::max(size, timeline.branch(b).size());
    } else {
        size = timeline.branch(branch).size();
    }
    for (int r : records) {
        if (r < 0 || r >= size) {
            const std::string where = branch == kAllBranches
                ? "the longest branch has " + range(size)
                : "branch " + std::to_string(branch) + " has " + range(size);
            return Status::failure("step " + std::to_string(r) + " is out of range: " + where);
        }
    }
    return {};
}

std::vector<int> exportRecordIndices(const Branch &branch, const std::vector<int> &records)
{
    if (!records.empty())
        return records;
    std::vector<int> all(static_cast<size_t>(branch.size()));
    for (int i = 0; i < branch.size(); ++i)
        all[static_cast<size_t>(i)] = i;
    return all;
}

std::string exportNumber(float value)
{
    return shortest(value);
}
std::string exportNumber(double value)
{
    return shortest(value);
}

PositionState stateAt(const StepRecord &record, int pos)
{
    const auto i = static_cast<size_t>(pos);
    return pos >= 0 && i < record.states.size() ? record.states[i] : PositionState::Masked;
}

bool lockedAt(const StepRecord &record, int pos)
{
    const auto i = static_cast<size_t>(pos);
    return pos >= 0 && i < record.flags.size() && (record.flags[i] & FlagLocked) != 0;
}

int32_t candidateAt(const StepRecord &record, int pos)
{
    const auto i = static_cast<size_t>(pos);
    return pos >= 0 && i < record.candidates.size() ? record.candidates[i] : -1;
}

float valueAt(const std::vector<float> &values, int pos)
{
    const auto i = static_cast<size_t>(pos);
    return pos >= 0 && i < values.size() ? values[i] : std::numeric_limits<float>::quiet_NaN();
}

} // namespace dlm
