#include "ui/export/palette_mapper.h"

#include <limits>
#include <stdexcept>

namespace dlm {

namespace {

constexpr uint32_t kRgbMask = 0xFFFFFF;

int channel(uint32_t rgb, int shift)
{
    return static_cast<int>((rgb >> shift) & 0xFF);
}

/** Squared distance weighted by how much the eye cares about each channel ("redmean"), cheap and good
 *  enough to pick the right neighbour for an antialiased edge. */
long distance(uint32_t a, uint32_t b)
{
    const int r1 = channel(a, 16), r2 = channel(b, 16);
    const long rMean = (r1 + r2) / 2;
    const long dr = r1 - r2, dg = channel(a, 8) - channel(b, 8), db = channel(a, 0) - channel(b, 0);
    return ((512 + rMean) * dr * dr >> 8) + 4 * dg * dg + ((767 - rMean) * db * db >> 8);
}

} // namespace

PaletteMapper::PaletteMapper(std::vector<uint32_t> palette)
    : m_palette(std::move(palette))
{
    if (m_palette.empty() || m_palette.size() > 256)
        throw std::invalid_argument("PaletteMapper: the palette needs 1..256 colours");
    for (uint32_t &c : m_palette)
        c &= kRgbMask;
}

uint8_t PaletteMapper::nearest(uint32_t rgb) const
{
    long best = std::numeric_limits<long>::max();
    uint8_t bestIndex = 0;
    for (size_t i = 0; i < m_palette.size(); ++i) {
        const long d = distance(rgb, m_palette[i]);
        if (d < best) {
            best = d;
            bestIndex = static_cast<uint8_t>(i);
            if (d == 0)
                break;
        }
    }
    return bestIndex;
}

uint8_t PaletteMapper::indexOf(uint32_t rgb)
{
    rgb &= kRgbMask;
    const auto it = m_cache.find(rgb);
    if (it != m_cache.end())
        return it->second;
    const uint8_t index = nearest(rgb);
    m_cache.emplace(rgb, index);
    return index;
}

void PaletteMapper::map(const uint32_t *pixels, size_t count, uint8_t *out)
{
    // Runs of one colour are the norm (fills, background): skip the hash lookup while the colour repeats.
    uint32_t last = 0;
    uint8_t lastIndex = 0;
    bool haveLast = false;
    for (size_t i = 0; i < count; ++i) {
        const uint32_t rgb = pixels[i] & kRgbMask;
        if (!haveLast || rgb != last) {
            last = rgb;
            lastIndex = indexOf(rgb);
            haveLast = true;
        }
        out[i] = lastIndex;
    }
}

} // namespace dlm
