#include "ui/figures/gif_writer.h"

#include <gif_lib.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace dlm {

namespace {

/** giflib's output function: everything it encodes is appended to the writer's buffer. */
int appendBytes(GifFileType *gif, const GifByteType *data, int length)
{
    static_cast<std::string *>(gif->UserData)
        ->append(reinterpret_cast<const char *>(data), static_cast<size_t>(length));
    return length;
}

} // namespace

int gifDelayFromFps(double fps)
{
    if (!(fps > 0.0) || !std::isfinite(fps))
        return 100;
    const long delay = std::lround(100.0 / fps);
    return static_cast<int>(std::clamp<long>(delay, 2, 65535));
}

GifWriter::GifWriter(int width, int height, std::vector<uint32_t> palette, int loopCount)
    : m_width(width)
    , m_height(height)
{
    if (width < 1 || width > 65535 || height < 1 || height > 65535)
        throw std::invalid_argument("GifWriter: width and height must be 1..65535");
    if (palette.empty() || palette.size() > 256)
        throw std::invalid_argument("GifWriter: the palette needs 1..256 colours");
    m_colours = static_cast<int>(palette.size());
    if (m_colours < 256)
        m_transparent = m_colours; // the entry after the caller's colours
    // GIF colour tables have a power-of-two size; the unused entries are black.
    const int entries = m_colours + (m_transparent >= 0 ? 1 : 0);
    std::vector<GifColorType> colours(static_cast<size_t>(1) << GifBitSize(entries), GifColorType {0, 0, 0});
    for (size_t i = 0; i < palette.size(); ++i) {
        const uint32_t c = palette[i];
        colours[i] = {static_cast<GifByteType>(c >> 16), static_cast<GifByteType>(c >> 8), static_cast<GifByteType>(c)};
    }

    int error = 0;
    m_gif = EGifOpen(&m_out, appendBytes, &error);
    if (!m_gif)
        throw std::runtime_error(std::string("GifWriter: giflib could not start: ") + GifErrorString(error));
    try {
        writeHeader(colours, loopCount);
    } catch (...) {
        EGifCloseFile(m_gif, &error); // a destructor does not run for a constructor that throws
        throw;
    }
}

void GifWriter::writeHeader(const std::vector<GifColorType> &colours, int loopCount)
{
    EGifSetGifVersion(m_gif, true); // GIF89a: the delays and the transparency need it
    ColorMapObject *map = GifMakeMapObject(static_cast<int>(colours.size()), colours.data());
    const int screen = map ? EGifPutScreenDesc(m_gif, m_width, m_height, 8, 0, map) : GIF_ERROR;
    GifFreeMapObject(map); // giflib keeps its own copy
    check(screen, "the screen descriptor");
    if (loopCount >= 0) {
        const int loops = std::min(loopCount, 65535);
        const GifByteType loop[3] = {1, static_cast<GifByteType>(loops & 0xFF), static_cast<GifByteType>(loops >> 8)};
        check(EGifPutExtensionLeader(m_gif, APPLICATION_EXT_FUNC_CODE), "the loop extension");
        check(EGifPutExtensionBlock(m_gif, 11, "NETSCAPE2.0"), "the loop extension");
        check(EGifPutExtensionBlock(m_gif, 3, loop), "the loop extension");
        check(EGifPutExtensionTrailer(m_gif), "the loop extension");
    }
}

GifWriter::~GifWriter()
{
    if (m_gif) {
        int error = 0;
        EGifCloseFile(m_gif, &error); // frees giflib's state; the trailer it writes goes nowhere
    }
}

void GifWriter::check(int result, const char *what) const
{
    if (result == GIF_ERROR)
        throw std::runtime_error(std::string("GifWriter: giflib failed to write ") + what + ": "
            + (m_gif ? GifErrorString(m_gif->Error) : "unknown error"));
}

void GifWriter::addFrame(const std::vector<uint8_t> &indices, int delayCs)
{
    if (!m_gif)
        throw std::logic_error("GifWriter: frame added after finish()");
    if (indices.size() != static_cast<size_t>(m_width) * static_cast<size_t>(m_height))
        throw std::invalid_argument("GifWriter: frame size does not match the screen");
    for (uint8_t i : indices) {
        if (i >= m_colours)
            throw std::invalid_argument("GifWriter: index outside the palette");
    }

    int left = 0, top = 0, right = m_width - 1, bottom = m_height - 1;
    if (!m_previous.empty()) {
        // The bounding box of what changed; an unchanged frame still gets a 1x1 image so that it keeps its
        // place (and its delay) in the animation.
        left = m_width;
        top = m_height;
        right = -1;
        bottom = -1;
        for (int y = 0; y < m_height; ++y) {
            const size_t row = static_cast<size_t>(y) * static_cast<size_t>(m_width);
            for (int x = 0; x < m_width; ++x) {
                if (indices[row + static_cast<size_t>(x)] != m_previous[row + static_cast<size_t>(x)]) {
                    left = std::min(left, x);
                    right = std::max(right, x);
                    top = std::min(top, y);
                    bottom = std::max(bottom, y);
                }
            }
        }
        if (right < 0)
            left = right = top = bottom = 0;
    }
    writeImage(
        left, top, right - left + 1, bottom - top + 1, indices, delayCs, !m_previous.empty() && m_transparent >= 0);
    m_previous = indices;
    ++m_frames;
}

void GifWriter::writeImage(
    int left, int top, int w, int h, const std::vector<uint8_t> &indices, int delayCs, bool useTransparency)
{
    // Disposal "do not dispose" leaves the frame in place, so that transparent pixels show the previous one.
    GraphicsControlBlock control;
    control.DisposalMode = DISPOSE_DO_NOT;
    control.UserInputFlag = false;
    control.DelayTime = std::clamp(delayCs, 0, 65535);
    control.TransparentColor = useTransparency ? m_transparent : NO_TRANSPARENT_COLOR;
    GifByteType extension[4];
    const size_t length = EGifGCBToExtension(&control, extension);
    check(EGifPutExtension(m_gif, GRAPHICS_EXT_FUNC_CODE, static_cast<int>(length), extension), "a frame's delay");

    std::vector<GifPixelType> rect;
    rect.reserve(static_cast<size_t>(w) * static_cast<size_t>(h));
    for (int y = top; y < top + h; ++y) {
        const size_t row = static_cast<size_t>(y) * static_cast<size_t>(m_width);
        for (int x = left; x < left + w; ++x) {
            const size_t at = row + static_cast<size_t>(x);
            rect.push_back(
                useTransparency && indices[at] == m_previous[at] ? static_cast<uint8_t>(m_transparent) : indices[at]);
        }
    }
    check(EGifPutImageDesc(m_gif, left, top, w, h, false, nullptr), "a frame's position");
    // One call for the whole rectangle: giflib counts pixels, not rows, and LZW-codes them as they come.
    check(EGifPutLine(m_gif, rect.data(), static_cast<int>(rect.size())), "a frame's pixels");
}

void GifWriter::finish()
{
    if (!m_gif)
        return;
    int error = 0;
    const int result = EGifCloseFile(m_gif, &error); // writes the trailer and frees giflib's state
    m_gif = nullptr;
    if (result == GIF_ERROR)
        throw std::runtime_error(std::string("GifWriter: giflib failed to finish the file: ") + GifErrorString(error));
}

std::string GifWriter::takeBytes()
{
    std::string bytes;
    bytes.swap(m_out);
    return bytes;
}

} // namespace dlm
