// SPDX-License-Identifier: GPL-3.0-or-later
// F16 and BF16 conversions. References: the IEEE 754 binary16 definition
// (value = (-1)^s * 2^(e-15) * (1 + m/1024), subnormals 2^-14 * m/1024), evaluated
// here independently with std::ldexp in double precision, known bit patterns
// (1.0 = 0x3C00, 65504 = 0x7BFF, ...), and round-to-nearest-even checked against
// the two neighbouring representable values.
#include "core/error.h"
#include "model/half_float.h"

#include <QtTest/QtTest>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

using namespace rlrf::model;

namespace {

double binary16Value(std::uint16_t bits)
{
    const int sign = bits >> 15, exponent = (bits >> 10) & 0x1f, mantissa = bits & 0x3ff;
    double value;
    if (exponent == 0x1f)
        value = mantissa ? std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::infinity();
    else if (exponent == 0)
        value = std::ldexp(mantissa / 1024.0, -14);
    else
        value = std::ldexp(1.0 + mantissa / 1024.0, exponent - 15);
    return sign ? -value : value;
}

float bitsToFloat(std::uint32_t bits)
{
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

// `chosen` must be the nearest of its neighbours to x, and even on a tie.
template <typename Decode>
bool isNearestEven(double x, std::uint16_t chosen, Decode decode)
{
    const double mine = std::fabs(x - decode(chosen));
    for (int step : {-1, 1}) {
        const auto neighbour = static_cast<std::uint16_t>(chosen + step);
        const double other = decode(neighbour);
        if (std::isnan(other) || ((neighbour ^ chosen) & 0x8000))
            continue;
        const double theirs = std::fabs(x - other);
        if (theirs < mine || (theirs == mine && (chosen & 1)))
            return false;
    }
    return true;
}

} // namespace

class TestHalfFloat : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void knownHalfPatterns()
    {
        QCOMPARE(halfToFloat(0x3C00), 1.0f);
        QCOMPARE(halfToFloat(0xC000), -2.0f);
        QCOMPARE(halfToFloat(0x7BFF), 65504.0f);
        QCOMPARE(halfToFloat(0x0400), std::ldexp(1.0f, -14));
        QCOMPARE(halfToFloat(0x0001), std::ldexp(1.0f, -24));
        QVERIFY(std::isinf(halfToFloat(0x7C00)) && halfToFloat(0xFC00) < 0);
        QVERIFY(std::isnan(halfToFloat(0x7E00)));
        QCOMPARE(floatToHalf(1.0f), std::uint16_t(0x3C00));
        QCOMPARE(floatToHalf(65504.0f), std::uint16_t(0x7BFF));
        QCOMPARE(floatToHalf(65519.0f), std::uint16_t(0x7BFF));
        QCOMPARE(floatToHalf(65520.0f), std::uint16_t(0x7C00)); // rounds up into infinity
        QCOMPARE(floatToHalf(1.0f + std::ldexp(1.0f, -11)), std::uint16_t(0x3C00)); // tie -> even
        QCOMPARE(floatToHalf(1.0f + 3 * std::ldexp(1.0f, -11)), std::uint16_t(0x3C02)); // tie -> even (up)
        QCOMPARE(floatToHalf(std::ldexp(1.0f, -25)), std::uint16_t(0x0000)); // tie with zero -> zero
        QCOMPARE(floatToHalf(std::ldexp(1.5f, -25)), std::uint16_t(0x0001));
        QCOMPARE(floatToHalf(-0.0f), std::uint16_t(0x8000));
        QCOMPARE(floatToHalf(1e-30f), std::uint16_t(0x0000));
        QVERIFY((floatToHalf(std::numeric_limits<float>::quiet_NaN()) & 0x7fff) > 0x7C00);
        QVERIFY((floatToHalf(bitsToFloat(0x7f800001)) & 0x7fff) > 0x7C00); // NaN payload below F16 precision
    }

    void everyHalfDecodesPerTheDefinitionAndRoundTrips()
    {
        for (std::uint32_t bits = 0; bits <= 0xffff; ++bits) {
            const auto h = static_cast<std::uint16_t>(bits);
            const double expected = binary16Value(h);
            const float f = halfToFloat(h);
            if (std::isnan(expected)) {
                QVERIFY(std::isnan(f));
                QVERIFY((floatToHalf(f) & 0x7fff) > 0x7C00);
                continue;
            }
            if (double(f) != expected || floatToHalf(f) != h)
                QFAIL(qPrintable(QStringLiteral("half 0x%1").arg(bits, 4, 16, QLatin1Char('0'))));
        }
    }

