#pragma once
// An independent GIF reader: enough of GIF89a to check what the writer produced, with a plain LZW decoder
// written from the GIF specification, not from the encoder. Header-only and QtCore only: the GIF encoder
// tests (no GUI) and the animation export tests (dlmui) both read their GIFs with it.

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dlm::testing {

struct GifFrame
{
    int left = 0, top = 0, width = 0, height = 0;
    int delay = -1; ///< from the graphic control extension before the image
    int disposal = -1;
    int transparent = -1; ///< the transparent index, -1 for none
    QByteArray lzw; ///< the image data's sub-blocks joined
    int minCodeSize = 0;
};

struct GifFile
{
    int width = 0, height = 0;
    std::vector<uint32_t> palette;
    bool netscapeLoop = false;
    int loopCount = -1;
    std::vector<GifFrame> frames;
    bool trailer = false;
};

inline int u16(const QByteArray &b, int at)
{
    return static_cast<uint8_t>(b[at]) | (static_cast<uint8_t>(b[at + 1]) << 8);
}

/** Joins the sub-blocks starting at `at` (up to the zero-length terminator); false when the file ends first. */
inline bool readSubBlocks(const QByteArray &b, int &at, QByteArray *data)
{
    while (at < b.size()) {
        const int n = static_cast<uint8_t>(b[at++]);
        if (n == 0)
            return true;
        if (at + n > b.size())
            return false;
        if (data)
            data->append(b.mid(at, n));
        at += n;
    }
    return false;
}

inline bool parseGif(const QByteArray &b, GifFile *gif, QString *error)
{
    auto fail = [error](const QString &why) {
        *error = why;
        return false;
    };
    if (b.size() < 13 || !b.startsWith("GIF89a"))
        return fail(QStringLiteral("no GIF89a header"));
    gif->width = u16(b, 6);
    gif->height = u16(b, 8);
    const int packed = static_cast<uint8_t>(b[10]);
    int at = 13;
    if (packed & 0x80) {
        const int entries = 1 << ((packed & 7) + 1);
        if (at + 3 * entries > b.size())
            return fail(QStringLiteral("palette cut off"));
        for (int i = 0; i < entries; ++i, at += 3)
            gif->palette.push_back(
                (uint32_t(uint8_t(b[at])) << 16) | (uint32_t(uint8_t(b[at + 1])) << 8) | uint8_t(b[at + 2]));
    }
    int delay = -1, disposal = -1, transparent = -1;
    while (at < b.size()) {
        const uint8_t block = static_cast<uint8_t>(b[at++]);
        if (block == 0x3B) {
            gif->trailer = true;
            return at == b.size() ? true : fail(QStringLiteral("bytes after the trailer"));
        }
        if (block == 0x21) {
            const uint8_t label = static_cast<uint8_t>(b[at++]);
            QByteArray data;
            if (label == 0xF9 && static_cast<uint8_t>(b[at]) == 4) {
                disposal = (static_cast<uint8_t>(b[at + 1]) >> 2) & 7;
                delay = u16(b, at + 2);
                transparent = (static_cast<uint8_t>(b[at + 1]) & 1) ? static_cast<uint8_t>(b[at + 4]) : -1;
            }
            if (label == 0xFF && b.mid(at, 12) == QByteArray("\x0bNETSCAPE2.0", 12)) {
                gif->netscapeLoop = true;
                gif->loopCount = u16(b, at + 14);
            }
            if (!readSubBlocks(b, at, &data))
                return fail(QStringLiteral("extension cut off"));
            continue;
        }
        if (block != 0x2C)
            return fail(QStringLiteral("unknown block 0x%1").arg(block, 2, 16, QLatin1Char('0')));
        GifFrame f;
        f.left = u16(b, at);
        f.top = u16(b, at + 2);
        f.width = u16(b, at + 4);
        f.height = u16(b, at + 6);
        if (static_cast<uint8_t>(b[at + 8]) & 0x80)
            return fail(QStringLiteral("unexpected local palette"));
        at += 9;
        f.minCodeSize = static_cast<uint8_t>(b[at++]);
        f.delay = delay;
        f.disposal = disposal;
        f.transparent = transparent;
        if (!readSubBlocks(b, at, &f.lzw))
            return fail(QStringLiteral("image data cut off"));
        gif->frames.push_back(f);
        delay = disposal = transparent = -1;
    }
    return fail(QStringLiteral("no trailer"));
}

/** A plain LZW decoder, written from the GIF specification and independent of the encoder. */
inline bool lzwDecode(const QByteArray &data, int minCodeSize, std::vector<uint8_t> *out, QString *error)
{
    const int clear = 1 << minCodeSize, end = clear + 1;
    std::vector<std::vector<uint8_t>> dict;
    auto reset = [&] {
        dict.assign(static_cast<size_t>(clear + 2), {});
        for (int i = 0; i < clear; ++i)
            dict[static_cast<size_t>(i)] = {static_cast<uint8_t>(i)};
    };
    reset();
    int codeSize = minCodeSize + 1, prev = -1;
    long bitPos = 0;
    const long totalBits = static_cast<long>(data.size()) * 8;
    while (bitPos + codeSize <= totalBits) {
        int code = 0;
        for (int i = 0; i < codeSize; ++i, ++bitPos)
            code |= ((static_cast<uint8_t>(data[static_cast<int>(bitPos / 8)]) >> (bitPos % 8)) & 1) << i;
        if (code == clear) {
            reset();
            codeSize = minCodeSize + 1;
            prev = -1;
            continue;
        }
        if (code == end)
            return true;
        std::vector<uint8_t> entry;
        const int next = static_cast<int>(dict.size());
        if (prev < 0) {
            if (code >= clear) {
                *error = QStringLiteral("first code %1 is not a root").arg(code);
                return false;
            }
            entry = dict[static_cast<size_t>(code)];
        } else if (code < next) {
            entry = dict[static_cast<size_t>(code)];
            if (next < 4096) {
                std::vector<uint8_t> added = dict[static_cast<size_t>(prev)];
                added.push_back(entry[0]);
                dict.push_back(added);
            }
        } else if (code == next && next < 4096) {
            entry = dict[static_cast<size_t>(prev)];
            entry.push_back(entry[0]);
            dict.push_back(entry);
        } else {
            *error = QStringLiteral("code %1 beyond the table (%2)").arg(code).arg(next);
            return false;
        }
        out->insert(out->end(), entry.begin(), entry.end());
        if (static_cast<int>(dict.size()) == (1 << codeSize) && codeSize < 12)
            ++codeSize;
        prev = code;
    }
    *error = QStringLiteral("no end code");
    return false;
}

/** Gif image data as the writer lays it out: the min code size byte, then sub-blocks. */
inline bool decodeImageData(const std::string &encoded, std::vector<uint8_t> *out, QString *error)
{
    const QByteArray b = QByteArray::fromStdString(encoded);
    int at = 1;
    QByteArray data;
    if (!readSubBlocks(b, at, &data) || at != b.size()) {
        *error = QStringLiteral("bad sub-blocks");
        return false;
    }
    return lzwDecode(data, static_cast<uint8_t>(b[0]), out, error);
}

/** Frames of a GIF composited onto the screen in order (disposal "leave in place"), as palette colours. */
inline bool composite(const GifFile &gif, int upTo, std::vector<uint32_t> *screen, QString *error)
{
    screen->assign(static_cast<size_t>(gif.width) * static_cast<size_t>(gif.height), 0);
    for (int i = 0; i <= upTo; ++i) {
        const GifFrame &f = gif.frames[static_cast<size_t>(i)];
        std::vector<uint8_t> indices;
        if (!lzwDecode(f.lzw, f.minCodeSize, &indices, error))
            return false;
        if (indices.size() != static_cast<size_t>(f.width) * static_cast<size_t>(f.height)) {
            *error = QStringLiteral("frame %1 decodes to %2 pixels").arg(i).arg(indices.size());
            return false;
        }
        for (int y = 0; y < f.height; ++y) {
            for (int x = 0; x < f.width; ++x) {
                const uint8_t index = indices[static_cast<size_t>(y * f.width + x)];
                if (index == f.transparent)
                    continue; // shows what the previous frames left there
                (*screen)[static_cast<size_t>((f.top + y) * gif.width + f.left + x)] = gif.palette.at(index);
            }
        }
    }
    return true;
}

} // namespace dlm::testing
