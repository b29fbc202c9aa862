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

/** The 53 random bits behind counterUniformAt(rowKey, index). */
inline uint64_t counterBitsAt(uint64_t rowKey, uint64_t index)
{
    return mix64(rowKey ^ (index * 0xD1B54A32D192ED03ull)) >> 11;
}

/**
 * The uniform double of 53 random bits: (bits + 0.5) / 2^53, in (0, 1]. Never 0, so -log(u) is finite; 1 only
 * for bits = 2^53 - 1, where the + 0.5 rounds up (one draw in 2^53).
 */
inline double uniformFromBits(uint64_t bits)
{
    return (static_cast<double>(bits) + 0.5) * (1.0 / 9007199254740992.0);
}

/** A uniform double in (0, 1] (see uniformFromBits). */
inline double counterUniformAt(uint64_t rowKey, uint64_t index)
{
    return uniformFromBits(counterBitsAt(rowKey, index));
}

inline double counterUniform(uint64_t seed, RngStream stream, uint64_t step, uint64_t position, uint64_t index)
{
    return counterUniformAt(counterRowKey(seed, stream, step, position), index);
}

} // namespace dlm
