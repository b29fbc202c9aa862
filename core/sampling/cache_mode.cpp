#include "core/sampling/cache_mode.h"

namespace dlm {

const char *cacheModeName(CacheMode mode)
{
    switch (mode) {
    case CacheMode::None:
        return "none";
    case CacheMode::Prefix:
        return "prefix";
    case CacheMode::Dual:
        return "dual";
    }
    return "none";
}

Result<CacheMode> parseCacheMode(const std::string &name)
{
    for (CacheMode m : {CacheMode::None, CacheMode::Prefix, CacheMode::Dual})
        if (name == cacheModeName(m))
            return m;
    return Result<CacheMode>::failure("unknown cache '" + name + "' (expected none, prefix or dual)");
}

} // namespace dlm
