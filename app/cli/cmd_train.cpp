// `train`: the trainer on the command line, with a progress line, and signals wired to it: Ctrl-C / SIGTERM
// stop after the current step with a checkpoint (exit 0), a second Ctrl-C quits at once (the last checkpoint
// is intact because checkpoints are replaced atomically), SIGUSR1 exports the model and training goes on.

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"

#include "core/base/file_util.h"
#include "core/train/trainer.h"

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>

#include <malloc.h>
#include <unistd.h>

namespace dlm {

namespace {

volatile std::sig_atomic_t g_stopSignal = 0;
volatile std::sig_atomic_t g_exportSignal = 0;

extern "C" void onStopSignal(int signal)
{
    if (g_stopSignal != 0)
        ::_exit(128 + signal); // asked twice: the user does not want to wait for the checkpoint
    g_stopSignal = signal;
}

extern "C" void onExportSignal(int)
{
    g_exportSignal = 1;
}

/** Installs the handlers for the duration of a run and restores the previous ones after it. */
class SignalScope
{
public:
    SignalScope()
    {
        g_stopSignal = 0;
        g_exportSignal = 0;
        struct sigaction action
        {
        };
        sigemptyset(&action.sa_mask);
        action.sa_handler = onStopSignal;
        sigaction(SIGINT, &action, &m_int);
        sigaction(SIGTERM, &action, &m_term);
        action.sa_handler = onExportSignal;
        sigaction(SIGUSR1, &action, &m_usr1);
    }
    ~SignalScope()
    {
        sigaction(SIGINT, &m_int, nullptr);
        sigaction(SIGTERM, &m_term, nullptr);
        sigaction(SIGUSR1, &m_usr1, nullptr);
    }
    SignalScope(const SignalScope &) = delete;
    SignalScope &operator=(const SignalScope &) = delete;

private:
    struct sigaction m_int
    {
    }, m_term {}, m_usr1 {};
};

/**
 * Every step frees and reallocates the same large tensors (logits alone are batch x seq x vocab floats, 33 MB
 * for the demo model). glibc serves blocks above 32 MB with fresh mmaps, so each step paid page faults and
 * page clearing; keeping them in the heap measured 12 % more tokens per second on 2 cores.
 */
void keepLargeAllocations()
{
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

std::string duration(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0)
        return "?";
    const long s = std::lround(seconds);
    char buf[32];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s / 60) % 60);
    else if (s >= 60)
        std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
    else
        std::snprintf(buf, sizeof buf, "%lds", s);
    return buf;
}

/** The progress line: rewritten in place on a terminal every second, a new line every 10 s otherwise. */
class ProgressPrinter
{
public:
    ProgressPrinter(std::ostream &out, bool terminal, int64_t firstStep, double tokensPerStep)
        : m_out(out)
        , m_terminal(terminal)
        , m_firstStep(firstStep)
        , m_tokensPerStep(tokensPerStep)
        , m_start(std::chrono::steady_clock::now())
    {
    }

    void step(const TrainProgress &p)
    {
        const auto now = std::chrono::steady_clock::now();
        const double sinceLast = std::chrono::duration<double>(now - m_lastPrint).count();
        if (m_printed && p.step != p.totalSteps && sinceLast < (m_terminal ? 1.0 : 10.0))
            return;
        m_lastPrint = now;
        m_printed = true;
        // Rates over this process's steps: they include evaluation and checkpoint time, so the ETA holds.
        const int64_t steps = p.step - m_firstStep;
        const double seconds = std::chrono::duration<double>(now - m_start).count();
        const double perStep = steps > 0 ? seconds / static_cast<double>(steps) : 0;
        char buf[256];
        std::snprintf(buf, sizeof buf,
            "step %lld/%lld  loss %.4f (avg %.4f)  lr %.2e  |g| %.3g  %.0f tok/s  %s elapsed  ETA %s",
            static_cast<long long>(p.step), static_cast<long long>(p.totalSteps), p.loss, p.lossEma, p.lr, p.gradNorm,
            perStep > 0 ? m_tokensPerStep / perStep : p.tokensPerSecond, duration(p.elapsedSeconds).c_str(),
            duration(perStep * static_cast<double>(p.totalSteps - p.step)).c_str());
        if (m_terminal)
            m_out << "\r\x1b[K" << buf << std::flush;
        else
            m_out << buf << '\n' << std::flush;
    }

