// `bench`: where the time of a generation goes. Per step the engine records forward, sampler and record
// times; this adds wall time per generation and tokens per second, so the cost of recording everything the
// GUI shows can be weighed against the forward pass it rides on.

#include "app/cli/cli_common.h"
#include "app/cli/cli_load_progress.h"
#include "app/cli/commands.h"

#include "core/base/busy_load.h"
#include "core/base/compute_environment.h"
#include "core/base/compute_threads.h"
#include "core/model/matmul_probe.h"
#include "core/session/session.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <numeric>
#include <optional>
#include <sys/resource.h>

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

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

/** Per-step and per-generation times of the measured generations. */
struct BenchTimes
{
    std::vector<double> forwardMs, samplerMs, recordMs, stepMs, generationMs, stepsPerGeneration;
    std::vector<double> headRows,
        laterRows; ///< per step: rows the output head ran, and how many were right of the block
    int promptLength = 0;
};

/** The same generations timed with later-block recording switched the other way (bench --later-blocks-cost). */
struct SwitchedRun
{
    LaterBlocks laterBlocks = LaterBlocks::Skip;
    Stats forward, sampler, record, step, headRows;
};

/** What a bench run reports: the times summarised, and what they were measured on. */
struct BenchSummary
{
    Stats forward, sampler, record, step, generation, steps, headRows, laterRows;
    std::optional<SwitchedRun> switched;
    double loadMs = 0; ///< until the model is ready: the read-ahead included
    double readAheadMs = 0; ///< the read-ahead's share of loadMs
    double overheadPct = 0; ///< recording's share of step time
    double tokensPerSecond = 0;
    int promptLength = 0;
    std::map<int, int> threadUse;
    ComputeEnvironment omp;
    int64_t weightBytes = 0; ///< the checkpoint's tensors in their stored dtype
    int64_t peakRssBytes = 0; ///< the process's peak resident memory, loading included
    std::optional<MatmulThroughput> matmul;
    double forwardGflop = 0; ///< one full-canvas forward pass (two with CFG)
};

int64_t peakRssBytes()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return int64_t(usage.ru_maxrss) * 1024; // kilobytes on Linux
}

int64_t storedWeightBytes(const LoadedModel &loaded)
{
    const int64_t bytesPerValue = loaded.storageDType == "F32" ? 4 : 2;
    return loaded.parameterCount * bytesPerValue;
}

/** The forward's achieved Gflop/s as a share of the probe's rate for the compute dtype, in percent. */
double forwardSharePct(const BenchSummary &b, ComputeDType dtype)
{
    if (!b.matmul || b.forward.median <= 0)
        return 0;
    const double rate = dtype == ComputeDType::BF16 ? b.matmul->bf16Gflops : b.matmul->f32Gflops;
    return rate > 0 ? 100.0 * (b.forwardGflop / (b.forward.median / 1000.0)) / rate : 0;
}

using SessionFactory = std::function<Result<std::unique_ptr<Session>>()>;

/** Runs `repeat` whole generations, timing each and each of its denoising steps; returns an exit code. */
int timeGenerations(const SessionFactory &newSession, int repeat, int maxSteps, BenchTimes &times, std::ostream &err)
{
    for (int r = 0; r < repeat; ++r) {
        auto session = newSession();
        if (!session)
            return reportFailure(err, ExitBadInput, session.error());
        times.promptLength = (*session)->promptLength();
        int steps = 0;
        const auto t0 = Clock::now();
        const Status ran = (*session)->run(
            [&](const StepRecord &rec) {
                if (rec.kind == RecordKind::Denoise) {
                    times.forwardMs.push_back(rec.forwardMs);
                    times.samplerMs.push_back(rec.samplerMs);
                    times.recordMs.push_back(rec.recordMs);
                    times.stepMs.push_back(rec.forwardMs + rec.samplerMs + rec.recordMs);
                    times.headRows.push_back(rec.headRows);
                    times.laterRows.push_back(rec.laterRows);
                    ++steps;
                }
                return true;
            },
            maxSteps);
        times.generationMs.push_back(msSince(t0));
        if (!ran)
            return reportFailure(err, ExitInternal, "generation failed: " + ran.error());
        times.stepsPerGeneration.push_back(steps);
    }
    return ExitOk;
}

