#pragma once
// Small file helpers shared by loaders and writers.

#include "core/base/result.h"

#include <string>

namespace dlm {

/** Reads a whole file, with a message naming it when that fails. `maxBytes` guards against huge files. */
Result<std::string> readTextFile(const std::string &path, size_t maxBytes = 64u << 20);
/** Writes atomically: to `path + ".tmp-XXXXXX"` in the same folder, fsync, then rename over `path`. */
Status writeFileAtomic(const std::string &path, const std::string &contents);
bool fileExists(const std::string &path);
std::string joinPath(const std::string &dir, const std::string &name);
std::string baseName(const std::string &path);

} // namespace dlm
