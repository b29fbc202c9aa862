#pragma once
// Fast-dLLM's approximate KV caches (NVlabs/Fast-dLLM, generate_with_prefix_cache / generate_with_dual_cache).
// At the first step of a block the whole canvas runs and each layer's keys and values are kept; the block's
// later steps recompute only the block (dual) or the block and what follows it (prefix), attending to the
// kept keys and values of the rest. Faster, but the kept values are those of the canvas at the block's start,
// so outputs differ from an uncached run: `none` is the default and the exact one. Torch-free.

#include "core/base/result.h"

#include <string>

namespace dlm {

enum class CacheMode {
    None, ///< every step runs the whole canvas (LLaDA's generate())
    Prefix, ///< keys/values of the positions before the block are kept; the block and the suffix run
    Dual, ///< keys/values of everything outside the block are kept; only the block runs
};

const char *cacheModeName(CacheMode mode); ///< "none", "prefix", "dual"
Result<CacheMode> parseCacheMode(const std::string &name);

} // namespace dlm
