#pragma once
// Arguments of the model-building subcommands (tokenize, train, eval), kept apart from cli_args.cpp so that
// each parser stays small. Internal to the CLI library.

#include "app/cli/cli_args.h"

namespace dlm {

bool isToolCommand(CliCommandKind kind);
/** Parses `args` (args[0] is the command name) of tokenize, train or eval. */
Result<CliCommand> parseToolCommand(CliCommandKind kind, const std::vector<std::string> &args);
std::string toolCommandHelp(CliCommandKind kind);

} // namespace dlm
