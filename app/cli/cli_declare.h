#pragma once
// The subcommands of dlmstudio-cli declared on CLI11. Each function adds one command to `app` with all its
// options (value rules, help, defaults, requirements, exclusions) and checks between options; when that
// command is parsed without error, it stores the filled struct in `result`. Internal to the CLI library.

#include "app/cli/cli_args.h"

#include <CLI/CLI.hpp>

namespace dlm::cli {

void declareGenerate(CLI::App &app, CliArgs &result);
void declareInfo(CLI::App &app, CliArgs &result);
void declareForward(CLI::App &app, CliArgs &result);
void declareBench(CLI::App &app, CliArgs &result);
void declareTokenize(CLI::App &app, CliArgs &result);
void declareTemplate(CLI::App &app, CliArgs &result);
void declareTrain(CLI::App &app, CliArgs &result);
void declareEval(CLI::App &app, CliArgs &result);
void declareExport(CLI::App &app, CliArgs &result);

} // namespace dlm::cli
