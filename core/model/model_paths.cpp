#include "core/model/model_paths.h"

#include <filesystem>
#include <system_error>

namespace dlm {

namespace fs = std::filesystem;

namespace {

bool isInside(const fs::path &child, const fs::path &parent)
{
    auto c = child.begin();
    for (auto p = parent.begin(); p != parent.end(); ++p, ++c) {
        if (c == child.end() || *c != *p)
            return false;
    }
    return true;
}

/** The Hugging Face hub cache: models--ORG--NAME/snapshots/REV/FILE -> models--ORG--NAME/blobs/HASH. */
bool isHubBlob(const fs::path &dir, const fs::path &target)
{
    const fs::path repo = dir.parent_path().parent_path();
    return dir.parent_path().filename() == "snapshots" && isInside(target, repo / "blobs");
}

} // namespace

std::vector<std::string> symlinksLeavingDirectory(const std::string &dir)
{
    std::vector<std::string> warnings;
    std::error_code ec;
    const fs::path root = fs::canonical(dir, ec);
    if (ec)
        return warnings;
    for (const fs::directory_entry &entry : fs::directory_iterator(root, ec)) {
        std::error_code linkError;
        if (!entry.is_symlink(linkError))
            continue;
        const fs::path target = fs::weakly_canonical(entry.path(), linkError);
        if (linkError || isInside(target, root) || isHubBlob(root, target))
            continue;
        warnings.push_back(entry.path().filename().string() + " links outside the model directory, to "
            + target.string() + "; following it");
    }
    return warnings;
}

} // namespace dlm
