#include "app/cli/cli_interrupt.h"

#include <atomic>
#include <csignal>

namespace dlm {

namespace {

// Lock-free, so storing it is async-signal-safe (a plain sig_atomic_t would do, but the computation reads
// it from its own thread, which needs an atomic's ordering).
std::atomic<bool> g_interrupted {false};
static_assert(std::atomic<bool>::is_always_lock_free, "the interrupt flag must be usable in a signal handler");

extern "C" void onInterrupt(int signal)
{
    if (g_interrupted.load()) {
        // Asked twice: the user does not want to wait for the layer. The default action, re-raised, ends the
        // process when this handler returns (SIGINT is blocked while it runs), as a shell expects of Ctrl-C.
        struct sigaction fallback
        {
        };
        sigemptyset(&fallback.sa_mask);
        fallback.sa_handler = SIG_DFL;
        sigaction(signal, &fallback, nullptr);
        raise(signal);
        return;
    }
    g_interrupted.store(true);
}

} // namespace

InterruptScope::InterruptScope()
{
    g_interrupted.store(false);
    sigaction(SIGINT, nullptr, &m_previous);
    // A shell starts background jobs (`cmd &`) with SIGINT ignored, so that Ctrl-C meant for the foreground
    // does not reach them; such a job keeps ignoring it, as Unix programs do.
    if (!(m_previous.sa_flags & SA_SIGINFO) && m_previous.sa_handler == SIG_IGN)
        return;
    struct sigaction action
    {
    };
    sigemptyset(&action.sa_mask);
    action.sa_handler = onInterrupt;
    sigaction(SIGINT, &action, nullptr);
    m_installed = true;
}

InterruptScope::~InterruptScope()
{
    if (m_installed)
        sigaction(SIGINT, &m_previous, nullptr);
}

bool InterruptScope::requested()
{
    return g_interrupted.load(std::memory_order_relaxed);
}

} // namespace dlm
