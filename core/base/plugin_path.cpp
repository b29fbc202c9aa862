#include "core/base/plugin_path.h"

#include <cstdlib>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef DLM_PLUGIN_INSTALL_DIR
#define DLM_PLUGIN_INSTALL_DIR "lib/dlmstudio"
#endif

namespace dlm {

namespace {

bool isRegularFile(const std::string &path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

} // namespace

std::string executableDir()
{
    // readlink does not NUL-terminate and silently truncates: a full buffer means the path may be cut.
    char buffer[PATH_MAX];
    const ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof(buffer));
    if (n <= 0 || static_cast<size_t>(n) >= sizeof(buffer))
        return {};
    const std::string exe(buffer, static_cast<size_t>(n));
    const size_t slash = exe.rfind('/');
    if (slash == std::string::npos)
        return {};
    return slash == 0 ? std::string("/") : exe.substr(0, slash);
}

PluginSearch findPlugin(const std::string &fileName, const char *envVar)
{
    PluginSearch search;
    if (envVar) {
        const char *overridePath = std::getenv(envVar);
        if (overridePath && *overridePath) {
            search.tried.emplace_back(overridePath);
            if (isRegularFile(overridePath))
                search.found = overridePath;
            return search;
        }
    }

    const std::string exeDir = executableDir();
    if (exeDir.empty())
        return search;
    const std::string prefix = exeDir == "/" ? std::string() : exeDir;
    const std::string candidates[] = {
        prefix + "/" + fileName,
        prefix + "/../" + DLM_PLUGIN_INSTALL_DIR + "/" + fileName,
    };
    for (const std::string &candidate : candidates) {
        search.tried.push_back(candidate);
        if (isRegularFile(candidate)) {
            search.found = candidate;
            break;
        }
    }
    return search;
}

PluginSearch findSpmPlugin()
{
    return findPlugin(kSpmPluginFileName, kSpmPluginEnvVar);
}

std::string describeTried(const PluginSearch &search)
{
    if (search.tried.empty())
        return "no candidate paths (the executable's location could not be read from /proc/self/exe)";
    std::string text;
    for (const std::string &path : search.tried) {
        if (!text.empty())
            text += ", ";
        text += path;
    }
    return text;
}

} // namespace dlm
