#pragma once
// Which files of a model directory are symbolic links that lead out of it. Such links are followed (the
// Hugging Face cache is built of them: snapshots/REV/config.json -> ../../blobs/HASH), but a link elsewhere
// (a downloaded archive pointing config.json at ~/.ssh/id_rsa, say) is worth a warning, because the loaders
// would read whatever it points at. Names inside files (shards in the index) are checked by their reader.

#include <string>
#include <vector>

namespace dlm {

/**
 * One line per entry of `dir` that is a symlink resolving outside `dir`, other than into the Hugging Face
 * cache's blobs folder: "config.json links outside the model directory, to /etc/passwd; following it".
 */
std::vector<std::string> symlinksLeavingDirectory(const std::string &dir);

} // namespace dlm
