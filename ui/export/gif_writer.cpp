#include "ui/export/gif_writer.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace dlm {

namespace {

constexpr int kMaxCodes = 4096; // GIF codes are at most 12 bits

void put16(std::string &out, int v)
{
    out += static_cast<char>(v & 0xFF);
    out += static_cast<char>((v >> 8) & 0xFF);
}

/** Packs variable-width codes least significant bit first and cuts them into GIF sub-blocks. */
class CodePacker
{
public:
    explicit CodePacker(std::string &out)
        : m_out(out)
    {
    }

    void put(int code, int bits)
    {
        m_acc |= static_cast<uint32_t>(code) << m_bits;
        m_bits += bits;
        while (m_bits >= 8) {
            pushByte(static_cast<uint8_t>(m_acc & 0xFF));
            m_acc >>= 8;
            m_bits -= 8;
        }
    }

    void flush()
    {
        if (m_bits > 0)
            pushByte(static_cast<uint8_t>(m_acc & 0xFF));
        m_acc = 0;
        m_bits = 0;
        if (m_fill > 0)
            emitBlock();
        m_out += '\0'; // block terminator
    }

private:
    void pushByte(uint8_t b)
    {
        m_block[m_fill++] = b;
        if (m_fill == 255)
            emitBlock();
    }
    void emitBlock()
    {
        m_out += static_cast<char>(m_fill);
        m_out.append(reinterpret_cast<const char *>(m_block), static_cast<size_t>(m_fill));
        m_fill = 0;
    }

    std::string &m_out;
    uint32_t m_acc = 0;
    int m_bits = 0;
    uint8_t m_block[255] = {};
    int m_fill = 0;
};

} // namespace

int gifDelayFromFps(double fps)
{
    if (!(fps > 0.0) || !std::isfinite(fps))
        return 100;
    const long delay = std::lround(100.0 / fps);
    return static_cast<int>(std::clamp<long>(delay, 2, 65535));
}

std::string gifLzwEncode(const uint8_t *indices, size_t count, int minCodeSize)
{
    if (minCodeSize < 2 || minCodeSize > 8)
        throw std::invalid_argument("gifLzwEncode: minimum code size must be 2..8");
    std::string out;
    out += static_cast<char>(minCodeSize);
    CodePacker packer(out);
    const int clearCode = 1 << minCodeSize;
    const int endCode = clearCode + 1;
    if (count == 0) {
        packer.put(clearCode, minCodeSize + 1);
        packer.put(endCode, minCodeSize + 1);
        packer.flush();
        return out;
    }

    // The dictionary as a trie: child[code * 256 + byte] is the code of (string of `code`) + byte, 0 for none
    // (0 is never a child: codes below the clear code are the single-byte roots).
    std::vector<uint16_t> child(static_cast<size_t>(kMaxCodes) * 256, 0);
    int codeSize = minCodeSize + 1;
    int lastCode = endCode; // the highest code in use
    packer.put(clearCode, codeSize);

    int prefix = indices[0];
    if (prefix >= clearCode)
        throw std::invalid_argument("gifLzwEncode: index out of range for the code size");
    for (size_t i = 1; i < count; ++i) {
        const int next = indices[i];
        if (next >= clearCode)
            throw std::invalid_argument("gifLzwEncode: index out of range for the code size");
        uint16_t &slot = child[static_cast<size_t>(prefix) * 256 + static_cast<size_t>(next)];
        if (slot != 0) {
            prefix = slot;
            continue;
        }
        packer.put(prefix, codeSize);
        slot = static_cast<uint16_t>(++lastCode);
        // The decoder adds its entries one code later, and widens when its next free code no longer fits; this
        // is the same moment seen from the encoder's side.
        if (lastCode >= (1 << codeSize) && codeSize < 12)
            ++codeSize;
        if (lastCode == kMaxCodes - 1) {
            // Table full: start over rather than keep coding with a stale dictionary.
            packer.put(clearCode, codeSize);
            std::fill(child.begin(), child.end(), 0);
            codeSize = minCodeSize + 1;
            lastCode = endCode;
        }
        prefix = next;
    }
    packer.put(prefix, codeSize);
    packer.put(endCode, codeSize);
    packer.flush();
    return out;
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
    const int entries = m_colours + (m_transparent >= 0 ? 1 : 0);
    int bits = 1;
    while ((1 << bits) < entries)
        ++bits;
    m_paletteSize = 1 << bits;
    m_minCodeSize = std::max(bits, 2);
    palette.resize(static_cast<size_t>(m_paletteSize), 0); // unused entries are black

    m_out = "GIF89a";
    put16(m_out, width);
    put16(m_out, height);
    m_out += static_cast<char>(0x80 | 0x70 | (bits - 1)); // global table, 8-bit colour resolution, its size
    m_out += '\0'; // background colour index
    m_out += '\0'; // square pixels
    for (uint32_t c : palette) {
        m_out += static_cast<char>((c >> 16) & 0xFF);
        m_out += static_cast<char>((c >> 8) & 0xFF);
        m_out += static_cast<char>(c & 0xFF);
    }
    if (loopCount >= 0) {
        m_out += "\x21\xFF\x0B";
        m_out += "NETSCAPE2.0";
        m_out += "\x03\x01";
        put16(m_out, std::min(loopCount, 65535));
        m_out += '\0';
    }
}

void GifWriter::addFrame(const std::vector<uint8_t> &indices, int delayCs)
{
    if (m_finished)
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
    // Graphic control extension: disposal 1 (leave the frame in place, so that transparent pixels show the
    // previous frame), the delay, and the transparent index when used.
    m_out += "\x21\xF9\x04";
    m_out += static_cast<char>((1 << 2) | (useTransparency ? 1 : 0));
    put16(m_out, std::clamp(delayCs, 0, 65535));
    m_out += static_cast<char>(useTransparency ? m_transparent : 0);
    m_out += '\0';

    m_out += '\x2C';
    put16(m_out, left);
    put16(m_out, top);
    put16(m_out, w);
    put16(m_out, h);
    m_out += '\0'; // no local palette, not interlaced

    std::vector<uint8_t> rect;
    rect.reserve(static_cast<size_t>(w) * static_cast<size_t>(h));
    for (int y = top; y < top + h; ++y) {
        const size_t row = static_cast<size_t>(y) * static_cast<size_t>(m_width);
        for (int x = left; x < left + w; ++x) {
            const size_t at = row + static_cast<size_t>(x);
            rect.push_back(
                useTransparency && indices[at] == m_previous[at] ? static_cast<uint8_t>(m_transparent) : indices[at]);
        }
    }
    m_out += gifLzwEncode(rect.data(), rect.size(), m_minCodeSize);
}

void GifWriter::finish()
{
    if (m_finished)
        return;
    m_out += '\x3B';
    m_finished = true;
}

std::string GifWriter::takeBytes()
{
    std::string bytes;
    bytes.swap(m_out);
    return bytes;
}

} // namespace dlm
