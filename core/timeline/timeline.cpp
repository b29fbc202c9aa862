#include "core/timeline/timeline.h"

#include <algorithm>
#include <stdexcept>

namespace dlm {

int Timeline::start(StepRecord initial)
{
    m_branches.clear();
    Branch root;
    root.id = 0;
    root.label = "main";
    root.records.push_back(std::make_shared<const StepRecord>(std::move(initial)));
    m_branches.push_back(std::move(root));
    return 0;
}

int Timeline::fork(int from, int atIndex)
{
    const Branch &parent = branch(from);
    if (atIndex < 0 || atIndex >= parent.size())
        throw std::out_of_range("fork index outside the branch");
    Branch b;
    b.id = static_cast<int>(m_branches.size());
    b.parent = from;
    b.forkIndex = atIndex;
    b.label = "branch " + std::to_string(b.id);
    b.records.assign(parent.records.begin(), parent.records.begin() + atIndex + 1);
    b.settings = parent.settings;
    m_branches.push_back(std::move(b));
    return m_branches.back().id;
}

const GenerationSettings &Timeline::settingsFor(int id) const
{
    const Branch &b = branch(id);
    return b.settings ? *b.settings : settings;
}

void Timeline::append(int branchId, StepRecord record)
{
    m_branches.at(static_cast<size_t>(branchId))
        .records.push_back(std::make_shared<const StepRecord>(std::move(record)));
}

void Timeline::truncate(int branchId, int keepUpTo)
{
    auto &records = m_branches.at(static_cast<size_t>(branchId)).records;
    if (keepUpTo + 1 < static_cast<int>(records.size()))
        records.resize(static_cast<size_t>(keepUpTo + 1));
}

void Timeline::removeLastBranch()
{
    if (!m_branches.empty())
        m_branches.pop_back();
}

int Timeline::addBranch(Branch branch)
{
    branch.id = static_cast<int>(m_branches.size());
    m_branches.push_back(std::move(branch));
    return m_branches.back().id;
}

void Timeline::clear()
{
    m_branches.clear();
    pieces.clear();
    promptIds.clear();
    promptText.clear();
    chatMessages.clear();
    specialIds.clear();
}

bool Timeline::isSpecial(int32_t id) const
{
    return std::binary_search(specialIds.begin(), specialIds.end(), id);
}

std::string Timeline::pieceOf(int32_t id) const
{
    // pieces is sorted by id when written by the session and by the reader.
    auto it = std::lower_bound(pieces.begin(), pieces.end(), id,
                               [](const std::pair<int32_t, std::string> &p, int32_t v) { return p.first < v; });
    if (it != pieces.end() && it->first == id)
        return it->second;
    return {};
}

} // namespace dlm
