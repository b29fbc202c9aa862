#pragma once
// Maps pictures onto a fixed palette of at most 256 colours, for GIF frames, with QImage's own conversion to
// an indexed image. Pictures made of a known set of colours (the app's viridis steps, Okabe-Ito states,
// greys) keep those colours exactly; the few in-between colours of antialiased edges and text go to their
// nearest palette entry. No dithering: it would speckle flat chip fills and cost the LZW compression dearly.

#include <QList>
#include <QRgb>

#include <cstdint>
#include <vector>

class QImage;

namespace dlm {

/** A fixed palette and the mapping of images onto it (nearest colour, exact colours to themselves). */
class PaletteMapper
{
public:
    /** `palette` holds 0xRRGGBB colours (1..256; the alpha byte is ignored). */
    explicit PaletteMapper(std::vector<uint32_t> palette);

    const std::vector<uint32_t> &palette() const { return m_palette; }
    /** The palette indices of `image`'s pixels, row by row. Throws std::runtime_error if Qt cannot convert it. */
    std::vector<uint8_t> map(const QImage &image) const;
    /** The index of the palette colour closest to `rgb` (0xRRGGBB; the alpha byte is ignored). */
    uint8_t indexOf(uint32_t rgb) const;

private:
    std::vector<uint32_t> m_palette;
    QList<QRgb> m_colorTable; ///< the palette, opaque, as QImage wants it
};

} // namespace dlm
