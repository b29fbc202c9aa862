// IEEE half and bfloat16 conversions: hand-checked bit patterns, NaN handling, and exhaustive round trips.

#include "core/model/safetensors.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <limits>

namespace {

uint32_t floatBits(float f)
{
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    return bits;
}

float bitsToFloat(uint32_t bits)
{
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

} // namespace

class TestHalfFloat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void halfConversion_data()
    {
        QTest::addColumn<float>("value");
        QTest::addColumn<uint>("bits");
        QTest::addColumn<float>("back"); // what the half bits decode to

        const float inf = std::numeric_limits<float>::infinity();
        QTest::newRow("1") << 1.0f << 0x3c00u << 1.0f;
        QTest::newRow("-2") << -2.0f << 0xc000u << -2.0f;
        QTest::newRow("0") << 0.0f << 0x0000u << 0.0f;
        QTest::newRow("-0") << -0.0f << 0x8000u << -0.0f;
        QTest::newRow("max 65504") << 65504.0f << 0x7bffu << 65504.0f;
        QTest::newRow("65519 rounds down") << 65519.0f << 0x7bffu << 65504.0f;
        QTest::newRow("65520 ties to inf") << 65520.0f << 0x7c00u << inf;
        QTest::newRow("1e10 overflows") << 1e10f << 0x7c00u << inf;
        QTest::newRow("inf") << inf << 0x7c00u << inf;
        QTest::newRow("-inf") << -inf << 0xfc00u << -inf;
        QTest::newRow("smallest normal") << std::ldexp(1.0f, -14) << 0x0400u << std::ldexp(1.0f, -14);
        QTest::newRow("smallest subnormal") << std::ldexp(1.0f, -24) << 0x0001u << std::ldexp(1.0f, -24);
        QTest::newRow("largest subnormal") << 1023 * std::ldexp(1.0f, -24) << 0x03ffu << 1023 * std::ldexp(1.0f, -24);
        QTest::newRow("half of smallest ties to 0") << std::ldexp(1.0f, -25) << 0x0000u << 0.0f;
        QTest::newRow("just above half rounds up") << 1.5f * std::ldexp(1.0f, -25) << 0x0001u << std::ldexp(1.0f, -24);
        QTest::newRow("subnormal tie to even") << 3 * std::ldexp(1.0f, -25) << 0x0002u << std::ldexp(1.0f, -23);
        QTest::newRow("tiny flushes") << 1e-10f << 0x0000u << 0.0f;
        QTest::newRow("tie to even down") << 1.0f + std::ldexp(1.0f, -11) << 0x3c00u << 1.0f;
        QTest::newRow("tie to even up") << 1.0f + 3 * std::ldexp(1.0f, -11) << 0x3c02u << 1.0f + std::ldexp(1.0f, -9);
        QTest::newRow("above tie rounds up")
            << 1.0f + std::ldexp(1.0f, -11) + std::ldexp(1.0f, -20) << 0x3c01u << 1.0f + std::ldexp(1.0f, -10);
        QTest::newRow("carry into exponent") << 2.0f - std::ldexp(1.0f, -12) << 0x4000u << 2.0f;
        QTest::newRow("one third") << 1.0f / 3.0f << 0x3555u << 0.333251953125f;
    }

    void halfConversion()
    {
        QFETCH(float, value);
        QFETCH(uint, bits);
        QFETCH(float, back);
        QCOMPARE(uint(dlm::floatToHalf(value)), bits);
        // Compare bit patterns: QCOMPARE on floats is fuzzy and would not tell -0 from 0.
        QCOMPARE(floatBits(dlm::halfToFloat(uint16_t(bits))), floatBits(back));
    }

    void bf16Conversion_data()
    {
        QTest::addColumn<float>("value");
        QTest::addColumn<uint>("bits");

        const float inf = std::numeric_limits<float>::infinity();
        QTest::newRow("1") << 1.0f << 0x3f80u;
        QTest::newRow("-2") << -2.0f << 0xc000u;
        QTest::newRow("-0") << -0.0f << 0x8000u;
        QTest::newRow("inf") << inf << 0x7f80u;
        QTest::newRow("-inf") << -inf << 0xff80u;
        QTest::newRow("float max rounds to inf") << std::numeric_limits<float>::max() << 0x7f80u;
        QTest::newRow("smallest subnormal") << std::ldexp(1.0f, -133) << 0x0001u;
        QTest::newRow("tie to even down") << 1.0f + std::ldexp(1.0f, -8) << 0x3f80u;
        QTest::newRow("tie to even up") << 1.0f + 3 * std::ldexp(1.0f, -8) << 0x3f82u;
        QTest::newRow("above tie rounds up") << 1.0f + std::ldexp(1.0f, -8) + std::ldexp(1.0f, -20) << 0x3f81u;
    }

    void bf16Conversion()
    {
        QFETCH(float, value);
        QFETCH(uint, bits);
        QCOMPARE(uint(dlm::floatToBf16(value)), bits);
    }

    void nanStaysNan()
    {
        const float qnan = std::numeric_limits<float>::quiet_NaN();
        // A signalling-style NaN whose payload sits only in bits that both conversions drop.
        const float lowPayloadNan = bitsToFloat(0x7f800001u);
        for (float nan : {qnan, -qnan, lowPayloadNan}) {
            QVERIFY(std::isnan(dlm::halfToFloat(dlm::floatToHalf(nan))));
            QVERIFY(std::isnan(dlm::bf16ToFloat(dlm::floatToBf16(nan))));
        }
        QCOMPARE(std::signbit(dlm::halfToFloat(dlm::floatToHalf(-qnan))), true);
        QVERIFY(std::isnan(dlm::halfToFloat(0x7e00)));
        QVERIFY(std::isnan(dlm::halfToFloat(0x7c01)));
        QVERIFY(std::isnan(dlm::bf16ToFloat(0x7fc0)));
    }

    void everyHalfAndBf16RoundTrips()
    {
        // Every finite 16-bit pattern is exactly representable in float, so decode-then-encode is the identity.
        for (uint32_t b = 0; b < 0x10000; ++b) {
            const uint16_t h = uint16_t(b);
            if ((h & 0x7c00) != 0x7c00 || (h & 0x3ff) == 0)
                QCOMPARE(uint(dlm::floatToHalf(dlm::halfToFloat(h))), uint(h));
            if ((h & 0x7f80) != 0x7f80 || (h & 0x7f) == 0)
                QCOMPARE(uint(dlm::floatToBf16(dlm::bf16ToFloat(h))), uint(h));
        }
    }
};

QTEST_GUILESS_MAIN(TestHalfFloat)
#include "test_half_float.moc"
