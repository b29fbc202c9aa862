#pragma once
// How the engine's OpenMP threads wait between parallel regions. LibTorch and OpenBLAS share libgomp, whose
// default is to spin for milliseconds at every barrier: on a 2-core laptop that shares its cores with the
// window (or anything else), a spinning thread burns the time slice its descheduled peer needs, and a
// generation runs 10x slower than on one thread. libgomp reads its settings once, when it is loaded, before
// main() runs, so the only reliable way to change them is to set the environment and re-execute the program
// before anything else happens. Both front ends call prepareComputeEnvironment() first thing in main().

#include <string>

namespace dlm {

/** The wait policy the engine runs with, and where it came from (for `bench`, `info` and the GUI). */
struct ComputeEnvironment
{
    std::string waitPolicy; ///< "passive", "active" or "default"
    std::string spinCount; ///< GOMP_SPINCOUNT in effect, empty when libgomp's own default applies
    std::string origin; ///< "set by DLM Studio", "from the environment" or why it could not be set
    /** One line for people: "OpenMP threads spin 2000 times, then sleep (set by DLM Studio)". */
    std::string describe() const;
};

/**
 * Applies DLM Studio's OpenMP wait policy unless the user chose one (OMP_WAIT_POLICY or GOMP_SPINCOUNT set):
 * sets the environment and re-executes the running program with the same arguments, once. Returns only when
 * nothing needed doing or the re-execution failed (then the program runs on libgomp's defaults). Call it
 * before any thread is started and before anything is printed.
 */
void prepareComputeEnvironment(char **argv);

/** The policy in effect for this process. */
ComputeEnvironment computeEnvironment();

/** The spin count DLM Studio sets: short enough that a waiting thread yields its core quickly when another
 *  program needs it, long enough that back-to-back parallel regions of one step do not pay a wake-up each. */
extern const char *const kEngineSpinCount;

} // namespace dlm
