// Benchmark (prints numbers, asserts nothing): how long each stage of loading a model directory takes, and
// what the read-ahead costs, with the page cache as it is (run it twice for warm; drop caches for cold).
//   dlm-bench-load DIR [--dtype f32|bf16] [--read-ahead off|skip|all] [--repeat N] [--cancel-after-ms N]
// --cancel-after-ms: another thread cancels the load after N ms, as the window's Cancel does; prints how long
// the loader took to return after that.

#include "core/model/load_progress.h"
#include "core/model/model_loader.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <thread>

using namespace dlm;

namespace {

using Clock = std::chrono::steady_clock;

double msBetween(Clock::time_point a, Clock::time_point b)
{
    return std::chrono::duration<double, std::milli>(b - a).count();
}

int usage()
{
    std::fprintf(stderr,
        "usage: dlm-bench-load DIR [--dtype f32|bf16] [--read-ahead off|skip|all] [--repeat N] "
        "[--cancel-after-ms N]\n");
    return 2;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    const std::string dir = argv[1];
    ComputeDType dtype = ComputeDType::BF16;
    ReadAhead mode = ReadAhead::SkipResident;
    int repeat = 1, cancelAfterMs = -1;
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string option = argv[i], value = argv[i + 1];
        if (option == "--dtype" && (value == "f32" || value == "bf16"))
            dtype = value == "f32" ? ComputeDType::F32 : ComputeDType::BF16;
        else if (option == "--read-ahead" && (value == "off" || value == "skip" || value == "all"))
            mode = value == "off" ? ReadAhead::Off : value == "all" ? ReadAhead::All : ReadAhead::SkipResident;
        else if (option == "--repeat" && std::atoi(value.c_str()) > 0)
            repeat = std::atoi(value.c_str());
        else if (option == "--cancel-after-ms" && std::atoi(value.c_str()) >= 0)
            cancelAfterMs = std::atoi(value.c_str());
        else
            return usage();
    }
    for (int r = 0; r < repeat; ++r) {
        // Each stage's time runs from its first report to the next stage's first report.
        std::map<LoadStage, Clock::time_point> firstReport;
        const Clock::time_point start = Clock::now();
        std::atomic<bool> cancel {false};
        std::atomic<int64_t> cancelledAt {0};
        LoadStage stageAtCancel = LoadStage::Tokenizer;
        const auto progress = [&](const LoadProgressInfo &info) {
            firstReport.emplace(info.stage, Clock::now());
            stageAtCancel = cancel ? stageAtCancel : info.stage;
            return !cancel.load();
        };
        std::thread canceller;
        if (cancelAfterMs >= 0)
            canceller = std::thread([&] {
                std::this_thread::sleep_for(std::chrono::milliseconds(cancelAfterMs));
                cancelledAt = Clock::now().time_since_epoch().count();
                cancel = true;
            });
        auto loaded = loadModelDirectory(dir, dtype, progress, mode);
        const Clock::time_point end = Clock::now();
        if (canceller.joinable())
            canceller.join();
        if (!loaded && isLoadCancelled(loaded.error())) {
            const Clock::time_point at {Clock::duration(cancelledAt.load())};
            std::printf("load %d: cancelled during %s; returned %.1f ms after the cancel\n", r + 1,
                loadStageName(stageAtCancel), msBetween(at, end));
            continue;
        }
        if (!loaded) {
            std::fprintf(stderr, "dlm-bench-load: %s\n", loaded.error().c_str());
            return 2;
        }
        std::printf("load %d: model ready in %.0f ms (%s weights, %s compute)\n", r + 1, msBetween(start, end),
            loaded->storageDType.c_str(), dtypeName(dtype));
        for (auto it = firstReport.begin(); it != firstReport.end(); ++it) {
            const auto next = std::next(it);
            std::printf("  %-30s %8.0f ms\n", loadStageName(it->first),
                msBetween(it->second, next == firstReport.end() ? end : next->second));
        }
    }
    return 0;
}
