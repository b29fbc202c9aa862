#pragma once
// The command line of dlmstudio-cli as a pure function from arguments to a struct: no I/O, no model, so
// every accepted and refused spelling is covered by tests without starting a process.

#include "core/train/evaluator.h"
#include "core/sampling/generation_config.h"
#include "core/sampling/generation_settings.h"
#include "core/base/result.h"
#include "core/train/train_config.h"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace dlm {

enum class CliCommandKind { Help, Version, Generate, Info, Forward, Bench, Tokenize, Train, Eval, Export };

/** What `export` writes (cli_export_args.cpp); the timeline and --out use timelinePath and outPath. */
struct ExportOptions
{
    std::string format;          ///< json, csv, html, md, tex, png, svg, pdf, gif or frames
    std::vector<int> steps;      ///< --step: record indices; empty = all
    std::optional<int> branch;   ///< --branch; unset = the format's default
    std::string figure;          ///< --figure for png/svg/pdf: canvas, heatmap, decisions or plots; empty = canvas
    std::optional<double> scale; ///< --scale: PNG pixels per figure pixel
    std::optional<int> width;    ///< --width in pixels (figures and animations)
    std::optional<int> height;   ///< --height in pixels (figures other than the canvas)
    std::optional<double> fps;   ///< --fps: GIF frames per second
};

/**
 * One parsed invocation. Generation knobs are optional so that a value the user left out can come from the
 * model's generation_config.json before the built-in defaults.
 */
struct CliCommand
{
    CliCommandKind kind = CliCommandKind::Help;
    /// Non-empty when --help/-h was given (globally or for a subcommand): print it and exit 0.
    std::string helpText;

    std::string modelDir;
    std::optional<std::string> prompt;
    std::optional<std::vector<int32_t>> ids; ///< forward --ids

    /// Generation settings given on the command line; unset ones come from generation_config.json, else
    /// GenerationSettings' defaults. Forward uses only topK, dtype and threads.
    SettingsOverrides overrides;

    std::string timelinePath; ///< generate --timeline (written), export --timeline (read)
    bool show = false;        ///< generate --show
    bool fullLogits = false;  ///< forward --full-logits
    int repeat = 3;           ///< bench --repeat
    int contend = 0;          ///< bench --contend: busy threads beside the engine
    bool json = false;        ///< bench --json

    // tokenize and eval
    std::string tokenizerPath;     ///< tokenize --tokenizer
    std::string textPath;          ///< tokenize/eval --text
    std::string idsPath;           ///< eval --ids (a token file)
    std::string outPath;           ///< tokenize --out, export --out
    bool appendEos = false;        ///< --append-eos-per-line
    std::optional<int32_t> eosId;  ///< tokenize --eos-id
    EvalOptions eval;              ///< eval's knobs; threads in overrides.threads

    // train
    TrainConfig train;
    std::set<std::string> trainKeys; ///< TrainConfig JSON keys set explicitly (resume checks them)
    bool resume = false;
    bool exportOnly = false;

    // export
    ExportOptions exportOptions;

    // Facts about the process's stdout, filled in by main (never by the parser) so that commands stay
    // testable in-process with a string stream.
    bool stdoutIsTerminal = false;
    int terminalWidth = 80;
};

/** Parses arguments (without argv[0]). Failures name the option and what was wrong with its value. */
Result<CliCommand> parseCli(const std::vector<std::string> &args);

/** The top-level usage text (what `dlmstudio-cli --help` prints). */
std::string cliUsage();

/** Applies the command's explicit generation options on top of `base` (defaults or generation_config.json). */
GenerationSettings applyCliSettings(const CliCommand &command, GenerationSettings base);

} // namespace dlm
