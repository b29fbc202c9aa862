#pragma once
// How many threads the next step should use. Two threads on a 2-core machine are twice as fast as one only
// while both cores are free; when another program (or the window painting, or a render benchmark) keeps a
// core busy, every parallel region waits for the thread that lost its core, and one thread is faster. The
// budget reads how many tasks the kernel is running right now and gives the engine the cores nobody else is
// using. Torch-free, and the decision is a pure function so it is tested without a busy machine.

#include <optional>
#include <string>
#include <vector>

namespace dlm {

/** `procs_running` of /proc/stat (tasks running or ready to run, the caller included), if the text has it. */
std::optional<int> parseProcsRunning(const std::string &procStat);

/** Reads /proc/stat now; nothing on systems without it. */
std::optional<int> readProcsRunning();

/**
 * How many of this process's compute threads (OpenMP workers: they carry the process's own name) are running
 * right now, not counting the main thread and the caller. They are part of the engine, not competition for it.
 * Threads that are competition although they live in this process (the GUI thread, `bench --contend`'s busy
 * threads, Qt's named threads) are not counted.
 */
int ownComputeThreadsRunning();

/**
 * The thread count for `cores` cores when `othersRunning` other tasks want a core: the free cores, at least
 * one, at most `cores`.
 */
int threadsForLoad(int cores, int othersRunning);

/**
 * Chooses a thread count before every step when the user asked for "auto" (0). It samples the run queue a
 * few times, takes the smallest count (a task that merely woke for a moment should not halve the engine),
 * and remembers the last samples so one noisy step does not flip the count back and forth.
 */
class ThreadBudget
{
public:
    /** `cores`: the machine's logical cores (0: ask the system). */
    explicit ThreadBudget(int cores = 0);

    int cores() const { return m_cores; }
    /** The count for the next step, from fresh samples of the run queue. */
    int next();
    /** The same decision from samples of how many tasks other than the engine's own want a core. */
    int nextFromSamples(const std::vector<int> &othersRunning);

private:
    int m_cores;
    std::vector<int> m_recentOthers; ///< the last few steps' estimates of other running tasks
};

} // namespace dlm
