#pragma once
// The seeded random numbers every test fixture's weights are drawn from, and how a weight becomes bytes.
// Shared by tiny_model (LLaDA) and tiny_family_model (Dream, LLaDA-MoE) so both write reproducible files
// the same way.

#include "core/model/safetensors.h"

#include <cstdint>
#include <random>
#include <vector>

namespace dlm::testing {

/**
 * Approximately normal numbers that are bit-identical on every machine. std::normal_distribution's algorithm
 * is implementation-defined, and Box-Muller needs log/cos, which libm may round differently; the sum of
 * twelve uniforms minus six (Irwin-Hall) has variance 1 and uses only exactly rounded IEEE arithmetic.
 * std::mt19937_64 itself is fully specified by the standard.
 */
class PortableNormal
{
public:
    explicit PortableNormal(uint64_t seed);
    double next();

private:
    std::mt19937_64 m_engine;
};

/** `value` appended in little-endian `dtype` (F32, F16 or BF16), as safetensors stores it. */
void appendValue(std::vector<uint8_t> &bytes, float value, TensorDType dtype);

} // namespace dlm::testing