BenchSummary summariseTimes(const BenchTimes &times, int genLength, int repeat)
{
    BenchSummary b;
    b.forward = summarise(times.forwardMs);
    b.sampler = summarise(times.samplerMs);
    b.record = summarise(times.recordMs);
    b.step = summarise(times.stepMs);
    b.generation = summarise(times.generationMs);
    b.steps = summarise(times.stepsPerGeneration);
    b.headRows = summarise(times.headRows);
    b.laterRows = summarise(times.laterRows);
    b.overheadPct = b.step.sum > 0 ? 100.0 * b.record.sum / b.step.sum : 0.0;
    b.tokensPerSecond
        = b.generation.sum > 0 ? 1000.0 * genLength * static_cast<double>(repeat) / b.generation.sum : 0.0;
    b.promptLength = times.promptLength;
    b.threadUse = threadUse();
    b.omp = computeEnvironment();
    return b;
}

/** What recording the predictions right of the block cost: the head's rows, and with a switched run the times. */
json laterBlocksJson(const GenerationSettings &s, const BenchSummary &b)
{
    json j = {{"setting", laterBlocksName(s.laterBlocks)}, {"head_rows_per_step", b.headRows.mean},
        {"later_rows_per_step", b.laterRows.mean}};
    if (const auto &o = b.switched) {
        j["switched"] = {{"setting", laterBlocksName(o->laterBlocks)}, {"head_rows_per_step", o->headRows.mean},
            {"step_ms",
                {{"forward", statsJson(o->forward)}, {"sampler", statsJson(o->sampler)},
                    {"record", statsJson(o->record)}, {"total", statsJson(o->step)}}}};
        const Stats &rec = s.laterBlocks == LaterBlocks::Record ? b.step : o->step;
        const Stats &skip = s.laterBlocks == LaterBlocks::Record ? o->step : b.step;
        j["cost_ms_per_step"] = rec.mean - skip.mean;
        j["cost_percent"] = skip.mean > 0 ? 100.0 * (rec.mean - skip.mean) / skip.mean : 0.0;
    }
    return j;
}

void writeLaterBlocks(std::ostream &out, const GenerationSettings &s, const BenchSummary &b)
{
    out << "output head         " << format("%.1f", b.headRows.mean) << " rows a step, "
        << format("%.1f", b.laterRows.mean) << " of them masks right of the block (--later-blocks "
        << laterBlocksName(s.laterBlocks) << ")\n";
    const auto &o = b.switched;
    if (!o)
        return;
    const bool recording = s.laterBlocks == LaterBlocks::Record;
    const Stats &rec = recording ? b.step : o->step, &skip = recording ? o->step : b.step;
    const Stats &recForward = recording ? b.forward : o->forward, &skipForward = recording ? o->forward : b.forward;
    const Stats &recRest = recording ? b.sampler : o->sampler, &skipRest = recording ? o->sampler : b.sampler;
    const Stats &recRecord = recording ? b.record : o->record, &skipRecord = recording ? o->record : b.record;
    out << "later blocks        record " << format("%.2f", rec.mean) << " ms a step (forward "
        << format("%.2f", recForward.mean) << ", sampler " << format("%.2f", recRest.mean) << ", record "
        << format("%.2f", recRecord.mean) << "), skip " << format("%.2f", skip.mean) << " ms (forward "
        << format("%.2f", skipForward.mean) << ", sampler " << format("%.2f", skipRest.mean) << ", record "
        << format("%.2f", skipRecord.mean) << "): recording costs " << format("%+.2f", rec.mean - skip.mean)
        << " ms = " << format("%+.1f", skip.mean > 0 ? 100.0 * (rec.mean - skip.mean) / skip.mean : 0.0)
        << " % a step\n";
}

