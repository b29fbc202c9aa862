#pragma once
// An animated GIF (GIF89a) writer for indexed frames on top of giflib, which does the LZW compression and
// the block packing. What giflib leaves to its caller lives here: the fixed global palette, a delay per
// frame, the NETSCAPE2.0 loop extension, and frames cut down to the rectangle that changed. Colour
// quantisation is the caller's job (palette_mapper.h), because the caller knows which colours its pictures
// are made of.
//
// Bytes come out as they are made (takeBytes()), so a long animation streams to a file instead of growing in
// memory.

#include <cstdint>
#include <string>
#include <vector>

struct GifFileType;
struct GifColorType;

namespace dlm {

/** The GIF frame delay, in hundredths of a second, closest to `fps` frames per second (at least 2: browsers
 *  replace smaller delays by 10). */
int gifDelayFromFps(double fps);

/**
 * Writes one animation: construct, addFrame() for every frame, finish(). Frames after the first are stored
 * as the rectangle that changed since the previous frame (disposal "leave in place"), and when the palette
 * leaves room for one more entry, the unchanged pixels inside that rectangle are written as a transparent
 * index: long runs of one code, which LZW packs into almost nothing. A step-by-step animation, where most of
 * the picture stays, thus costs little more than its changes.
 */
class GifWriter
{
public:
    /**
     * `palette` holds 0xRRGGBB colours, 1 to 256 of them (255 or fewer leave room for the transparent index
     * that makes later frames small); `loopCount` 0 loops forever, n > 0 plays n + 1 times (the NETSCAPE2.0
     * convention), -1 writes no loop extension (play once). Width and height are 1..65535. Writes the header,
     * the palette and the loop extension.
     */
    GifWriter(int width, int height, std::vector<uint32_t> palette, int loopCount = 0);
    ~GifWriter();
    GifWriter(const GifWriter &) = delete; // giflib writes into m_out through a pointer to it
    GifWriter &operator=(const GifWriter &) = delete;

    int width() const { return m_width; }
    int height() const { return m_height; }
    int frameCount() const { return m_frames; }
    /** The index written for "unchanged since the previous frame", or -1 when the palette is full. */
    int transparentIndex() const { return m_transparent; }

    /** Adds a frame of width() x height() palette indices, row by row, shown for `delayCs` hundredths of a second. */
    void addFrame(const std::vector<uint8_t> &indices, int delayCs);
    /** Writes the trailer. No frame may be added afterwards. */
    void finish();
    /** The bytes made since the last call (all of them on the first call). */
    std::string takeBytes();

private:
    /** The screen descriptor with the global palette, and the loop extension unless `loopCount` is -1. */
    void writeHeader(const std::vector<GifColorType> &colours, int loopCount);
    void writeImage(
        int left, int top, int w, int h, const std::vector<uint8_t> &indices, int delayCs, bool useTransparency);
    /** Throws std::runtime_error naming `what` and giflib's reason when a giflib call failed. */
    void check(int result, const char *what) const;

    int m_width;
    int m_height;
    int m_colours; ///< the caller's palette size: valid frame indices are below it
    int m_transparent = -1;
    std::vector<uint8_t> m_previous;
    int m_frames = 0;
    GifFileType *m_gif = nullptr; ///< open until finish()
    std::string m_out;
};

} // namespace dlm
