#pragma once
// The subcommands of dlmstudio-cli. Each writes its result to `out` and at most one line
// "dlmstudio-cli: <reason>" to `err`, and returns the exit status, so tests run them in-process.

#include "app/cli/cli_args.h"

#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace dlm {

/** Exit statuses shared by every subcommand. */
enum CliExit : int {
    ExitOk = 0,
    ExitInternal = 1, ///< a bug or an unexpected failure (exception, engine error)
    ExitBadInput = 2, ///< bad options, model files or paths: the user can fix it
    ExitInterrupted = 130, ///< stopped by Ctrl-C (128 + SIGINT, as shells report it); what was computed is kept
};

/** Called after every layer of every step `generate` computes, on its thread; tests raise SIGINT from it. */
using LayerObserver = std::function<void(int denoiseStep, int layersDone, int layersTotal)>;

/**
 * Ctrl-C stops the step in flight within one layer: the canvas so far is printed, the timeline (--save)
 * written, "stopped after step N of M" goes to `err` and the status is ExitInterrupted.
 */
int runGenerate(const GenerateArgs &args, const TerminalInfo &terminal, std::ostream &out, std::ostream &err,
    const LayerObserver &observer = {});
int runInfo(const InfoArgs &args, std::ostream &out, std::ostream &err);
int runForward(const ForwardArgs &args, std::ostream &out, std::ostream &err);
int runBench(const BenchArgs &args, std::ostream &out, std::ostream &err);
int runTokenize(const TokenizeArgs &args, std::ostream &out, std::ostream &err);
/** Prints a conversation rendered with the model's chat template, byte for byte. */
int runTemplate(const TemplateArgs &args, std::ostream &out, std::ostream &err);
/** Trains; SIGINT/SIGTERM checkpoint and exit 0, SIGUSR1 exports the model and trains on. */
int runTrain(const TrainArgs &args, const TerminalInfo &terminal, std::ostream &out, std::ostream &err);
int runEval(const EvalArgs &args, std::ostream &out, std::ostream &err);
/** Writes a saved timeline as JSON, CSV, an HTML player, a table, a figure or an animation; needs no model. */
int runExport(const ExportArgs &args, std::ostream &out, std::ostream &err);

/**
 * Runs a parsed command (help and version included) and turns every exception into exit status 1 with a
 * one-line message, so nothing the engine throws ends the process abnormally.
 */
int runCommand(const CliCommand &command, std::ostream &out, std::ostream &err);

} // namespace dlm
