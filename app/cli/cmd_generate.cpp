// `generate`: denoise a prompt's continuation and print the text, optionally drawing every step on the
// terminal and saving the timeline for DLM Studio. Ctrl-C stops within one layer and keeps what was computed.

#include "app/cli/chat_messages.h"
#include "app/cli/cli_common.h"
#include "app/cli/cli_interrupt.h"
#include "app/cli/commands.h"
#include "app/cli/terminal_canvas.h"

#include "core/base/progress_throttle.h"
#include "core/model/memory_estimate.h"
#include "core/session/session.h"
#include "core/timeline/run_comparison.h"
#include "core/timeline/timeline_json.h"
#include "core/text/tokenizer.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace dlm {

namespace {

/** The generation region of a record, decoded and cut at the first end-of-sequence token. */
std::string finalText(
    const StepRecord &record, int promptLength, const std::vector<int32_t> &eosIds, const Tokenizer &tokenizer)
{
    std::vector<int32_t> ids;
    for (int i = promptLength; i < record.length(); ++i) {
        const int32_t id = record.tokens[static_cast<size_t>(i)];
        if (std::find(eosIds.begin(), eosIds.end(), id) != eosIds.end())
            break;
        ids.push_back(id);
    }
    return tokenizer.decode(ids);
}

double meanForwardMs(const Branch &branch)
{
    double sum = 0;
    int n = 0;
    for (const auto &r : branch.records)
        if (r->kind == RecordKind::Denoise) {
            sum += r->forwardMs;
            ++n;
        }
    return n ? sum / n : 0.0;
}

/** Runs the same prompt and settings without the cache and prints what the cache changed. */
int reportCacheFidelity(const LoadedModel &loaded, GenerationSettings settings, const std::string &prompt,
    const Session &cached, std::ostream &out, std::ostream &err)
{
    const CacheMode mode = settings.cache;
    settings.cache = CacheMode::None;
    auto exact = Session::create(loaded.model, loaded.tokenizer, settings, prompt);
    if (!exact)
        return reportFailure(err, ExitBadInput, exact.error());
    const Status ran = (*exact)->run({});
    if (!ran)
        return reportFailure(err, ExitInternal, "uncached generation failed: " + ran.error());
    const Branch &a = cached.timeline().branch(0), &b = (*exact)->timeline().branch(0);
    const RunComparison c = compareRuns(a.records, b.records);
    const int generated = a.last().length() - cached.promptLength();
    out << "cache " << cacheModeName(mode) << " vs none: " << c.differingPositions.size() << " of " << generated
        << " generated tokens differ";
    if (c.firstDifferentStep >= 0)
        out << "; the canvases first differ after step " << c.firstDifferentStep << " (position "
            << c.firstDifferentPosition << ")";
    else
        out << "; every step's canvas is the same";
    char times[160];
    std::snprintf(times, sizeof times, "\nforward per step: %.1f ms with the cache, %.1f ms without\n",
        meanForwardMs(a), meanForwardMs(b));
    out << times;
    if (!c.differingPositions.empty())
        out << "without the cache: " << (*exact)->generatedText((*exact)->current()) << '\n';
    return ExitOk;
}

/** How `--show` draws a step of a run with these settings on this terminal. */
CanvasOptions canvasOptions(const GenerationSettings &settings, const TerminalInfo &terminal)
{
    CanvasOptions canvas;
    canvas.width = terminal.width;
    canvas.color = terminal.stdoutIsTerminal && std::getenv("NO_COLOR") == nullptr;
    canvas.totalSteps = settings.useThreshold ? 0 : settings.steps;
    canvas.blockCount = settings.sampler == SamplerKind::Dream
        ? 1
        : (settings.genLength + settings.blockLength - 1) / settings.blockLength;
    return canvas;
}

/** The ids that end the text: the config's end-of-sequence and the tokenizer's. */
std::vector<int32_t> eosIdsOf(const LoadedModel &loaded)
{
    std::vector<int32_t> ids;
    for (int32_t id : {loaded.config.eosTokenId, loaded.tokenizer->eosId()}) {
        if (id >= 0)
            ids.push_back(id);
    }
    return ids;
}

/** "step 12 · layer 18 of 33": the stage now computing, after `done` finished ones; the last is the head. */
std::string progressLine(const StepProgressInfo &info)
{
    const int stage = std::min(info.layersDone + 1, info.layersTotal);
    const std::string where = stage >= info.layersTotal
        ? "output head"
        : "layer " + std::to_string(stage) + " of " + std::to_string(info.layersTotal);
    return "step " + std::to_string(info.denoiseStep) + " \u00b7 " + where;
}

/** How a generation ended: the session's status, and whether Ctrl-C stopped it (then the status is ok). */
struct Generation
{
    Status status;
    bool interrupted = false;
};

/**
 * Runs `session` to the end under Ctrl-C's watch: the first SIGINT stops the step in flight within one layer
 * (or the run between two steps). With --show on a terminal, a slow step also draws a progress line under
 * the canvas, throttled like the window's.
 */
Generation generateInterruptibly(Session &session, const GenerateArgs &args, bool terminal,
    const std::function<void(const StepRecord &)> &draw, std::ostream &out, const LayerObserver &observer)
{
    const InterruptScope interrupt;
    const bool progressLines = args.show && terminal; // a pipe or a file gets the frames only
    ProgressThrottle throttle;
    session.setStepProgress([&](const StepProgressInfo &info) {
        if (observer)
            observer(info.denoiseStep, info.layersDone, info.layersTotal);
        if (InterruptScope::requested())
            return false;
        if (progressLines && throttle.due(ProgressThrottle::Clock::now()))
            out << '\r' << progressLine(info) << "\x1b[K" << std::flush; // the next frame clears it
        return true;
    });
    throttle.restart(ProgressThrottle::Clock::now());
    Generation g;
    g.status = session.run([&](const StepRecord &record) {
        if (args.show)
            draw(record);
        throttle.restart(ProgressThrottle::Clock::now());
        return !InterruptScope::requested();
    });
    session.setStepProgress({});
    if (progressLines)
        out << "\r\x1b[K" << std::flush; // a stopped step's progress line is not part of the canvas
    g.interrupted = InterruptScope::requested();
    if (g.status.stopped())
        g.status = {}; // stopped on request: the records so far are the result
    return g;
}

/** "stopped after step 12 of 64 (Ctrl-C)"; without "of M" when threshold decoding decides the steps. */
std::string stoppedLine(const Session &session)
{
    const GenerationSettings &s = session.branchSettings();
    std::string line = "stopped after step " + std::to_string(session.current().denoiseStep);
    if (!s.useThreshold)
        line += " of " + std::to_string(s.steps);
    return line + " (Ctrl-C)";
}

} // namespace

