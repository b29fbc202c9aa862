#include "core/base/compute_environment.h"

#include <cctype>
#include <cstdlib>
#include <cstring>

#include <unistd.h>

namespace dlm {

const char *const kEngineSpinCount = "2000";

namespace {

// Set in the re-executed process, so it knows the policy is ours and never re-executes twice.
const char *const kMarker = "DLM_COMPUTE_ENVIRONMENT";

std::string envOr(const char *name, const char *fallback = "")
{
    const char *v = std::getenv(name);
    return v ? v : fallback;
}

} // namespace

void prepareComputeEnvironment(char **argv)
{
    if (std::getenv(kMarker) || std::getenv("OMP_WAIT_POLICY") || std::getenv("GOMP_SPINCOUNT"))
        return;
    if (setenv("GOMP_SPINCOUNT", kEngineSpinCount, 1) != 0 || setenv(kMarker, "set", 1) != 0)
        return;
    execv("/proc/self/exe", argv);
    // Still here: the program runs on libgomp's defaults; say so where the policy is shown.
    setenv(kMarker, "exec-failed", 1);
    unsetenv("GOMP_SPINCOUNT");
}

ComputeEnvironment computeEnvironment()
{
    ComputeEnvironment env;
    const std::string marker = envOr(kMarker);
    std::string policy = envOr("OMP_WAIT_POLICY");
    for (char &c : policy)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    env.waitPolicy = policy.empty() ? "default" : policy;
    env.spinCount = envOr("GOMP_SPINCOUNT");
    if (marker == "set")
        env.origin = "set by DLM Studio";
    else if (marker == "exec-failed")
        env.origin = "libgomp default: DLM Studio could not re-execute itself to set its policy";
    else if (!policy.empty() || !env.spinCount.empty())
        env.origin = "from the environment";
    else
        env.origin = "libgomp default";
    return env;
}

std::string ComputeEnvironment::describe() const
{
    std::string what;
    if (waitPolicy == "passive")
        what = "OpenMP threads sleep when idle";
    else if (!spinCount.empty())
        what = "OpenMP threads spin " + spinCount + " times, then sleep";
    else if (waitPolicy == "active")
        what = "OpenMP threads spin when idle";
    else
        what = "OpenMP threads spin for milliseconds, then sleep";
    return what + " (" + origin + ")";
}

} // namespace dlm
