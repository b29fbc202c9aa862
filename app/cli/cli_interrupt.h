#pragma once
// Ctrl-C during a long computation on the command line. An 8B model's step takes ~10 s on a laptop CPU:
// the first Ctrl-C asks the computation to stop within one layer so the command can keep what it computed
// (print the canvas so far, write the timeline) and exit with 130; a second one ends the process at once.

#include <csignal>

namespace dlm {

/**
 * While it lives, SIGINT only raises a flag that the computation polls (after every layer of a step); a
 * second SIGINT restores the default action and re-raises, so the process ends as a shell expects of Ctrl-C.
 * The handler that was installed before comes back when the scope ends; where SIGINT was ignored (a
 * background job), it stays ignored. One scope at a time.
 */
class InterruptScope
{
public:
    InterruptScope();
    ~InterruptScope();
    InterruptScope(const InterruptScope &) = delete;
    InterruptScope &operator=(const InterruptScope &) = delete;

    /** Whether SIGINT arrived since the scope began; cheap and safe to call from any thread. */
    static bool requested();

private:
    struct sigaction m_previous
    {
    };
    bool m_installed = false;
};

} // namespace dlm
