// Benchmark (prints numbers, asserts nothing): does the window's event loop stay live while a model loads,
// a session starts and steps run? A 5 ms timer on the GUI thread records the gap between its ticks; a gap
// far above 5 ms is a stall the user feels (a frozen window, a Cancel that does not react). Prints the
// longest gap and the 99th percentile per phase.
//   QT_QPA_PLATFORM=offscreen dlm-bench-event-loop --model DIR [--steps N] [--gen-length N] [--dtype f32|bf16]

#include "core/base/compute_environment.h"
#include "ui/document/playback_controller.h"
#include "ui/document/timeline_document.h"
#include "ui/engine/engine_controller.h"
#include "ui/panels/generation_panel.h"
#include "ui/window/mainwindow.h"
#include "tests/support/window_parts.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <time.h>

using namespace dlm;
using dlm::testing::parts;

namespace {

constexpr int kTimeoutMs = 30 * 60 * 1000;

double threadCpuMs()
{
    timespec t {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

/** Milliseconds this thread has spent runnable but waiting for a core (Linux schedstat), 0 if unknown. */
double threadRunQueueMs()
{
    std::FILE *f = std::fopen("/proc/thread-self/schedstat", "r");
    unsigned long long run = 0, wait = 0;
    const bool ok = f && std::fscanf(f, "%llu %llu", &run, &wait) == 2;
    if (f)
        std::fclose(f);
    return ok ? double(wait) / 1e6 : 0.0;
}

/** Gaps between the ticks of a 5 ms timer, filed under the phase that was running. */
class GapRecorder
{
public:
    GapRecorder()
    {
        m_timer.setInterval(5);
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, &m_timer, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            const double cpu = threadCpuMs(), queued = threadRunQueueMs();
            const double gap = double(now - m_last) / 1e6;
            m_gaps[m_phase].push_back(gap);
            if (gap >= m_longest[m_phase].gap)
                m_longest[m_phase] = {gap, cpu - m_lastCpu, queued - m_lastQueued};
            m_last = now;
            m_lastCpu = cpu;
            m_lastQueued = queued;
        });
    }
    void start(const std::string &phase)
    {
        m_phase = phase;
        m_order.push_back(phase);
        m_clock.start();
        m_last = 0;
        m_lastCpu = threadCpuMs();
        m_lastQueued = threadRunQueueMs();
        m_timer.start();
    }
    void phase(const std::string &phase)
    {
        m_phase = phase;
        m_order.push_back(phase);
    }
    void print() const
    {
        // Of the longest gap: the GUI thread's own CPU time in it ("cpu"), and its time runnable but waiting
        // for a core ("queued"). A long gap that is mostly "queued" is a busy machine, not the window at work.
        std::printf("%-8s %7s %8s %8s %8s %8s %8s\n", "phase", "ticks", "p50 ms", "p99 ms", "max ms", "cpu", "queued");
        for (const std::string &name : m_order) {
            auto gaps = m_gaps.count(name) ? m_gaps.at(name) : std::vector<double>();
            if (gaps.empty())
                continue;
            std::sort(gaps.begin(), gaps.end());
            const auto at = [&](double q) { return gaps[std::min(gaps.size() - 1, size_t(q * double(gaps.size())))]; };
            const Longest &l = m_longest.at(name);
            std::printf("%-8s %7zu %8.1f %8.1f %8.1f %8.1f %8.1f\n", name.c_str(), gaps.size(), at(0.5), at(0.99),
                gaps.back(), l.cpu, l.queued);
        }
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    double m_lastCpu = 0, m_lastQueued = 0;
    struct Longest
    {
        double gap = 0, cpu = 0, queued = 0;
    };
    std::map<std::string, Longest> m_longest;
    std::string m_phase;
    std::vector<std::string> m_order;
    std::map<std::string, std::vector<double>> m_gaps;
};

int usage()
{
    std::fprintf(stderr, "usage: dlm-bench-event-loop --model DIR [--steps N] [--gen-length N] [--dtype f32|bf16]\n");
    return 2;
}

} // namespace

int main(int argc, char **argv)
{
    QString model;
    int steps = 8, genLength = 64;
    ComputeDType dtype = ComputeDType::F32;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string option = argv[i], value = argv[i + 1];
        if (option == "--model")
            model = QString::fromLocal8Bit(argv[i + 1]);
        else if (option == "--steps" && std::atoi(value.c_str()) > 0)
            steps = std::atoi(value.c_str());
        else if (option == "--gen-length" && std::atoi(value.c_str()) > 0)
            genLength = std::atoi(value.c_str());
        else if (option == "--dtype" && (value == "f32" || value == "bf16"))
            dtype = value == "bf16" ? ComputeDType::BF16 : ComputeDType::F32;
        else
            return usage();
    }
    if (model.isEmpty())
        return usage();
    prepareComputeEnvironment(argv);
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    MainWindow w;
    w.resize(1400, 900);
    w.show();
    QTest::qWait(200);

    GapRecorder gaps;
    QElapsedTimer phaseClock;
    const auto report
        = [&](const char *what) { std::printf("%-8s %8lld ms\n", what, static_cast<long long>(phaseClock.restart())); };
    bool loaded = false, started = false;
    QObject::connect(parts(w).engine(), &EngineController::modelLoaded, &w, [&] { loaded = true; });
    QObject::connect(parts(w).engine(), &EngineController::sessionStarted, &w, [&] { started = true; });

    gaps.start("load");
    phaseClock.start();
    parts(w).generationPanel()->setModelDirectory(model);
    parts(w).engine()->loadModel(model, dtype);
    if (!QTest::qWaitFor([&] { return loaded || !parts(w).engine()->isBusy(); }, kTimeoutMs) || !loaded) {
        std::fprintf(stderr, "dlm-bench-event-loop: not loaded: %s\n", qPrintable(w.statusText()));
        return 2;
    }
    report("load");

    gaps.phase("start");
    GenerationSettings settings;
    settings.genLength = genLength;
    settings.blockLength = genLength;
    settings.steps = std::max(steps, 1);
    settings.dtype = dtype;
    parts(w).generationPanel()->setSettings(settings);
    parts(w).generationPanel()->setPrompt(QStringLiteral("The quick brown fox"));
    w.startSession();
    if (!QTest::qWaitFor([&] { return started; }, kTimeoutMs)) {
        std::fprintf(stderr, "dlm-bench-event-loop: no session: %s\n", qPrintable(w.statusText()));
        return 2;
    }
    report("start");

    gaps.phase("steps");
    for (int s = 0; s < steps; ++s) {
        const int before = parts(w).document()->count();
        parts(w).playback()->step();
        if (!QTest::qWaitFor([&] { return parts(w).document()->count() > before; }, kTimeoutMs)) {
            std::fprintf(stderr, "dlm-bench-event-loop: step %d did not come: %s\n", s + 1, qPrintable(w.statusText()));
            return 2;
        }
    }
    report("steps");

    gaps.phase("idle");
    QTest::qWait(2000);
    report("idle");
    gaps.print();
    return 0;
}
