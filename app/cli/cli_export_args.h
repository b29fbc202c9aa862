#pragma once
// What `export` writes; its options are declared in cli_export_args.cpp. Internal to the CLI library.

#include <string>
#include <vector>

namespace dlm {

/** The formats `export` writes, in the order the help lists them. */
const std::vector<std::string> &exportFormats();
/** png, svg, pdf: one figure at one record. */
bool isFigureFormat(const std::string &format);
/** The figure formats plus gif and frames: the formats drawn by ui/figures (need a QGuiApplication). */
bool isImageExportFormat(const std::string &format);

} // namespace dlm
