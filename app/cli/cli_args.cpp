#include "app/cli/cli_args.h"
#include "app/cli/cli_export_args.h"
#include "app/cli/cli_tool_args.h"
#include "app/cli/cli_values.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>

namespace dlm {

namespace {

using Failure = Result<CliCommand>;

const char *const kTopUsage =
    "Usage: dlmstudio-cli <command> [options]\n"
    "\n"
    "Headless front end of DLM Studio: run a masked diffusion language model (LLaDA format) without a window.\n"
    "\n"
    "Commands:\n"
    "  generate   denoise a prompt's continuation and print the generated text\n"
    "  info       print a model directory's configuration, size and tokenizer as JSON\n"
    "  forward    run one forward pass and print the top-k predictions per position as JSON\n"
    "  bench      time generations: forward, sampler and recording cost per step, tokens per second\n"
    "  tokenize   encode a text file into a token file for train and eval\n"
    "  train      train a masked diffusion model from scratch; checkpoints, resume, export\n"
    "  eval       masked-token cross entropy, ELBO perplexity bound and unigram baseline, as JSON\n"
    "  export     write a saved timeline as CSV, a web player, tables, figures (PNG, SVG, PDF) or a GIF\n"
    "\n"
    "Options:\n"
    "  -h, --help     show this help (or `dlmstudio-cli <command> --help` for a command's options)\n"
    "  -V, --version  show the version\n"
    "\n"
    "Exit status: 0 on success, 2 on bad input (options, model files, paths), 1 on an internal failure.\n";

const char *const kSettingsHelp =
    "  --gen-length N      masked positions to generate (default 128)\n"
    "  --steps N           denoising steps in total, spread over blocks (default 128)\n"
    "  --block-length N    semi-autoregressive block size (default 128 = one block)\n"
    "  --temperature F     0 = argmax; > 0 samples via Gumbel noise (default 0)\n"
    "  --remasking M       confidence measure: low_confidence, random, margin or entropy\n"
    "                      (default low_confidence)\n"
    "  --threshold F       threshold decoding (Fast-dLLM): commit every position in the block whose\n"
    "                      confidence is at least F, and at least one per step; steps become dynamic\n"
    "  --cfg F             classifier-free guidance weight (default 0 = off)\n"
    "  --seed N            random seed; the same seed gives the same output (default 0)\n"
    "  --top-k N           alternatives recorded per position and step, 0..64 (default 5)\n"
    "  --dtype f32|bf16    compute dtype (default f32)\n"
    "  --threads N         compute threads, 0 = one per core (default 0)\n";

const char *const kSettingsNote =
    "Settings left out come from the model's generation_config.json when it has them, else the defaults.\n"
    "When --gen-length is smaller than the default block length or steps, those shrink to it unless given.\n";

std::string generateHelp()
{
    return std::string("Usage: dlmstudio-cli generate --model DIR --prompt TEXT [options]\n"
                       "\n"
                       "Denoises gen-length masked positions after the prompt and prints the generated text: the\n"
                       "generation region decoded, cut at the first end-of-sequence token if there is one.\n"
                       "\n"
                       "  --model DIR         model directory (config.json, safetensors, tokenizer.model)\n"
                       "  --prompt TEXT       prompt text; [MASK] or the model's mask piece in it is infilled\n") +
           kSettingsHelp +
           "  --timeline FILE     save the whole step timeline as JSON (loadable by DLM Studio)\n"
           "  --show              redraw the canvas on the terminal after every step\n"
           "  -h, --help          show this help\n"
           "\n" +
           kSettingsNote;
}

std::string infoHelp()
{
    return "Usage: dlmstudio-cli info --model DIR\n"
           "\n"
           "Prints JSON: architecture, name, every config.json field, parameter count, storage dtype, vocabulary\n"
           "size, special token ids, tokenizer kind and vocabulary, and the sha256 of config.json.\n"
           "\n"
           "  --model DIR         model directory\n"
           "  -h, --help          show this help\n";
}

std::string forwardHelp()
{
    return "Usage: dlmstudio-cli forward --model DIR (--prompt TEXT | --ids N,N,...) [options]\n"
           "\n"
           "Runs one forward pass over the given tokens (no masks are appended) and prints JSON:\n"
           "{\"ids\": [...], \"positions\": [{\"position\", \"token\", \"piece\", \"top_k\": [{\"id\", \"piece\",\n"
           "\"logit\", \"prob\"}]}], \"logits\": [[...]] (only with --full-logits)}.\n"
           "\n"
           "  --model DIR         model directory\n"
           "  --prompt TEXT       text to tokenise\n"
           "  --ids N,N,...       token ids, comma-separated (the mask id is allowed)\n"
           "  --top-k N           predictions listed per position, 0..64 (default 5)\n"
           "  --full-logits       also print every logit (positions x vocabulary; large)\n"
           "  --dtype f32|bf16    compute dtype (default f32)\n"
           "  --threads N         compute threads, 0 = one per core (default 0)\n"
           "  -h, --help          show this help\n";
}

std::string benchHelp()
{
    return std::string("Usage: dlmstudio-cli bench --model DIR [options]\n"
                       "\n"
                       "Runs whole generations and reports per-step forward, sampler and recording times (mean,\n"
                       "median, min, max), the recording overhead, total time per generation and tokens per second.\n"
                       "One throw-away step first warms up caches and is not counted.\n"
                       "\n"
                       "  --model DIR         model directory\n"
                       "  --prompt TEXT       prompt (default \"The capital of France is\")\n") +
           kSettingsHelp +
           "  --repeat N          generations to time (default 3)\n"
           "  --contend N         run N busy threads beside the engine while measuring (default 0)\n"
           "  --json              print JSON instead of a table\n"
           "  -h, --help          show this help\n"
           "\n" +
           kSettingsNote;
}

std::string idsOption(const std::string &text, std::vector<int32_t> *out)
{
    std::vector<int32_t> ids;
    size_t start = 0;
    while (true) {
        const size_t comma = text.find(',', start);
        std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        // Tolerate spaces after commas ("1, 2, 3" from copy-paste).
        while (!item.empty() && item.front() == ' ')
            item.erase(item.begin());
        while (!item.empty() && item.back() == ' ')
            item.pop_back();
        long long v = 0;
        if (!parseInt64(item, &v) || v < 0 || v > std::numeric_limits<int32_t>::max())
            return "--ids: expected comma-separated non-negative token ids, got " + quoted(item) + " in " +
                   quoted(text);
        ids.push_back(static_cast<int32_t>(v));
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    *out = std::move(ids);
    return {};
}

// Which options each subcommand accepts, and whether an option takes a value.
struct OptionSpec
{
    bool takesValue;
    std::vector<CliCommandKind> commands;
};

const std::map<std::string, OptionSpec> &optionTable()
{
    using K = CliCommandKind;
    static const std::map<std::string, OptionSpec> table = {
        {"--model", {true, {K::Generate, K::Info, K::Forward, K::Bench}}},
        {"--prompt", {true, {K::Generate, K::Forward, K::Bench}}},
        {"--ids", {true, {K::Forward}}},
        {"--gen-length", {true, {K::Generate, K::Bench}}},
        {"--steps", {true, {K::Generate, K::Bench}}},
        {"--block-length", {true, {K::Generate, K::Bench}}},
        {"--temperature", {true, {K::Generate, K::Bench}}},
        {"--remasking", {true, {K::Generate, K::Bench}}},
        {"--threshold", {true, {K::Generate, K::Bench}}},
        {"--cfg", {true, {K::Generate, K::Bench}}},
        {"--seed", {true, {K::Generate, K::Bench}}},
        {"--top-k", {true, {K::Generate, K::Forward, K::Bench}}},
        {"--dtype", {true, {K::Generate, K::Forward, K::Bench}}},
        {"--threads", {true, {K::Generate, K::Forward, K::Bench}}},
        {"--timeline", {true, {K::Generate}}},
        {"--show", {false, {K::Generate}}},
        {"--full-logits", {false, {K::Forward}}},
        {"--repeat", {true, {K::Bench}}},
        {"--contend", {true, {K::Bench}}},
        {"--json", {false, {K::Bench}}},
    };
    return table;
}

const char *commandName(CliCommandKind kind)
{
    switch (kind) {
    case CliCommandKind::Generate: return "generate";
    case CliCommandKind::Info: return "info";
    case CliCommandKind::Forward: return "forward";
    case CliCommandKind::Bench: return "bench";
    case CliCommandKind::Tokenize: return "tokenize";
    case CliCommandKind::Train: return "train";
    case CliCommandKind::Eval: return "eval";
    case CliCommandKind::Export: return "export";
    default: return "";
    }
}

std::string commandHelp(CliCommandKind kind)
{
    switch (kind) {
    case CliCommandKind::Generate: return generateHelp();
    case CliCommandKind::Info: return infoHelp();
    case CliCommandKind::Forward: return forwardHelp();
    case CliCommandKind::Bench: return benchHelp();
    case CliCommandKind::Tokenize:
    case CliCommandKind::Train:
    case CliCommandKind::Eval: return toolCommandHelp(kind);
    case CliCommandKind::Export: return exportCommandHelp();
    default: return cliUsage();
    }
}

bool commandFromName(const std::string &name, CliCommandKind *out)
{
    for (auto k : {CliCommandKind::Generate, CliCommandKind::Info, CliCommandKind::Forward, CliCommandKind::Bench,
                   CliCommandKind::Tokenize, CliCommandKind::Train, CliCommandKind::Eval, CliCommandKind::Export}) {
        if (name == commandName(k)) {
            *out = k;
            return true;
        }
    }
    return false;
}

/** Stores one option's value in the command; returns a message on a bad value. */
std::string applyOption(CliCommand &c, const std::string &name, const std::string &value)
{
    long long i = 0;
    double d = 0;
    std::string e;
    if (name == "--model") {
        if (value.empty())
            return "--model: expected a directory, got an empty string";
        c.modelDir = value;
    } else if (name == "--prompt") {
        c.prompt = value;
    } else if (name == "--ids") {
        std::vector<int32_t> ids;
        if (!(e = idsOption(value, &ids)).empty())
            return e;
        c.ids = std::move(ids);
    } else if (name == "--gen-length") {
        if (!(e = intOption(name, value, 1, 65536, &i)).empty())
            return e;
        c.overrides.genLength = static_cast<int>(i);
    } else if (name == "--steps") {
        if (!(e = intOption(name, value, 1, 1000000, &i)).empty())
            return e;
        c.overrides.steps = static_cast<int>(i);
    } else if (name == "--block-length") {
        if (!(e = intOption(name, value, 1, 65536, &i)).empty())
            return e;
        c.overrides.blockLength = static_cast<int>(i);
    } else if (name == "--temperature") {
        if (!(e = doubleOption(name, value, 0.0, &d)).empty())
            return e;
        c.overrides.temperature = d;
    } else if (name == "--remasking") {
        auto m = parseMeasure(value);
        if (!m)
            return "--remasking: " + m.error();
        c.overrides.measure = *m;
    } else if (name == "--threshold") {
        if (!parseDouble(value, &d))
            return "--threshold: expected a number, got " + quoted(value);
        c.overrides.threshold = d;
    } else if (name == "--cfg") {
        if (!(e = doubleOption(name, value, 0.0, &d)).empty())
            return e;
        c.overrides.cfgScale = d;
    } else if (name == "--seed") {
        uint64_t seed = 0;
        if (!(e = seedOption(name, value, &seed)).empty())
            return e;
        c.overrides.seed = seed;
    } else if (name == "--top-k") {
        if (!(e = intOption(name, value, 0, 64, &i)).empty())
            return e;
        c.overrides.topK = static_cast<int>(i);
    } else if (name == "--dtype") {
        auto t = parseComputeDType(value);
        if (!t)
            return "--dtype: " + t.error();
        c.overrides.dtype = *t;
    } else if (name == "--threads") {
        if (!(e = intOption(name, value, 0, 1024, &i)).empty())
            return e;
        c.overrides.threads = static_cast<int>(i);
    } else if (name == "--timeline") {
        if (value.empty())
            return "--timeline: expected a file name, got an empty string";
        c.timelinePath = value;
    } else if (name == "--repeat") {
        if (!(e = intOption(name, value, 1, 100000, &i)).empty())
            return e;
        c.repeat = static_cast<int>(i);
    } else if (name == "--contend") {
        if (!(e = intOption(name, value, 0, 64, &i)).empty())
            return e;
        c.contend = static_cast<int>(i);
    } else if (name == "--show") {
        c.show = true;
    } else if (name == "--full-logits") {
        c.fullLogits = true;
    } else if (name == "--json") {
        c.json = true;
    }
    return {};
}

/** Cross-option checks once everything is read. */
std::string checkComplete(const CliCommand &c)
{
    const std::string cmd = commandName(c.kind);
    if (c.modelDir.empty())
        return cmd + ": --model DIR is required";
    if (c.kind == CliCommandKind::Generate && !c.prompt)
        return "generate: --prompt TEXT is required";
    if (c.kind == CliCommandKind::Forward) {
        if (c.prompt && c.ids)
            return "forward: give either --prompt or --ids, not both";
        if (!c.prompt && !c.ids)
            return "forward: --prompt TEXT or --ids N,N,... is required";
        if (c.ids && c.ids->empty())
            return "forward: --ids needs at least one id";
    }
    if (c.overrides.genLength && c.overrides.blockLength && *c.overrides.blockLength > *c.overrides.genLength)
        return "--block-length: " + std::to_string(*c.overrides.blockLength) + " exceeds --gen-length " +
               std::to_string(*c.overrides.genLength);
    return {};
}

} // namespace

std::string cliUsage()
{
    return kTopUsage;
}

Result<CliCommand> parseCli(const std::vector<std::string> &args)
{
    CliCommand c;
    if (args.empty())
        return Failure::failure("no command given (try dlmstudio-cli --help)");

    const std::string &first = args[0];
    if (first == "-h" || first == "--help" || first == "help") {
        c.kind = CliCommandKind::Help;
        // `help generate` is a common spelling of `generate --help`.
        CliCommandKind sub;
        if (first == "help" && args.size() > 1 && commandFromName(args[1], &sub))
            c.helpText = commandHelp(sub);
        else
            c.helpText = cliUsage();
        return c;
    }
    if (first == "-V" || first == "--version") {
        c.kind = CliCommandKind::Version;
        return c;
    }
    if (!first.empty() && first[0] == '-')
        return Failure::failure("unknown option " + quoted(first) +
                                " (commands: generate, info, forward, bench, tokenize, train, eval, export)");
    if (!commandFromName(first, &c.kind))
        return Failure::failure("unknown command " + quoted(first) +
                                " (expected generate, info, forward, bench, tokenize, train, eval or export)");
    if (isToolCommand(c.kind))
        return parseToolCommand(c.kind, args);
    if (c.kind == CliCommandKind::Export)
        return parseExportCommand(args);

    const std::string cmd = commandName(c.kind);
    const auto &table = optionTable();
    for (size_t i = 1; i < args.size(); ++i) {
        const std::string &arg = args[i];
        if (arg == "-h" || arg == "--help") {
            c.helpText = commandHelp(c.kind);
            return c;
        }
        std::string name;
        std::optional<std::string> inlineValue;
        if (const std::string error = splitOptionArgument(cmd, arg, &name, &inlineValue); !error.empty())
            return Failure::failure(error);
        const auto it = table.find(name);
        bool accepted = false;
        if (it != table.end()) {
            for (auto k : it->second.commands)
                accepted = accepted || k == c.kind;
        }
        if (!accepted)
            return Failure::failure(cmd + ": unknown option " + name + " (see dlmstudio-cli " + cmd + " --help)");

        std::string value;
        if (const std::string error = takeOptionValue(args, &i, name, inlineValue, it->second.takesValue, &value);
            !error.empty())
            return Failure::failure(error);
        const std::string error = applyOption(c, name, value);
        if (!error.empty())
            return Failure::failure(error);
    }
    const std::string error = checkComplete(c);
    if (!error.empty())
        return Failure::failure(error);
    return c;
}

GenerationSettings applyCliSettings(const CliCommand &c, GenerationSettings base)
{
    const SettingsOverrides &o = c.overrides;
    GenerationSettings s = applyOverrides(base, o);
    if (o.genLength) {
        // A shorter generation keeps the defaults' shape (one block, one token per step) instead of failing
        // validation with a block longer than the generation or wasting steps that commit nothing.
        if (!o.blockLength && s.blockLength > s.genLength)
            s.blockLength = s.genLength;
        if (!o.steps && s.steps > s.genLength)
            s.steps = s.genLength;
    }
    return s;
}

} // namespace dlm
