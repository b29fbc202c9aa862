#pragma once
// The engine's thread count. A fixed count (N > 0) is used as given; "auto" (0) lets the engine take, before
// every step, the cores that no other task is using (see thread_budget.h), so a step never runs slower under
// contention than it would on one thread, and uses every core on an idle machine. OpenMP thread counts belong
// to the thread that sets them: call these on the thread that runs the engine. Torch-free header.

#include <map>

namespace dlm {

/** Sets the engine's thread count for the calling thread: N > 0 fixed (capped at the machine's cores: more
 *  threads than cores only make every step slower, `--threads 1024` by minutes), 0 = auto. */
void setComputeThreads(int threads);

/** True when the count is chosen per step. */
bool computeThreadsAuto();

/** The logical cores of this machine. */
int machineCores();

/** Applies the auto budget before a step's work (no-op for a fixed count); returns the threads it will use. */
int threadsForThisStep();

/** How many steps ran with each thread count since the last reset (for `bench`). */
std::map<int, int> threadUse();
void resetThreadUse();

} // namespace dlm
