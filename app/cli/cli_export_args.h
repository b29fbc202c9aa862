#pragma once
// Arguments of `export`, kept apart from cli_args.cpp so that each parser stays small. Internal to the CLI
// library.

#include "app/cli/cli_args.h"

#include <string>
#include <vector>

namespace dlm {

/** The formats `export` writes, in the order the help lists them. */
const std::vector<std::string> &exportFormats();
/** png, svg, pdf: one figure at one record. */
bool isFigureFormat(const std::string &format);
/** The figure formats plus gif and frames: the formats drawn by the GUI's widgets (need a QApplication). */
bool isImageExportFormat(const std::string &format);

/** Parses `args` (args[0] is "export"). Failures name the option and what was wrong with its value. */
Result<CliCommand> parseExportCommand(const std::vector<std::string> &args);
std::string exportCommandHelp();

} // namespace dlm
