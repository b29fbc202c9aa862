// `generate`: denoise a prompt's continuation and print the text, optionally drawing every step on the
// terminal and saving the timeline for DLM Studio.

#include "app/cli/chat_messages.h"
#include "app/cli/cli_common.h"
#include "app/cli/cli_load_progress.h"
#include "app/cli/commands.h"
#include "app/cli/terminal_canvas.h"

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

} // namespace

int runGenerate(const GenerateArgs &args, const TerminalInfo &terminal, std::ostream &out, std::ostream &err)
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
    LoadProgressLine loadLine(err, isTerminalStderr(err));
    auto loaded = loadModel(args.modelDir, loadingDType(args.modelDir, args.overrides), false, loadLine.callback());
    loadLine.finish();
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

    CanvasOptions canvas;
    canvas.width = terminal.width;
    canvas.color = terminal.stdoutIsTerminal && std::getenv("NO_COLOR") == nullptr;
    canvas.totalSteps = settings->useThreshold ? 0 : settings->steps;
    canvas.blockCount = settings->sampler == SamplerKind::Dream
        ? 1
        : (settings->genLength + settings->blockLength - 1) / settings->blockLength;
    CanvasPrinter printer(out, terminal.stdoutIsTerminal, terminal.width);
    const PieceLookup pieces = [&session](int32_t id) { return session.piece(id); };

    if (args.show)
        printer.draw(renderCanvas(session.current(), pieces, canvas));
    const Status ran = session.run([&](const StepRecord &record) {
        if (args.show)
            printer.draw(renderCanvas(record, pieces, canvas));
        return true;
    });
    if (!ran)
        return reportFailure(err, ExitInternal, "generation failed: " + ran.error());

    std::vector<int32_t> eosIds;
    for (int32_t id : {loaded->config.eosTokenId, loaded->tokenizer->eosId()}) {
        if (id >= 0)
            eosIds.push_back(id);
    }
    if (args.show)
        out << '\n';
    out << finalText(session.current(), session.promptLength(), eosIds, *loaded->tokenizer) << '\n';
    out.flush();
    if (args.compareCache) {
        const int code = reportCacheFidelity(*loaded, *settings, prompt, session, out, err);
        if (code != ExitOk)
            return code;
    }

    if (!args.timelinePath.empty()) {
        const Status saved = saveTimeline(session.timeline(), args.timelinePath);
        if (!saved)
            return reportFailure(err, ExitBadInput, "cannot save the timeline: " + saved.error());
    }
    return ExitOk;
}

} // namespace dlm
