// dlm-bench-gif: what a GIF export of a long timeline costs before its first frame and per frame, at
// several record counts, to show the cost is linear in the records (it was quadratic: each frame replayed
// every earlier record to find the committed probabilities; 100,000 records took 131 s before frame one).
//
// Builds synthetic timelines of N records over a 64-position canvas, exports each to a GIF, times the
// start (frame size over all records, the first frame) and the next 200 frames, then cancels. Prints one
// line per N, wall and CPU time (on a shared machine the CPU time is the one to compare). Run offscreen:
// QT_QPA_PLATFORM=offscreen dlm-bench-gif [N...].
#include "ui/figures/animation_export.h"

#include <QGuiApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>

#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <string>
#include <vector>

using namespace dlm;

namespace {

constexpr int kLength = 64;
constexpr int kPrompt = 4;
constexpr int32_t kMask = 99;

/** N records: each commits one position and sends the one committed four steps earlier back to the mask. */
Timeline makeTimeline(int records)
{
    Timeline t;
    t.model.name = "bench";
    t.model.maskId = kMask;
    t.model.vocabSize = 128;
    for (int32_t id = 0; id < 128; ++id)
        t.pieces.emplace_back(id, id == kMask ? "[MASK]" : "w" + std::to_string(id));
    t.settings.genLength = kLength - kPrompt;
    t.settings.blockLength = kLength - kPrompt;
    t.settings.steps = records;
    StepRecord r;
    r.kind = RecordKind::Initial;
    r.tokens.assign(kLength, kMask);
    r.states.assign(kLength, PositionState::Masked);
    r.flags.assign(kLength, 0);
    for (int i = 0; i < kPrompt; ++i) {
        r.tokens[i] = i + 1;
        r.states[i] = PositionState::Prompt;
    }
    t.promptIds.assign(r.tokens.begin(), r.tokens.begin() + kPrompt);
    t.start(r);
    for (int i = 1; i < records; ++i) {
        StepRecord next = r;
        next.kind = RecordKind::Denoise;
        next.denoiseStep = i;
        next.committed.clear();
        next.remasked.clear();
        next.probability.assign(kLength, 0.5f);
        next.confidence.assign(kLength, 0.5f);
        next.candidates.assign(kLength, -1);
        for (auto &s : next.states) {
            if (s == PositionState::CommittedThisStep)
                s = PositionState::Committed;
            else if (s == PositionState::Remasked)
                s = PositionState::Masked;
        }
        const int pos = kPrompt + i % (kLength - kPrompt);
        const int back = kPrompt + (i + kLength - kPrompt - 4) % (kLength - kPrompt);
        next.tokens[pos] = 10 + i % 80;
        next.states[pos] = PositionState::CommittedThisStep;
        next.candidates[pos] = next.tokens[pos];
        next.probability[pos] = static_cast<float>(i % 97) / 97.0f;
        next.committed = {pos};
        if (next.states[back] == PositionState::Committed) {
            next.tokens[back] = kMask;
            next.states[back] = PositionState::Remasked;
            next.remasked = {back};
        }
        t.append(0, next);
        r = std::move(next);
    }
    return t;
}

} // namespace

int main(int argc, char **argv)
{
    QGuiApplication app(argc, argv);
    std::vector<int> counts;
    for (int i = 1; i < argc; ++i)
        counts.push_back(std::atoi(argv[i]));
    if (counts.empty())
        counts = {10000, 40000, 100000};
    QTemporaryDir dir;
    std::printf(
        "%10s %10s %16s %16s %18s\n", "records", "build ms", "first frame ms", "first frame CPU", "next 200 ms/frame");
    for (int n : counts) {
        QElapsedTimer build;
        build.start();
        const Timeline t = makeTimeline(n);
        const double buildMs = static_cast<double>(build.nsecsElapsed()) / 1e6;
        AnimationOptions o;
        o.width = 480;
        QElapsedTimer clock;
        double firstMs = 0, afterMs = 0, firstCpuMs = 0;
        const std::clock_t cpuStart = std::clock();
        clock.start();
        const int frames = 200;
        const Status s = exportAnimation(
            t, o, AnimationFormat::Gif, dir.filePath(QStringLiteral("bench.gif")), [&](int done, int) {
                if (done == 1) {
                    firstMs = static_cast<double>(clock.nsecsElapsed()) / 1e6;
                    firstCpuMs = 1000.0 * static_cast<double>(std::clock() - cpuStart) / CLOCKS_PER_SEC;
                }
                if (done == 1 + frames)
                    afterMs = static_cast<double>(clock.nsecsElapsed()) / 1e6 - firstMs;
                return done < 1 + frames;
            });
        if (s.ok()) {
            std::fprintf(stderr, "expected the export to be cancelled\n");
            return 1;
        }
        std::printf("%10d %10.1f %16.1f %16.1f %18.2f\n", n, buildMs, firstMs, firstCpuMs, afterMs / frames);
        std::fflush(stdout);
    }
    return 0;
}
