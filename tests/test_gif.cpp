// The animated GIF encoder (core/gif_writer.h): its LZW image data and the structure of the files it writes,
// both checked by an independent reader and decoder (support/gif_reader.h). Core only: no GUI, no model.

#include "ui/export/gif_writer.h"

#include "support/gif_reader.h"

#include <QtTest>

#include <QRandomGenerator>

#include <stdexcept>

using namespace dlm;
using namespace dlm::testing;

class TestGif : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void lzwRoundTrip_data()
    {
        QTest::addColumn<int>("minCodeSize");
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("distinct");
        QTest::newRow("empty") << 2 << 0 << 4;
        QTest::newRow("one pixel") << 2 << 1 << 4;
        QTest::newRow("2-bit noise") << 2 << 5000 << 4;
        QTest::newRow("8-bit noise, table resets") << 8 << 60000 << 256;
        QTest::newRow("runs, long strings") << 8 << 200000 << 3;
    }
    void lzwRoundTrip()
    {
        QFETCH(int, minCodeSize);
        QFETCH(int, count);
        QFETCH(int, distinct);
        QRandomGenerator rng(42);
        std::vector<uint8_t> pixels(static_cast<size_t>(count));
        for (size_t i = 0; i < pixels.size(); ++i) {
            // With few colours, long runs: what flat chip fills look like.
            pixels[i] = distinct <= 3 ? static_cast<uint8_t>((i / 37) % static_cast<size_t>(distinct))
                                      : static_cast<uint8_t>(rng.bounded(distinct));
        }
        const std::string encoded = gifLzwEncode(pixels.data(), pixels.size(), minCodeSize);
        QCOMPARE(static_cast<int>(static_cast<uint8_t>(encoded[0])), minCodeSize);
        std::vector<uint8_t> decoded;
        QString error;
        QVERIFY2(decodeImageData(encoded, &decoded, &error), qPrintable(error));
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
};

QTEST_MAIN(TestGif)
#include "test_gif.moc"
