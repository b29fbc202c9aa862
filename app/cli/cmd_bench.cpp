// `bench`: where the time of a generation goes. Per step the engine records forward, sampler and record
// times; this adds wall time per generation and tokens per second, so the cost of recording everything the
// GUI shows can be weighed against the forward pass it rides on.

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"

#include "core/base/busy_load.h"
#include "core/base/compute_environment.h"
#include "core/base/compute_threads.h"
#include "core/session/session.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <numeric>

namespace dlm {

namespace {

using json = nlohmann::json;

struct Stats
{
    double mean = 0, median = 0, min = 0, max = 0;
    double sum = 0;
    size_t count = 0;
};

Stats summarise(std::vector<double> v)
{
    Stats s;
    if (v.empty())
        return s;
    std::sort(v.begin(), v.end());
    s.count = v.size();
    s.sum = std::accumulate(v.begin(), v.end(), 0.0);
    s.mean = s.sum / static_cast<double>(v.size());
    const size_t mid = v.size() / 2;
    s.median = v.size() % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    s.min = v.front();
    s.max = v.back();
    return s;
}

json statsJson(const Stats &s)
{
    return {{"mean", s.mean}, {"median", s.median}, {"min", s.min}, {"max", s.max}};
}

std::string format(const char *fmt, double a)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, a);
    return buf;
}

std::string statsHeader(const char *title)
{
    char buf[160];
    std::snprintf(buf, sizeof buf, "  %-20s %11s %11s %11s %11s\n", title, "mean", "median", "min", "max");
    return buf;
}

std::string statsRow(const char *label, const Stats &s)
{
    char buf[160];
    std::snprintf(buf, sizeof buf, "    %-18s %11.3f %11.3f %11.3f %11.3f\n", label, s.mean, s.median, s.min, s.max);
    return buf;
}

/** "auto (2 cores): 60 steps on 2 threads, 4 on 1" or "1 (fixed)". */
std::string threadsLine(int requested, const std::map<int, int> &use)
{
    std::string line = requested > 0 ? std::to_string(requested) + " (fixed)"
                                     : "auto (" + std::to_string(machineCores()) + " cores)";
    bool first = true;
    for (auto it = use.rbegin(); it != use.rend(); ++it) {
        line += (first ? ": " : ", ") + std::to_string(it->second) + (first ? " steps on " : " on ")
            + std::to_string(it->first) + (it->first == 1 ? " thread" : " threads");
        first = false;
    }
    return line;
}

json threadUseJson(const std::map<int, int> &use)
{
    json j = json::object();
    for (const auto &[threads, steps] : use)
        j[std::to_string(threads)] = steps;
    return j;
}

std::string humanCount(int64_t n)
{
    if (n >= 1000000000)
        return format("%.2f B", static_cast<double>(n) / 1e9);
    if (n >= 1000000)
        return format("%.2f M", static_cast<double>(n) / 1e6);
    if (n >= 1000)
        return format("%.1f k", static_cast<double>(n) / 1e3);
    return std::to_string(n);
}

} // namespace