void writeJson(std::ostream &out, const BenchArgs &args, const LoadedModel &loaded, const GenerationSettings &s,
    const BenchSummary &b)
{
    json j;
    j["model"] = {{"name", modelName(args.modelDir)}, {"parameters", loaded.parameterCount},
        {"storage_dtype", loaded.storageDType}, {"compute_dtype", dtypeName(s.dtype)}, {"load_ms", b.loadMs},
        {"read_ahead_ms", b.readAheadMs}};
    j["threads"] = {{"requested", s.threads}, {"auto", s.threads <= 0}, {"cores", machineCores()},
        {"steps_by_threads", threadUseJson(b.threadUse)}};
    j["openmp"] = {{"wait_policy", b.omp.waitPolicy}, {"spin_count", b.omp.spinCount}, {"origin", b.omp.origin}};
    j["contend"] = args.contend;
    j["settings"] = {{"gen_length", s.genLength}, {"steps", s.steps}, {"block_length", s.blockLength},
        {"remasking", measureName(s.measure)}, {"threshold", s.useThreshold ? json(s.threshold) : json(nullptr)},
        {"cfg", s.cfgScale}, {"temperature", s.temperature}, {"top_k", s.topK}, {"seed", s.seed},
        {"cache", cacheModeName(s.cache)}};
    j["max_steps"] = args.maxSteps > 0 ? json(args.maxSteps) : json(nullptr);
    j["prompt_tokens"] = b.promptLength;
    j["repeat"] = args.repeat;
    j["steps_per_generation"] = b.steps.mean;
    j["step_ms"] = {{"forward", statsJson(b.forward)}, {"sampler", statsJson(b.sampler)},
        {"record", statsJson(b.record)}, {"total", statsJson(b.step)}};
    j["record_overhead_percent"] = b.overheadPct;
    j["later_blocks"] = laterBlocksJson(s, b);
    j["memory"] = {{"weight_bytes", b.weightBytes}, {"peak_rss_bytes", b.peakRssBytes}};
    if (b.matmul)
        j["matmul"] = {{"f32_gflops", b.matmul->f32Gflops}, {"bf16_gflops", b.matmul->bf16Gflops},
            {"forward_gflop", b.forwardGflop},
            {"forward_share_percent", s.cache == CacheMode::None ? json(forwardSharePct(b, s.dtype)) : json(nullptr)}};
    else
        j["matmul"] = nullptr;
    j["generation_ms"] = statsJson(b.generation);
    j["tokens_per_second"] = b.tokensPerSecond;
    out << j.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

void writeTable(std::ostream &out, const BenchArgs &args, const LoadedModel &loaded, const GenerationSettings &s,
    const BenchSummary &b)
{
    out << "model        " << modelName(args.modelDir) << " (" << humanCount(loaded.parameterCount) << " parameters, "
        << loaded.storageDType << " weights, compute " << dtypeName(s.dtype) << ", loaded in "
        << format("%.0f", b.loadMs) << " ms, read-ahead " << format("%.0f", b.readAheadMs) << " ms of it)\n";
    out << "threads      " << threadsLine(s.threads, b.threadUse) << '\n';
    out << "openmp       " << b.omp.describe() << '\n';
    if (args.contend > 0)
        out << "contention   " << args.contend << " busy thread(s) ran beside the engine\n";
    out << "settings     gen-length " << s.genLength << ", "
        << (s.useThreshold ? "threshold " + format("%g", s.threshold) : "steps " + std::to_string(s.steps))
        << ", block-length " << s.blockLength << ", " << measureName(s.measure) << ", cfg " << format("%g", s.cfgScale)
        << ", top-k " << s.topK << '\n';
    out << "runs         " << args.repeat << " generation(s) of " << format("%g", b.steps.mean) << " steps"
        << (args.maxSteps > 0 ? " (--max-steps: only the first ones timed)" : "") << ", prompt " << b.promptLength
        << " tokens (1 warm-up step not counted)\n";
    if (s.cache != CacheMode::None)
        out << "kv cache     " << cacheModeName(s.cache) << " (the forward column averages block refreshes and cached "
            << "steps)\n";
    out << '\n';
    out << statsHeader("per step (ms)");
    out << statsRow("forward", b.forward) << statsRow("sampler", b.sampler) << statsRow("record", b.record)
        << statsRow("step total", b.step);
    out << statsHeader("per generation (ms)") << statsRow("wall", b.generation) << '\n';
    out << "recording overhead  " << format("%.2f", b.overheadPct) << " % of step time\n";
    writeLaterBlocks(out, s, b);
    if (args.maxSteps < 0)
        out << "tokens per second   " << format("%.2f", b.tokensPerSecond) << " (generated tokens / wall time)\n";
    out << "peak memory         " << format("%.2f", double(b.peakRssBytes) / 1e9) << " GB resident (weights "
        << format("%.2f", double(b.weightBytes) / 1e9) << " GB on disk)\n";
    if (!b.matmul)
        return;
    out << "matmul f32 / bf16   " << format("%.1f", b.matmul->f32Gflops) << " / "
        << format("%.1f", b.matmul->bf16Gflops) << " Gflop/s (this machine, the model's shapes, "
        << b.promptLength + s.genLength << " positions)\n";
    if (s.cache != CacheMode::None) {
        out << "forward             a full-canvas pass is " << format("%.2f", b.forwardGflop)
            << " Gflop; cached steps run fewer positions (run --cache none for the forward's share)\n";
        return;
    }
    out << "forward             " << format("%.2f", b.forwardGflop) << " Gflop a step at "
        << format("%.1f", b.forwardGflop / (b.forward.median / 1000.0))
        << " Gflop/s = " << format("%.0f", forwardSharePct(b, s.dtype)) << " % of the " << dtypeName(s.dtype)
        << " matmul rate\n";
}

} // namespace

