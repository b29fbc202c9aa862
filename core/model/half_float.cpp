// IEEE half and bfloat16 conversions for tensor bytes (declared in safetensors.h), exact and portable: no
// hardware half type, so checkpoints convert the same on every machine.
#include "core/model/safetensors.h"

#include <cstring>

namespace dlm {

float halfToFloat(uint16_t h)
{
    const uint32_t sign = uint32_t(h & 0x8000) << 16;
    const uint32_t exponent = (h >> 10) & 0x1f;
    uint32_t mantissa = h & 0x3ff;
    uint32_t bits;
    if (exponent == 0x1f) {
        bits = sign | 0x7f800000 | (mantissa << 13); // inf, or NaN with its payload kept
    } else if (exponent != 0) {
        bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
    } else if (mantissa == 0) {
        bits = sign;
    } else {
        // Subnormal half: shift until the leading 1 becomes the implicit bit of a normal float.
        int e = 113;
        while (!(mantissa & 0x400)) {
            mantissa <<= 1;
            --e;
        }
        bits = sign | (uint32_t(e) << 23) | ((mantissa & 0x3ff) << 13);
    }
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

float bf16ToFloat(uint16_t b)
{
    const uint32_t bits = uint32_t(b) << 16;
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

uint16_t floatToBf16(float f)
{
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    if ((bits & 0x7fffffff) > 0x7f800000)
        return uint16_t((bits >> 16) | 0x40); // keep NaN a (quiet) NaN even if its payload sat in the low bits
    // Round to nearest even: add just under half an ulp, plus one if the kept part is odd.
    bits += 0x7fff + ((bits >> 16) & 1);
    return uint16_t(bits >> 16);
}

uint16_t floatToHalf(float f)
{
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    const uint16_t sign = uint16_t((bits >> 16) & 0x8000);
    const uint32_t magnitude = bits & 0x7fffffff;

    if (magnitude > 0x7f800000)
        return uint16_t(sign | 0x7e00 | ((magnitude >> 13) & 0x3ff)); // quiet NaN
    if (magnitude >= 0x477ff000)
        return uint16_t(sign | 0x7c00); // inf, or at least 65520, which rounds (to even) past 65504
    if (magnitude >= 0x38800000) {
        // Normal half: rebias the exponent from 127 to 15, then round away the low 13 mantissa bits.
        const uint32_t rebiased = magnitude - 0x38000000;
        uint32_t h = rebiased >> 13;
        const uint32_t rest = rebiased & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (h & 1)))
            ++h; // a carry into the exponent is the correct next value
        return uint16_t(sign | h);
    }
    // Subnormal half (units of 2^-24). Below 2^-25 everything rounds to zero; exactly 2^-25 ties to even (0).
    const uint32_t exponent = magnitude >> 23;
    if (exponent < 102)
        return sign;
    const uint32_t mantissa = (magnitude & 0x7fffff) | 0x800000;
    const uint32_t shift = 126 - exponent; // 14..24
    uint32_t h = mantissa >> shift;
    const uint32_t rest = mantissa & ((1u << shift) - 1);
    const uint32_t half = 1u << (shift - 1);
    if (rest > half || (rest == half && (h & 1)))
        ++h;
    return uint16_t(sign | h);
}

} // namespace dlm