int runBench(const BenchArgs &args, std::ostream &out, std::ostream &err)
{
    auto settings = resolveSettings(args.modelDir, args.overrides);
    if (!settings)
        return reportFailure(err, ExitBadInput, settings.error());
    setThreads(settings->threads);

    using Clock = std::chrono::steady_clock;
    const auto msSince
        = [](Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); };

    const auto loadStart = Clock::now();
    auto loaded = loadModel(args.modelDir, settings->dtype);
    if (!loaded)
        return reportFailure(err, ExitBadInput, loaded.error());
    const double loadMs = msSince(loadStart);
    const std::string prompt = args.prompt;

    const auto newSession = [&]() { return Session::create(loaded->model, loaded->tokenizer, *settings, prompt); };
    // One throw-away step: first calls allocate buffers and spin up thread pools.
    {
        auto warm = newSession();
        if (!warm)
            return reportFailure(err, ExitBadInput, warm.error());
        const Status st = (*warm)->step();
        if (!st)
            return reportFailure(err, ExitInternal, "warm-up step failed: " + st.error());
    }

    // The competition starts after loading and warm-up: it is the steps whose sharing is measured.
    const BusyLoad contention(args.contend);
    resetThreadUse();
    std::vector<double> forwardMs, samplerMs, recordMs, stepMs, generationMs, stepsPerGeneration;
    int promptLength = 0;
    for (int r = 0; r < args.repeat; ++r) {
        auto session = newSession();
        if (!session)
            return reportFailure(err, ExitBadInput, session.error());
        promptLength = (*session)->promptLength();
        int steps = 0;
        const auto t0 = Clock::now();
        const Status ran = (*session)->run([&](const StepRecord &rec) {
            if (rec.kind == RecordKind::Denoise) {
                forwardMs.push_back(rec.forwardMs);
                samplerMs.push_back(rec.samplerMs);
                recordMs.push_back(rec.recordMs);
                stepMs.push_back(rec.forwardMs + rec.samplerMs + rec.recordMs);
                ++steps;
            }
            return true;
        });
        generationMs.push_back(msSince(t0));
        if (!ran)
            return reportFailure(err, ExitInternal, "generation failed: " + ran.error());
        stepsPerGeneration.push_back(steps);
    }

    const Stats fwd = summarise(forwardMs), smp = summarise(samplerMs), rec = summarise(recordMs),
                step = summarise(stepMs), gen = summarise(generationMs), steps = summarise(stepsPerGeneration);
    const double overheadPct = step.sum > 0 ? 100.0 * rec.sum / step.sum : 0.0;
    const double tokensPerSecond
        = gen.sum > 0 ? 1000.0 * settings->genLength * static_cast<double>(args.repeat) / gen.sum : 0.0;
    const int64_t parameters = loaded->parameterCount;
    const std::map<int, int> use = threadUse();
    const ComputeEnvironment omp = computeEnvironment();
    const GenerationSettings &s = *settings;

    if (args.json) {
        json j;
        j["model"] = {{"name", modelName(args.modelDir)}, {"parameters", parameters},
            {"storage_dtype", loaded->storageDType}, {"compute_dtype", dtypeName(s.dtype)}, {"load_ms", loadMs}};
        j["threads"] = {{"requested", s.threads}, {"auto", s.threads <= 0}, {"cores", machineCores()},
            {"steps_by_threads", threadUseJson(use)}};
        j["openmp"] = {{"wait_policy", omp.waitPolicy}, {"spin_count", omp.spinCount}, {"origin", omp.origin}};
        j["contend"] = args.contend;
        j["settings"] = {{"gen_length", s.genLength}, {"steps", s.steps}, {"block_length", s.blockLength},
            {"remasking", measureName(s.measure)}, {"threshold", s.useThreshold ? json(s.threshold) : json(nullptr)},
            {"cfg", s.cfgScale}, {"temperature", s.temperature}, {"top_k", s.topK}, {"seed", s.seed}};
        j["prompt_tokens"] = promptLength;
        j["repeat"] = args.repeat;
        j["steps_per_generation"] = steps.mean;
        j["step_ms"] = {{"forward", statsJson(fwd)}, {"sampler", statsJson(smp)}, {"record", statsJson(rec)},
            {"total", statsJson(step)}};
        j["record_overhead_percent"] = overheadPct;
        j["generation_ms"] = statsJson(gen);
        j["tokens_per_second"] = tokensPerSecond;
        out << j.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
        return ExitOk;
    }

    out << "model        " << modelName(args.modelDir) << " (" << humanCount(parameters) << " parameters, "
        << loaded->storageDType << " weights, compute " << dtypeName(s.dtype) << ", loaded in "
        << format("%.0f", loadMs) << " ms)\n";
    out << "threads      " << threadsLine(s.threads, use) << '\n';
    out << "openmp       " << omp.describe() << '\n';
    if (args.contend > 0)
        out << "contention   " << args.contend << " busy thread(s) ran beside the engine\n";
    out << "settings     gen-length " << s.genLength << ", "
        << (s.useThreshold ? "threshold " + format("%g", s.threshold) : "steps " + std::to_string(s.steps))
        << ", block-length " << s.blockLength << ", " << measureName(s.measure) << ", cfg " << format("%g", s.cfgScale)
        << ", top-k " << s.topK << '\n';
    out << "runs         " << args.repeat << " generation(s) of " << format("%g", steps.mean) << " steps, prompt "
        << promptLength << " tokens (1 warm-up step not counted)\n\n";
    out << statsHeader("per step (ms)");
    out << statsRow("forward", fwd) << statsRow("sampler", smp) << statsRow("record", rec)
        << statsRow("step total", step);
    out << statsHeader("per generation (ms)") << statsRow("wall", gen) << '\n';
    out << "recording overhead  " << format("%.2f", overheadPct) << " % of step time\n";
    out << "tokens per second   " << format("%.2f", tokensPerSecond) << " (generated tokens / wall time)\n";
    return ExitOk;
}

} // namespace dlm
