#include "core/base/compute_threads.h"

#include "core/base/thread_budget.h"

#include <ATen/Parallel.h>

#include <atomic>
#include <mutex>
#include <thread>

namespace dlm {

namespace {

std::atomic<bool> g_auto {false};
std::mutex g_mutex; // guards the budget and the statistics; taken once per step
ThreadBudget *budget()
{
    static ThreadBudget b;
    return &b;
}
std::map<int, int> g_use;

} // namespace

int machineCores()
{
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

void setComputeThreads(int threads)
{
    g_auto.store(threads <= 0);
    at::set_num_threads(threads > 0 ? std::min(threads, machineCores()) : machineCores());
}

bool computeThreadsAuto()
{
    return g_auto.load();
}

int threadsForThisStep()
{
    std::lock_guard<std::mutex> lock(g_mutex);
    int n = at::get_num_threads();
    if (g_auto.load()) {
        n = budget()->next();
        if (n != at::get_num_threads())
            at::set_num_threads(n);
    }
    ++g_use[n];
    return n;
}

std::map<int, int> threadUse()
{
    std::lock_guard<std::mutex> lock(g_mutex);
    return g_use;
}

void resetThreadUse()
{
    std::lock_guard<std::mutex> lock(g_mutex);
    g_use.clear();
}

} // namespace dlm
