// `generate`: denoise a prompt's continuation and print the text, optionally drawing every step on the
// terminal and saving the timeline for DLM Studio.

#include "app/cli/chat_messages.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/terminal_canvas.h"

#include "core/model/memory_estimate.h"
#include "core/session/session.h"
#include "core/timeline/timeline_json.h"
#include "core/text/tokenizer.h"

#include <algorithm>
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

} // namespace

int runGenerate(const GenerateArgs &args, const TerminalInfo &terminal, std::ostream &out, std::ostream &err)
{
    auto settings = resolveSettings(args.modelDir, args.overrides);
    if (!settings)
        return reportFailure(err, ExitBadInput, settings.error());

    // Refuse an unwritable timeline path now rather than after a long generation.
    if (!args.timelinePath.empty()) {
        const Status writable = checkWritableFile(args.timelinePath, "the timeline");
        if (!writable)
            return reportFailure(err, ExitBadInput, writable.error());
    }

    // The rendered conversation is the prompt; special-token strings in it (<|eot_id|>, ...) become their ids
    // because the tokenizer matches added tokens before its model.
    std::string prompt = args.prompt;
    if (args.chat) {
        auto rendered = renderChat(args.modelDir, {ChatMessage {"user", args.prompt}}, true);
        if (!rendered)
            return reportFailure(err, ExitBadInput, "--chat: " + rendered.error());
        prompt = std::move(*rendered);
    }

    setThreads(settings->threads);
    warnAboutModelLinks(args.modelDir, err);
    auto loaded = loadModel(args.modelDir, settings->dtype);
    if (!loaded)
        return reportFailure(err, ExitBadInput, loaded.error());

    auto created = Session::create(loaded->model, loaded->tokenizer, *settings, prompt);
    if (!created)
        return reportFailure(err, ExitBadInput, created.error());
    Session &session = **created;
    const int canvasLength = session.current().length();
    if (const Status fits = checkFitsMemory(loaded->config, settings->dtype, canvasLength, physicalMemoryBytes());
        !fits)
        return reportFailure(err, ExitBadInput, "cannot generate with " + args.modelDir + ": " + fits.error());

    CanvasOptions canvas;
    canvas.width = terminal.width;
    canvas.color = terminal.stdoutIsTerminal && std::getenv("NO_COLOR") == nullptr;
    canvas.totalSteps = settings->useThreshold ? 0 : settings->steps;
    canvas.blockCount = (settings->genLength + settings->blockLength - 1) / settings->blockLength;
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

    if (!args.timelinePath.empty()) {
        const Status saved = saveTimeline(session.timeline(), args.timelinePath);
        if (!saved)
            return reportFailure(err, ExitBadInput, "cannot save the timeline: " + saved.error());
    }
    return ExitOk;
}

} // namespace dlm
