#pragma once
// Small file helpers shared by loaders and writers.

#include "core/base/atomic_file.h" // writeFileAtomic, for the writers that include this header
#include "core/base/result.h"

#include <string>

namespace dlm {

/** Reads a whole regular file, with a message naming it when that fails. `maxBytes` guards against huge
 *  files; a FIFO, device or folder is refused without blocking or reading it. */
Result<std::string> readTextFile(const std::string &path, size_t maxBytes = 64u << 20);
/**
 * Opens `path` read-only if it is a regular file, else refuses it ("PATH: is a FIFO, expected a regular
 * file"). Opened with O_NONBLOCK and checked with fstat, so a FIFO never blocks; returns the descriptor.
 */
Result<int> openRegularFile(const std::string &path);
/** The same check without keeping the file open, for readers that open it themselves (streams). */
Status checkRegularFile(const std::string &path);
/** "a FIFO", "a directory", "a character device", ... for a stat mode. */
std::string fileTypeName(unsigned mode);
/** True when something other than a folder is at `path`: a FIFO or device counts, so that the reader that
 *  follows refuses it by name ("is a FIFO, expected a regular file") instead of the file seeming absent. */
bool fileExists(const std::string &path);
std::string joinPath(const std::string &dir, const std::string &name);
std::string baseName(const std::string &path);

} // namespace dlm
