#include "core/base/progress_throttle.h"

namespace dlm {

ProgressThrottle::ProgressThrottle(Clock::duration firstAfter, Clock::duration every)
    : m_firstAfter(firstAfter)
    , m_every(every)
{
}

void ProgressThrottle::restart(Clock::time_point now)
{
    m_next = now + m_firstAfter;
}

bool ProgressThrottle::due(Clock::time_point now)
{
    if (now < m_next)
        return false;
    m_next = now + m_every;
    return true;
}

} // namespace dlm
