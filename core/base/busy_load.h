#pragma once
// Busy threads for `bench --contend N`: each spins on integer work until the load is destroyed, like another
// program keeping a core busy. They are named "dlm-busy" so the engine's thread budget counts them as
// competition, not as its own compute threads.

#include <atomic>
#include <thread>
#include <vector>

namespace dlm {

/** N threads that keep N cores busy for as long as this object lives. */
class BusyLoad
{
public:
    explicit BusyLoad(int threads);
    ~BusyLoad();
    BusyLoad(const BusyLoad &) = delete;
    BusyLoad &operator=(const BusyLoad &) = delete;

    int threads() const { return static_cast<int>(m_threads.size()); }

private:
    std::atomic<bool> m_stop {false};
    std::vector<std::thread> m_threads;
};

} // namespace dlm
