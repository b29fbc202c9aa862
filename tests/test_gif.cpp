// The animated GIF writer (ui/figures/gif_writer.h, on giflib): the image data and the structure of the files it
// writes, both checked by an independent reader and decoder (support/gif_reader.h). No GUI, no model.

#include "ui/figures/gif_writer.h"
#include "ui/figures/palette_mapper.h"

#include "support/gif_reader.h"

#include <QtTest>

#include <QImage>
#include <QRandomGenerator>

#include <stdexcept>

using namespace dlm;
using namespace dlm::testing;

class TestGif : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // The LZW coding is giflib's; these rows check that what the writer hands it comes back pixel for pixel
    // through the independent decoder, across code widths, table resets and long runs.
    void lzwRoundTrip_data()
    {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("colours");
        QTest::addColumn<int>("minCodeSize");
        QTest::newRow("one pixel") << 1 << 1 << 1 << 2;
        QTest::newRow("2-bit noise") << 100 << 50 << 3 << 2;
        QTest::newRow("8-bit noise, table resets") << 300 << 200 << 256 << 8;
        QTest::newRow("runs, long strings") << 500 << 400 << 3 << 2;
    }
    void lzwRoundTrip()
    {
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(int, colours);
        QFETCH(int, minCodeSize);
        QRandomGenerator rng(42);
        std::vector<uint8_t> pixels(static_cast<size_t>(width) * static_cast<size_t>(height));
        for (size_t i = 0; i < pixels.size(); ++i) {
            // With few colours, long runs: what flat chip fills look like.
            pixels[i] = colours <= 3 && pixels.size() > 10000
                ? static_cast<uint8_t>((i / 37) % static_cast<size_t>(colours))
                : static_cast<uint8_t>(rng.bounded(colours));
        }
        std::vector<uint32_t> palette(static_cast<size_t>(colours));
        for (size_t i = 0; i < palette.size(); ++i)
            palette[i] = static_cast<uint32_t>(i * 0x010101);
        GifWriter gif(width, height, palette, -1);
        gif.addFrame(pixels, 10);
        gif.finish();
        GifFile parsed;
        QString error;
        QVERIFY2(parseGif(QByteArray::fromStdString(gif.takeBytes()), &parsed, &error), qPrintable(error));
        QVERIFY(!parsed.netscapeLoop); // loop count -1: play once
        QVERIFY(parsed.trailer);
        QCOMPARE(parsed.frames.size(), size_t(1));
        QCOMPARE(parsed.frames[0].minCodeSize, minCodeSize);
        std::vector<uint8_t> decoded;
        QVERIFY2(lzwDecode(parsed.frames[0].lzw, parsed.frames[0].minCodeSize, &decoded, &error), qPrintable(error));
        QCOMPARE(decoded, pixels);
    }

    void gifWriterStructure()
    {
        GifWriter gif(5, 3, {0xFFFFFF, 0x000000, 0xFF0000}, 0);
        QCOMPARE(gif.transparentIndex(), 3);
        std::vector<uint8_t> a(15, 0), b = a;
        b[7] = 2; // one pixel changes: the second frame is that pixel alone
        std::vector<uint8_t> c = b;
        c[0] = 1; // two corners change: the whole screen, the unchanged middle transparent
        c[14] = 1;
        gif.addFrame(a, 10);
        gif.addFrame(b, 20);
        gif.addFrame(b, 30); // nothing changes: still a frame
        gif.addFrame(c, 40);
        gif.finish();
        const QByteArray bytes = QByteArray::fromStdString(gif.takeBytes());
        GifFile parsed;
        QString error;
        QVERIFY2(parseGif(bytes, &parsed, &error), qPrintable(error));
        QCOMPARE(parsed.width, 5);
        QCOMPARE(parsed.height, 3);
        QCOMPARE(parsed.palette.size(), size_t(4)); // padded to a power of two
        QCOMPARE(parsed.palette[2], 0xFF0000u);
        QVERIFY(parsed.netscapeLoop);
        QCOMPARE(parsed.loopCount, 0);
        QCOMPARE(parsed.frames.size(), size_t(4));
        QCOMPARE(parsed.frames[0].width, 5);
        QCOMPARE(parsed.frames[1].left, 2);
        QCOMPARE(parsed.frames[1].top, 1);
        QCOMPARE(parsed.frames[1].width, 1);
        QCOMPARE(parsed.frames[1].height, 1);
        QCOMPARE(parsed.frames[2].width, 1);
        QCOMPARE(parsed.frames[0].delay, 10);
        QCOMPARE(parsed.frames[2].delay, 30);
        QCOMPARE(parsed.frames[1].disposal, 1);
        std::vector<uint32_t> screen;
        QVERIFY2(composite(parsed, 2, &screen, &error), qPrintable(error));
        QCOMPARE(screen[7], 0xFF0000u);
        QCOMPARE(screen[0], 0xFFFFFFu);
        QCOMPARE(parsed.frames[0].transparent, -1);
        QCOMPARE(parsed.frames[3].transparent, 3);
        QCOMPARE(parsed.frames[3].width, 5);
        QVERIFY2(composite(parsed, 3, &screen, &error), qPrintable(error));
        QCOMPARE(screen[0], 0x000000u);
        QCOMPARE(screen[14], 0x000000u);
        QCOMPARE(screen[7], 0xFF0000u); // kept from frame 1 through the transparent pixels
        QCOMPARE(screen[8], 0xFFFFFFu);

        QCOMPARE(gifDelayFromFps(4.0), 25);
        QCOMPARE(gifDelayFromFps(100.0), 2); // browsers slow anything faster down to 10
        QVERIFY_THROWS_EXCEPTION(std::logic_error, gif.addFrame(a, 10)); // after finish()
        GifWriter other(5, 3, {0xFFFFFF});
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, other.addFrame(std::vector<uint8_t>(14, 0), 10));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, other.addFrame(std::vector<uint8_t>(15, 2), 10));
    }

    // The mapping of frames onto the palette is QImage's (ui/figures/palette_mapper.h): exact colours stay
    // exact, in-between colours go to the nearest entry, and the padded rows of the indexed image are not
    // copied into the frame.
    void paletteMapper()
    {
        PaletteMapper mapper({0xFFFFFF, 0x000000, 0xE69F00, 0x808080, 0xE69F00});
        QImage image(3, 2, QImage::Format_RGB32); // 3 indices per row: the indexed image pads them to 4
        const QRgb row0[] = {qRgb(0xFF, 0xFF, 0xFF), qRgb(0xE6, 0x9F, 0x00), qRgb(0, 0, 0)};
        const QRgb row1[] = {qRgb(0x7C, 0x82, 0x7F), qRgb(0xFE, 0xFE, 0xFD), qRgb(0xE0, 0xA0, 0x08)};
        for (int x = 0; x < 3; ++x) {
            image.setPixel(x, 0, row0[x]);
            image.setPixel(x, 1, row1[x]);
        }
        // The duplicate orange at index 4 never wins: the first of equally close entries does.
        QCOMPARE(mapper.map(image), (std::vector<uint8_t> {0, 2, 1, 3, 0, 2}));
        QCOMPARE(mapper.indexOf(0x808080), uint8_t(3));
        QCOMPARE(mapper.indexOf(0xFF000000u | 0x000000), uint8_t(1)); // the alpha byte is ignored
        QCOMPARE(mapper.palette()[2], 0xE69F00u);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, PaletteMapper({}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, PaletteMapper(std::vector<uint32_t>(257, 0)));
    }
};

QTEST_MAIN(TestGif)
#include "test_gif.moc"