    void floatToHalfRoundsToNearestEven()
    {
        std::mt19937 rng(7);
        std::uniform_real_distribution<float> exponent(-26.0f, 16.5f);
        for (int i = 0; i < 200000; ++i) {
            const float x = std::ldexp(1.0f + (rng() % 8388608) / 8388608.0f, int(std::floor(exponent(rng))))
                            * ((rng() & 1) ? -1.0f : 1.0f);
            const std::uint16_t h = floatToHalf(x);
            if (std::fabs(x) < 65520.0f && !isNearestEven(x, h, binary16Value))
                QFAIL(qPrintable(QStringLiteral("%1 -> 0x%2").arg(double(x), 0, 'g', 12).arg(h, 4, 16, QLatin1Char('0'))));
        }
    }

    void bfloat16()
    {
        QCOMPARE(bfloat16ToFloat(0x3F80), 1.0f);
        QCOMPARE(bfloat16ToFloat(0xC000), -2.0f);
        QCOMPARE(floatToBfloat16(1.0f), std::uint16_t(0x3F80));
        QCOMPARE(floatToBfloat16(1.0f + std::ldexp(1.0f, -8)), std::uint16_t(0x3F80)); // tie -> even
        QCOMPARE(floatToBfloat16(1.0f + 3 * std::ldexp(1.0f, -8)), std::uint16_t(0x3F82));
        QCOMPARE(floatToBfloat16(std::numeric_limits<float>::infinity()), std::uint16_t(0x7F80));
        QCOMPARE(floatToBfloat16(bitsToFloat(0x7F7FFFFF)), std::uint16_t(0x7F80)); // FLT_MAX rounds to infinity
        QVERIFY(std::isnan(bfloat16ToFloat(floatToBfloat16(bitsToFloat(0x7f800001)))));
        const auto decode = [](std::uint16_t b) { return double(bfloat16ToFloat(b)); };
        for (std::uint32_t bits = 0; bits <= 0xffff; ++bits) {
            const auto b = static_cast<std::uint16_t>(bits);
            const float f = bfloat16ToFloat(b);
            if (!std::isnan(f) && floatToBfloat16(f) != b)
                QFAIL(qPrintable(QStringLiteral("bf16 0x%1").arg(bits, 4, 16)));
        }
        std::mt19937 rng(11);
        for (int i = 0; i < 200000; ++i) {
            const float x = bitsToFloat(static_cast<std::uint32_t>(rng())); // any float, both signs
            // Beyond the largest finite bfloat16 (0x7F7F) values round to infinity instead.
            if (std::isfinite(x) && std::fabs(x) < 3.389e38f && !isNearestEven(x, floatToBfloat16(x), decode))
                QFAIL(qPrintable(QStringLiteral("%1 -> 0x%2").arg(double(x)).arg(floatToBfloat16(x), 4, 16)));
        }
    }

    void tensorConversions()
    {
        const std::vector<float> values = {0.0f, 1.0f, -2.5f, 0.333333f, 1024.0f, -1e-3f};
        for (Dtype dtype : {Dtype::F32, Dtype::F16, Dtype::BF16}) {
            const auto bytes = fromFloat32(values.data(), values.size(), dtype);
            QCOMPARE(bytes.size(), values.size() * dtypeSize(dtype));
            TensorView view;
            view.name = "v";
            view.dtype = dtype;
            view.shape = {2, 3};
            view.data = bytes.data();
            view.byteSize = bytes.size();
            const auto back = toFloat32(view);
            QCOMPARE(back.size(), values.size());
            const double tolerance = dtype == Dtype::F32 ? 0.0 : dtype == Dtype::F16 ? 1.0 / 2048 : 1.0 / 256;
            for (std::size_t i = 0; i < values.size(); ++i)
                QVERIFY2(std::fabs(back[i] - values[i]) <= tolerance * std::fabs(values[i]),
                         qPrintable(QStringLiteral("%1: %2 vs %3").arg(QLatin1String(dtypeName(dtype))).arg(back[i]).arg(values[i])));
        }
        // Little-endian bytes: 1.0 in F16 is 0x3C00 -> 00 3C.
        const float one = 1.0f;
        QCOMPARE(fromFloat32(&one, 1, Dtype::F16), (std::vector<std::uint8_t>{0x00, 0x3C}));
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, fromFloat32(&one, 1, Dtype::I32));
        TensorView ints;
        ints.name = "ids";
        ints.dtype = Dtype::I64;
        ints.shape = {1};
        std::int64_t id = 3;
        ints.data = &id;
        ints.byteSize = 8;
        try {
            toFloat32(ints);
            QFAIL("I64 was converted");
        } catch (const rlrf::Error &e) {
            QCOMPARE(e.source().field, std::string("ids"));
        }
    }
};

QTEST_GUILESS_MAIN(TestHalfFloat)
#include "tst_half_float.moc"
