#pragma once
// Counter-based random numbers: every draw is a pure function of (seed, stream, step, position, index).
// That makes a seeded run identical across thread counts and evaluation order, and lets a branch forked at
// step s draw the same noise the original branch drew for step s+1.

#include <cstdint>

namespace dlm {

enum class RngStream : uint64_t {
    Gumbel = 1,
    RandomConfidence = 2,
    DreamToken = 3, ///< Dream: sampling a token from the filtered distribution (index = token id)
    DreamReveal = 4, ///< Dream origin: whether a mask is revealed this step
    DreamSelect = 5, ///< Dream alg_temp > 0: which positions are chosen
};

/** SplitMix64 finaliser: a well-mixed 64-bit hash. */
inline uint64_t mix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/** The key of one row of draws (one position at one step); hashed once, then combined with each index. */
inline uint64_t counterRowKey(uint64_t seed, RngStream stream, uint64_t step, uint64_t position)
{
    uint64_t h = mix64(seed ^ (static_cast<uint64_t>(stream) << 56));
    h = mix64(h ^ step);
    return mix64(h ^ position);
}

/** A uniform double in the open interval (0, 1); never 0, so -log(u) is finite. */
inline double counterUniformAt(uint64_t rowKey, uint64_t index)
{
    const uint64_t h = mix64(rowKey ^ (index * 0xD1B54A32D192ED03ull));
    return (static_cast<double>(h >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

inline double counterUniform(uint64_t seed, RngStream stream, uint64_t step, uint64_t position, uint64_t index)
{
    return counterUniformAt(counterRowKey(seed, stream, step, position), index);
}

} // namespace dlm