    /** A line that stays: evaluations, checkpoints, exports. */
    void event(const std::string &line)
    {
        if (m_terminal)
            m_out << "\r\x1b[K";
        m_out << line << '\n' << std::flush;
        m_printed = false; // redraw the progress line after it
    }

private:
    std::ostream &m_out;
    bool m_terminal;
    int64_t m_firstStep;
    double m_tokensPerStep;
    std::chrono::steady_clock::time_point m_start;
    std::chrono::steady_clock::time_point m_lastPrint {};
    bool m_printed = false;
};

} // namespace

int runTrain(const TrainArgs &args, const TerminalInfo &terminal, std::ostream &out, std::ostream &err)
{
    auto opened = Trainer::open(args.config, args.resume, args.givenKeys);
    if (!opened)
        return reportFailure(err, ExitBadInput, opened.error());
    Trainer &trainer = **opened;
    const TrainConfig &c = trainer.config();
    const std::string checkpointDir = joinPath(c.outDir, kCheckpointDirName);
    const std::string modelDir = joinPath(c.outDir, kModelDirName);

    if (args.exportOnly) {
        const Status s = trainer.exportModel();
        if (!s)
            return reportFailure(err, ExitInternal, "export failed: " + s.error());
        out << "exported the step " << trainer.step() << " checkpoint to " << modelDir << '\n';
        return ExitOk;
    }

    const int threads = setThreads(c.threads);
    keepLargeAllocations();
    char buf[512];
    std::snprintf(buf, sizeof buf,
        "%.2f M parameters (d_model %d, %d layers, %d/%d heads, mlp %d, vocab %d), batch %d x %d tokens, "
        "%lld steps, %d threads -> %s",
        static_cast<double>(trainer.parameterCount()) / 1e6, c.dModel, c.nLayers, c.nHeads, c.nKvHeads, c.mlpHiddenSize,
        c.vocabSize, c.batchSize, c.seqLen, static_cast<long long>(c.totalSteps), threads, c.outDir.c_str());
    out << (args.resume ? "resuming at step " + std::to_string(trainer.step()) + ": " : std::string("training ")) << buf
        << '\n'
        << std::flush;

    ProgressPrinter printer(
        out, terminal.stdoutIsTerminal, trainer.step(), static_cast<double>(c.batchSize) * c.seqLen);
    SignalScope signals;
    const Status ran = trainer.run([&](const TrainProgress &p) {
        char line[160];
        switch (p.event) {
        case TrainProgress::Event::Step:
            printer.step(p);
            if (!std::isnan(p.valLoss)) {
                std::snprintf(line, sizeof line, "step %lld: val_loss %.4f (train avg %.4f)",
                    static_cast<long long>(p.step), p.valLoss, p.lossEma);
                printer.event(line);
            }
            break;
        case TrainProgress::Event::Checkpoint:
            if (!terminal.stdoutIsTerminal || g_stopSignal)
                printer.event("step " + std::to_string(p.step) + ": checkpoint written to " + p.path);
            break;
        case TrainProgress::Event::Export:
            printer.event("step " + std::to_string(p.step) + ": model exported to " + p.path);
            break;
        case TrainProgress::Event::Finished:
            break;
        }
        if (g_exportSignal) {
            g_exportSignal = 0;
            trainer.requestExport();
        }
        return g_stopSignal == 0;
    });
    if (!ran)
        return reportFailure(err, ExitInternal, "training failed: " + ran.error());
    if (trainer.stopped()) {
        printer.event("stopped at step " + std::to_string(trainer.step()) + " by signal "
            + std::to_string(static_cast<int>(g_stopSignal)) + "; checkpoint in " + checkpointDir
            + "; continue with: dlmstudio-cli train --out " + c.outDir + " --resume");
        return ExitOk;
    }
    printer.event("finished " + std::to_string(trainer.step()) + " steps; model written to " + modelDir);
    return ExitOk;
}

} // namespace dlm
