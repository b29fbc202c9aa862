#include "portable_normal.h"

#include <cstring>

namespace dlm::testing {

PortableNormal::PortableNormal(uint64_t seed)
    : m_engine(seed)
{
}

double PortableNormal::next()
{
    double sum = 0.0;
    for (int i = 0; i < 12; ++i)
        sum += double(m_engine() >> 11) * 0x1.0p-53; // 53 random bits -> [0, 1), exactly
    return sum - 6.0;
}

void appendValue(std::vector<uint8_t> &bytes, float value, TensorDType dtype)
{
    if (dtype == TensorDType::F32) {
        uint32_t bits;
        std::memcpy(&bits, &value, sizeof bits);
        for (int i = 0; i < 4; ++i)
            bytes.push_back(uint8_t(bits >> (8 * i)));
        return;
    }
    const uint16_t half = dtype == TensorDType::F16 ? floatToHalf(value) : floatToBf16(value);
    bytes.push_back(uint8_t(half & 0xff));
    bytes.push_back(uint8_t(half >> 8));
}

} // namespace dlm::testing
