#pragma once
// How often a long computation may report where it is. An 8B model's step takes seconds and its layers
// tens of milliseconds each: the window and the terminal show "layer 17 of 33", but a demo model's 15 ms
// step must send nothing at all, and no step may flood the receiver. The GUI's engine thread and the CLI
// share this rule. Time comes in as an argument, so tests drive it without a clock.

#include <chrono>

namespace dlm {

/**
 * Decides, at each layer of a step, whether to report it: not before the step has run `firstAfter`, then at
 * most once every `every`. restart() marks the start of each step (or of any other pass worth reporting).
 */
class ProgressThrottle
{
public:
    using Clock = std::chrono::steady_clock;

    /** The defaults: a step reports once it has run 100 ms, then at most every 50 ms (20 updates a second). */
    explicit ProgressThrottle(Clock::duration firstAfter = std::chrono::milliseconds(100),
        Clock::duration every = std::chrono::milliseconds(50));

    /** A new step (or pass) starts at `now`: nothing is reported until it has run `firstAfter`. */
    void restart(Clock::time_point now);
    /** Whether to report at `now`; when it says yes, the next yes is `every` later. */
    bool due(Clock::time_point now);

private:
    Clock::duration m_firstAfter;
    Clock::duration m_every;
    Clock::time_point m_next {};
};

} // namespace dlm