int runBench(const BenchArgs &args, std::ostream &out, std::ostream &err)
{
    const Status exists = checkModelDirectory(args.modelDir);
    if (!exists)
        return reportFailure(err, ExitBadInput, exists.error());
    const auto loadStart = Clock::now();
    LoadProgressLine loadLine(err, isTerminalStderr(err));
    auto loaded = loadModel(args.modelDir, loadingDType(args.modelDir, args.overrides), false, loadLine.callback());
    loadLine.finish();
    if (!loaded)
        return reportFailure(err, ExitBadInput, loaded.error());
    const double loadMs = msSince(loadStart);
    const double readAheadMs = loadLine.readAheadSeconds() * 1000.0;
    auto settings = resolveSettings(args.modelDir, args.overrides, loaded->family);
    if (!settings)
        return reportFailure(err, ExitBadInput, settings.error());
    setThreads(settings->threads);

    const SessionFactory newSession
        = [&]() { return Session::create(loaded->model, loaded->tokenizer, *settings, args.prompt); };
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
    BenchTimes times;
    const int code = timeGenerations(newSession, args.repeat, args.maxSteps, times, err);
    if (code != ExitOk)
        return code;

    BenchSummary summary = summariseTimes(times, settings->genLength, args.repeat);
    if (args.laterBlocksCost) { // the same generations, later-block recording switched: its cost in one run
        GenerationSettings other = *settings;
        other.laterBlocks = settings->laterBlocks == LaterBlocks::Record ? LaterBlocks::Skip : LaterBlocks::Record;
        BenchTimes switchedTimes;
        const SessionFactory otherSession
            = [&]() { return Session::create(loaded->model, loaded->tokenizer, other, args.prompt); };
        if (const int c = timeGenerations(otherSession, args.repeat, args.maxSteps, switchedTimes, err); c != ExitOk)
            return c;
        const BenchSummary o = summariseTimes(switchedTimes, settings->genLength, args.repeat);
        summary.switched = SwitchedRun {other.laterBlocks, o.forward, o.sampler, o.record, o.step, o.headRows};
    }
    summary.loadMs = loadMs;
    summary.readAheadMs = readAheadMs;
    summary.weightBytes = storedWeightBytes(*loaded);
    summary.peakRssBytes = peakRssBytes();
    // Measured after the generations (and without the busy threads), so it neither warms nor slows them.
    if (args.matmulProbeMs > 0 && args.contend == 0) {
        const int tokens = summary.promptLength + settings->genLength;
        summary.matmul = measureMatmulThroughput(loaded->config, tokens, args.matmulProbeMs);
        summary.forwardGflop = lladaForwardFlops(loaded->config, tokens) * (settings->cfgScale > 0 ? 2 : 1) / 1e9;
    }
    if (args.json)
        writeJson(out, args, *loaded, *settings, summary);
    else
        writeTable(out, args, *loaded, *settings, summary);
    return ExitOk;
}

} // namespace dlm
