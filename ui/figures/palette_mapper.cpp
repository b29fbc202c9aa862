#include "ui/figures/palette_mapper.h"

#include <QImage>

#include <cstring>
#include <stdexcept>

namespace dlm {

namespace {

constexpr uint32_t kRgbMask = 0xFFFFFF;

} // namespace

PaletteMapper::PaletteMapper(std::vector<uint32_t> palette)
    : m_palette(std::move(palette))
{
    if (m_palette.empty() || m_palette.size() > 256)
        throw std::invalid_argument("PaletteMapper: the palette needs 1..256 colours");
    for (uint32_t &c : m_palette) {
        c &= kRgbMask;
        // Opaque entries: QImage measures the distance in all four channels, and frames are opaque.
        m_colorTable.append(qRgb(qRed(c), qGreen(c), qBlue(c)));
    }
}

std::vector<uint8_t> PaletteMapper::map(const QImage &image) const
{
    // QImage picks the closest entry for each distinct colour (the first of equally close ones, so a colour
    // that is in the palette maps to itself); ThresholdDither keeps it from dithering.
    const QImage indexed = image.convertToFormat(
        QImage::Format_Indexed8, m_colorTable, Qt::ThresholdDither | Qt::ThresholdAlphaDither | Qt::AvoidDither);
    if (indexed.isNull() || indexed.format() != QImage::Format_Indexed8 || indexed.size() != image.size()
        || indexed.colorTable() != m_colorTable)
        throw std::runtime_error("PaletteMapper: Qt could not map the image onto the palette");
    const size_t w = static_cast<size_t>(image.width());
    std::vector<uint8_t> indices(w * static_cast<size_t>(image.height()));
    for (int y = 0; y < image.height(); ++y) // rows are padded to 4 bytes in the image, not in the frame
        std::memcpy(indices.data() + static_cast<size_t>(y) * w, indexed.constScanLine(y), w);
    return indices;
}

uint8_t PaletteMapper::indexOf(uint32_t rgb) const
{
    QImage pixel(1, 1, QImage::Format_RGB32);
    pixel.setPixel(0, 0, qRgb(qRed(rgb), qGreen(rgb), qBlue(rgb)));
    return map(pixel).front();
}

} // namespace dlm
