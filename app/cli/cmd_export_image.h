#pragma once
// The image side of `export` (png, svg, pdf, gif, frames), kept apart from cmd_export.cpp because it is the
// only part of the CLI that needs QtGui (ui/figures; never Qt Widgets). Internal to the CLI library.

#include "app/cli/cli_args.h"
#include "core/timeline/timeline.h"

#include <ostream>

namespace dlm {

/**
 * Draws the figure or animation `args` asks for from `timeline` and writes it to args.outPath. Starts
 * a QGuiApplication for the drawing if the process has none (on the offscreen platform unless QT_QPA_PLATFORM
 * says otherwise), so it works without a display. GIF and frame progress goes to `err`.
 */
int runImageExport(const ExportArgs &args, const Timeline &timeline, std::ostream &err);

} // namespace dlm
