#pragma once
// Finds run-time plugins (shared libraries loaded with dlopen) relative to the running executable, so the
// same binary works from the build tree and after `cmake --install` without LD_LIBRARY_PATH.

#include <string>
#include <vector>

namespace dlm {

/** File name of the sentencepiece plugin, and the environment variable that overrides its location. */
inline constexpr const char *kSpmPluginFileName = "libdlm_spm_plugin.so";
inline constexpr const char *kSpmPluginEnvVar = "DLM_SPM_PLUGIN";

/** The outcome of a plugin search: where it was found (empty if nowhere) and every path looked at. */
struct PluginSearch
{
    std::string found;
    std::vector<std::string> tried;
};

/** Directory of the running executable (from /proc/self/exe); empty when it cannot be read. */
std::string executableDir();

/**
 * Looks for `fileName`: if the environment variable `envVar` is set (and not empty) its value is the only
 * candidate, so a mistyped override is reported instead of silently replaced by another copy. Otherwise
 * `<exe dir>/<fileName>` (build tree) and then `<exe dir>/../<install dir>/<fileName>` (installed).
 */
PluginSearch findPlugin(const std::string &fileName, const char *envVar);

/** findPlugin() for the sentencepiece plugin. */
PluginSearch findSpmPlugin();

/** Joins the paths tried into one line for error messages. */
std::string describeTried(const PluginSearch &search);

} // namespace dlm