int runGenerate(const GenerateArgs &args, const TerminalInfo &terminal, std::ostream &out, std::ostream &err,
    const LayerObserver &observer)
{
    const Status exists = checkModelDirectory(args.modelDir);
    if (!exists)
        return reportFailure(err, ExitBadInput, exists.error());

    // Refuse an unwritable timeline path now rather than after a long generation.
    if (!args.timelinePath.empty()) {
        const Status writable = checkWritableFile(args.timelinePath, "the timeline");
        if (!writable)
            return reportFailure(err, ExitBadInput, writable.error());
    }

    // The rendered conversation is the prompt; special-token strings in it (<|eot_id|>, ...) become their ids
    // because the tokenizer matches added tokens before its model.
    std::string prompt = args.prompt;
    std::vector<ChatMessage> chat;
    if (args.chat) {
        chat = {ChatMessage {"user", args.prompt}};
        auto rendered = renderChat(args.modelDir, chat, true);
        if (!rendered)
            return reportFailure(err, ExitBadInput, "--chat: " + rendered.error());
        prompt = std::move(*rendered);
    }

    // The family decides the sampler, its defaults and which options apply, so the model loads first.
    warnAboutModelLinks(args.modelDir, err);
    auto loaded = loadModel(args.modelDir, loadingDType(args.modelDir, args.overrides));
    if (!loaded)
        return reportFailure(err, ExitBadInput, loaded.error());
    auto settings = resolveSettings(args.modelDir, args.overrides, loaded->family);
    if (!settings)
        return reportFailure(err, ExitBadInput, settings.error());
    setThreads(settings->threads);

    auto created = Session::create(loaded->model, loaded->tokenizer, *settings, prompt);
    if (!created)
        return reportFailure(err, ExitBadInput, created.error());
    Session &session = **created;
    session.setModelFamily(familyName(loaded->family));
    session.setChatMessages(chat);
    const int canvasLength = session.current().length();
    if (const Status fits = checkFitsMemory(loaded->config, settings->dtype, canvasLength, physicalMemoryBytes());
        !fits)
        return reportFailure(err, ExitBadInput, "cannot generate with " + args.modelDir + ": " + fits.error());

    const CanvasOptions canvas = canvasOptions(*settings, terminal);
    CanvasPrinter printer(out, terminal.stdoutIsTerminal, terminal.width);
    const PieceLookup pieces = [&session](int32_t id) { return session.piece(id); };

    const auto draw = [&](const StepRecord &record) { printer.draw(renderCanvas(record, pieces, canvas)); };
    if (args.show)
        draw(session.current());
    const Generation ran = generateInterruptibly(session, args, terminal.stdoutIsTerminal, draw, out, observer);
    if (!ran.status)
        return reportFailure(err, ExitInternal, "generation failed: " + ran.status.error());

    if (args.show)
        out << '\n';
    if (ran.interrupted && !args.show)
        out << renderCanvas(session.current(), pieces, canvas); // the canvas so far, its masks as masks
    else if (!ran.interrupted)
        out << finalText(session.current(), session.promptLength(), eosIdsOf(*loaded), *loaded->tokenizer) << '\n';
    out.flush();
    if (args.compareCache && !ran.interrupted) {
        const int code = reportCacheFidelity(*loaded, *settings, prompt, session, out, err);
        if (code != ExitOk)
            return code;
    }

    if (!args.timelinePath.empty()) {
        const Status saved = saveTimeline(session.timeline(), args.timelinePath);
        if (!saved)
            return reportFailure(err, ExitBadInput, "cannot save the timeline: " + saved.error());
    }
    if (ran.interrupted)
        return reportFailure(err, ExitInterrupted, stoppedLine(session));
    return ExitOk;
}

} // namespace dlm
