#include "ui/figures/color_maps.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace dlm::colors {

namespace {

// Viridis (van der Walt & Smith, matplotlib) sampled at 11 evenly spaced points; linear interpolation
// between them stays within a just-noticeable difference of the full 256-entry table.
constexpr std::array<std::array<int, 3>, 11> kViridis{{
    {0x44, 0x01, 0x54},
    {0x48, 0x24, 0x75},
    {0x41, 0x44, 0x87},
    {0x35, 0x5F, 0x8D},
    {0x2A, 0x78, 0x8E},
    {0x21, 0x91, 0x8C},
    {0x22, 0xA8, 0x84},
    {0x44, 0xBF, 0x70},
    {0x7A, 0xD1, 0x51},
    {0xBD, 0xDF, 0x26},
    {0xFD, 0xE7, 0x25},
}};

} // namespace

QColor viridis(double t)
{
    if (std::isnan(t))
        return {};
    t = std::clamp(t, 0.0, 1.0);
    const double x = t * static_cast<double>(kViridis.size() - 1);
    const size_t i = std::min(static_cast<size_t>(x), kViridis.size() - 2);
    const double f = x - static_cast<double>(i);
    auto mix = [&](int c) {
        return static_cast<int>(std::lround(kViridis[i][c] * (1.0 - f) + kViridis[i + 1][c] * f));
    };
    return QColor(mix(0), mix(1), mix(2));
}

QColor textOn(const QColor &background)
{
    // Relative luminance (sRGB weights); viridis crosses 0.45 around t = 0.55.
    const double l = 0.2126 * background.redF() + 0.7152 * background.greenF() + 0.0722 * background.blueF();
    return l > 0.45 ? QColor(Qt::black) : QColor(Qt::white);
}

} // namespace dlm::colors
