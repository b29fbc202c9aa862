#include "core/sampling/schedule.h"

#include <algorithm>

namespace dlm {

BlockSchedule::BlockSchedule(int promptLength, int genLength, int blockLength, int totalSteps)
    : m_promptLength(promptLength)
    , m_genLength(genLength)
    , m_blockLength(std::max(1, blockLength))
    , m_totalSteps(totalSteps)
    , m_blockCount(std::max(1, (genLength + m_blockLength - 1) / m_blockLength))
{
}

int BlockSchedule::blockStart(int b) const
{
    return m_promptLength + std::min(m_genLength, b * m_blockLength);
}

int BlockSchedule::blockEnd(int b) const
{
    return m_promptLength + std::min(m_genLength, (b + 1) * m_blockLength);
}

int BlockSchedule::stepsForBlock(int b) const
{
    const int base = m_totalSteps / m_blockCount;
    const int extra = m_totalSteps % m_blockCount;
    return base + (b < extra ? 1 : 0);
}

int BlockSchedule::blockOf(int position) const
{
    if (position < m_promptLength)
        return -1;
    return std::min(m_blockCount - 1, (position - m_promptLength) / m_blockLength);
}

int BlockSchedule::quota(int left, int stepsLeft)
{
    if (left <= 0)
        return 0;
    if (stepsLeft <= 1)
        return left;
    return left / stepsLeft + (left % stepsLeft > 0 ? 1 : 0);
}

std::vector<int> BlockSchedule::split(int n, int steps)
{
    std::vector<int> out(static_cast<size_t>(std::max(0, steps)), steps > 0 ? n / steps : 0);
    for (int i = 0; steps > 0 && i < n % steps; ++i)
        ++out[static_cast<size_t>(i)];
    return out;
}

} // namespace dlm
