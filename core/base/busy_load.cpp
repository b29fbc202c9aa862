#include "core/base/busy_load.h"

#include <pthread.h>

namespace dlm {

BusyLoad::BusyLoad(int threads)
{
    std::atomic<int> named {0};
    for (int i = 0; i < threads; ++i) {
        m_threads.emplace_back([this, &named] {
            pthread_setname_np(pthread_self(), "dlm-busy");
            named.fetch_add(1);
            // Integer work the compiler cannot drop, checking the flag rarely enough to stay busy.
            volatile unsigned long sink = 0;
            unsigned long x = 88172645463325252ul;
            while (!m_stop.load(std::memory_order_relaxed)) {
                for (int k = 0; k < 4096; ++k) {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                }
                sink = x;
            }
            (void)sink;
        });
    }
    // Return only once every thread carries its name, so no sample ever mistakes one for an engine thread.
    while (named.load() < threads)
        std::this_thread::yield();
}

BusyLoad::~BusyLoad()
{
    m_stop.store(true);
    for (auto &t : m_threads)
        t.join();
}

} // namespace dlm
