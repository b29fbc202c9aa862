#pragma once
// Maps true-colour pixels onto a fixed palette of at most 256 colours, for GIF frames. Pictures made of a
// known set of colours (the app's viridis steps, Okabe-Ito states, greys) keep those colours exactly; the
// few in-between colours of antialiased edges and text go to their nearest palette entry. No dithering:
// it would speckle flat chip fills and cost the LZW compression dearly.

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace dlm {

/** Nearest-colour lookup with a cache, since a picture repeats the same few colours many times. */
class PaletteMapper
{
public:
    /** `palette` holds 0xRRGGBB colours (1..256; the alpha byte is ignored). */
    explicit PaletteMapper(std::vector<uint32_t> palette);

    const std::vector<uint32_t> &palette() const { return m_palette; }
    /** The index of the palette colour closest to `rgb` (0xRRGGBB; the alpha byte is ignored). The first
     *  of equally close entries wins, so a colour that is in the palette maps to itself. */
    uint8_t indexOf(uint32_t rgb);
    /** Maps `count` pixels (0xAARRGGBB or 0xRRGGBB) to palette indices. */
    void map(const uint32_t *pixels, size_t count, uint8_t *out);

private:
    uint8_t nearest(uint32_t rgb) const;

    std::vector<uint32_t> m_palette;
    std::unordered_map<uint32_t, uint8_t> m_cache;
};

} // namespace dlm
