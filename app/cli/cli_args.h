#pragma once
// The command line of dlmstudio-cli as a pure function from arguments to a struct: no I/O, no model, so
// every accepted and refused spelling is covered by tests without starting a process. One struct per
// subcommand; the options themselves are declared once, on CLI11, in cli_*_args.cpp.

#include "core/base/result.h"
#include "core/sampling/generation_config.h"
#include "core/sampling/generation_settings.h"
#include "core/train/evaluator.h"
#include "core/train/train_config.h"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

namespace dlm {

/** `generate`: denoise a prompt's continuation. */
struct GenerateArgs
{
    std::string modelDir;
    std::string prompt;
    bool chat = false; ///< the prompt is one user message, rendered with the model's chat template
    /// Settings given on the command line; unset ones come from generation_config.json, else the defaults.
    SettingsOverrides overrides;
    std::string timelinePath; ///< empty = do not save
    bool show = false;
    bool compareCache = false; ///< also run without the cache and report what the cache changed
};

/** `info`: describe a model directory. */
struct InfoArgs
{
    std::string modelDir;
};

/** `forward`: one forward pass over a prompt's tokens or given ids (exactly one of the two is set). */
struct ForwardArgs
{
    std::string modelDir;
    std::optional<std::string> prompt;
    std::optional<std::vector<int32_t>> ids;
    int topK = 5;
    ComputeDType dtype = ComputeDType::F32;
    int threads = 0; ///< 0 = one per core
    bool fullLogits = false;
};

/** `bench`: time whole generations. */
struct BenchArgs
{
    std::string modelDir;
    std::string prompt = "The capital of France is";
    SettingsOverrides overrides; ///< as for generate
    int repeat = 3;
    bool json = false;
    int contend = 0; ///< busy threads run beside the engine while measuring
    int matmulProbeMs = 1500; ///< time spent measuring matmul throughput per dtype; 0 skips it
    int maxSteps = -1; ///< denoising steps timed per generation (-1: the whole generation)
    bool laterBlocksCost = false; ///< also time the generations with later-block recording switched
};

/**
 * `tokenize`: text file -> token file (outPath), or text -> ids and pieces as JSON (json), or ids -> text
 * (decodePath); exactly one of modelDir and tokenizerPath is set.
 */
struct TokenizeArgs
{
    std::string modelDir;
    std::string tokenizerPath; ///< a tokenizer.json, a tokenizer.model or a directory
    std::string textPath;
    std::string outPath;
    bool json = false;
    std::string decodePath; ///< a JSON array of ids or whitespace-separated ids
    bool appendEos = false;
    std::optional<int32_t> eosId;
};

/** `template`: render a conversation with a model's chat template. */
struct TemplateArgs
{
    std::string modelDir;
    std::string messagesPath; ///< a JSON array of {"role", "content"}
    bool generationPrompt = true;
};

/** `train`: a training run, fresh or resumed. */
struct TrainArgs
{
    TrainConfig config;
    std::set<std::string> givenKeys; ///< TrainConfig JSON keys set on the command line (resume checks them)
    bool resume = false;
    bool exportOnly = false;
};

/** `eval`: score a model on a text or a token file (exactly one of textPath and idsPath is set). */
struct EvalArgs
{
    std::string modelDir;
    std::string textPath;
    std::string idsPath;
    bool appendEos = false;
    EvalOptions options;
    int threads = 0;
};

/** `export`: a saved timeline in another form. */
struct ExportArgs
{
    std::string timelinePath;
    std::string format; ///< json, csv, html, md, tex, png, svg, pdf, gif or frames
    std::string outPath; ///< empty = standard output
    std::vector<int> steps; ///< --step: record indices; empty = all
    std::optional<int> branch; ///< unset = the format's default
    std::string figure; ///< png/svg/pdf: canvas, heatmap, decisions or plots; empty = canvas
    std::optional<double> scale;
    std::optional<int> width;
    std::optional<int> height;
    std::optional<double> fps;
};

/** --help (of the program or of one command): the text to print. */
struct HelpRequest
{
    std::string text;
};

/** --version. */
struct VersionRequest
{
};

using CliArgs = std::variant<HelpRequest, VersionRequest, GenerateArgs, InfoArgs, ForwardArgs, BenchArgs, TokenizeArgs,
    TemplateArgs, TrainArgs, EvalArgs, ExportArgs>;

/** Facts about the process's stdout, filled in by main (never by the parser) so that commands stay testable
 *  in-process with a string stream. */
struct TerminalInfo
{
    bool stdoutIsTerminal = false;
    int width = 80;
};

/** One parsed invocation. */
struct CliCommand
{
    CliArgs args;
    TerminalInfo terminal;
};

/**
 * Parses arguments (without argv[0]). A failure is one line that names the option, or the command and what
 * it is missing.
 */
Result<CliCommand> parseCli(const std::vector<std::string> &args);

/** Applies explicit generation options on top of `base` (defaults or generation_config.json). */
GenerationSettings applyCliSettings(const SettingsOverrides &overrides, GenerationSettings base);

} // namespace dlm
