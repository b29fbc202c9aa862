#include "core/base/thread_budget.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <sys/syscall.h>
#include <unistd.h>

namespace dlm {

namespace {

// Samples per step, and how many steps' estimates are remembered. Three of each: a sample reads a few small
// /proc files (tens of microseconds), and a step costs at least milliseconds.
constexpr int kSamplesPerStep = 3;
constexpr size_t kRemembered = 3;

} // namespace

std::optional<int> parseProcsRunning(const std::string &procStat)
{
    const std::string key = "\nprocs_running ";
    const size_t at = procStat.find(key);
    if (at == std::string::npos)
        return std::nullopt;
    std::istringstream in(procStat.substr(at + key.size()));
    int n = -1;
    if (!(in >> n) || n < 0)
        return std::nullopt;
    return n;
}

std::optional<int> readProcsRunning()
{
    std::ifstream in("/proc/stat");
    if (!in)
        return std::nullopt;
    std::ostringstream text;
    text << '\n' << in.rdbuf();
    return parseProcsRunning(text.str());
}

namespace {

std::string readSmallFile(const std::string &path)
{
    std::ifstream in(path);
    std::string text;
    std::getline(in, text, '\0');
    return text;
}

/** The state letter of a /proc/.../stat line: the field after the parenthesised name. */
char taskState(const std::string &stat)
{
    const size_t close = stat.rfind(')');
    return close != std::string::npos && close + 2 < stat.size() ? stat[close + 2] : '?';
}

} // namespace

int ownComputeThreadsRunning()
{
    namespace fs = std::filesystem;
    const long pid = static_cast<long>(getpid());
    const long self = static_cast<long>(syscall(SYS_gettid));
    const std::string processName = readSmallFile("/proc/self/comm");
    int running = 0;
    std::error_code ec;
    for (const auto &task : fs::directory_iterator("/proc/self/task", ec)) {
        const std::string name = task.path().filename().string();
        const long tid = std::strtol(name.c_str(), nullptr, 10);
        if (tid == pid || tid == self)
            continue;
        if (readSmallFile(task.path().string() + "/comm") != processName)
            continue;
        if (taskState(readSmallFile(task.path().string() + "/stat")) == 'R')
            ++running;
    }
    return running;
}

int threadsForLoad(int cores, int othersRunning)
{
    cores = std::max(1, cores);
    return std::clamp(cores - std::max(0, othersRunning), 1, cores);
}

ThreadBudget::ThreadBudget(int cores)
    : m_cores(cores > 0 ? cores : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())))
{
}

int ThreadBudget::next()
{
    std::vector<int> samples;
    for (int i = 0; i < kSamplesPerStep; ++i) {
        if (i > 0)
            std::this_thread::yield();
        const auto total = readProcsRunning();
        if (!total)
            continue;
        // The caller itself is running; its own compute threads are the engine, not competition.
        samples.push_back(*total - 1 - ownComputeThreadsRunning());
    }
    return nextFromSamples(samples);
}

int ThreadBudget::nextFromSamples(const std::vector<int> &othersRunning)
{
    if (othersRunning.empty())
        return m_cores; // no run-queue information: behave as on an idle machine
    const int fewest = *std::min_element(othersRunning.begin(), othersRunning.end());
    m_recentOthers.push_back(std::max(0, fewest));
    if (m_recentOthers.size() > kRemembered)
        m_recentOthers.erase(m_recentOthers.begin());
    // The median of the remembered estimates: one step's burst neither takes a core away nor gives it back.
    std::vector<int> sorted = m_recentOthers;
    std::sort(sorted.begin(), sorted.end());
    return threadsForLoad(m_cores, sorted[sorted.size() / 2]);
}

} // namespace dlm
