// The animation exports of a timeline: the animated GIF (read back by the independent reader in
// support/gif_reader.h; the writer itself is tested in test_gif.cpp) and PNG frames, the export dialog, and
// `dlmstudio-cli export` with the image formats, on the timeline of test_figures_fixture.h.

#include "ui/document/timeline_document.h"
#include "ui/export/export_dialog.h"
#include "ui/figures/animation_export.h"
#include "ui/figures/canvas_chips.h"
#include "ui/figures/committed_probabilities.h"
#include "ui/figures/figure_export.h"
#include "ui/figures/figure_style.h"
#include "ui/figures/gif_writer.h"
#include "ui/figures/palette_mapper.h"
#include "ui/views/canvas_view.h"

#include "core/export/timeline_csv.h"

#include "support/gif_reader.h"
#include "test_figures_fixture.h"

#include <QDir>
#include <QImageReader>
#include <QProcess>

#include <cmath>

using namespace dlm;
using namespace dlm::testing;

class TestFiguresAnimation : public FigureTestBase
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        makeTimeline();
        m_exe = QCoreApplication::applicationDirPath() + QStringLiteral("/dlmstudio-cli");
        QVERIFY2(QFileInfo(m_exe).isExecutable(), qPrintable(m_exe + QStringLiteral(" not built")));
    }

    // --- Animations ------------------------------------------------------------------------------------------

    void gifHasOneFramePerRecord_data()
    {
        QTest::addColumn<int>("branch");
        QTest::addColumn<int>("width");
        QTest::addColumn<double>("fps");
        QTest::newRow("root") << 0 << 320 << 4.0;
        QTest::newRow("fork, wide, fast") << 1 << 700 << 20.0;
    }
    void gifHasOneFramePerRecord()
    {
        QFETCH(int, branch);
        QFETCH(int, width);
        QFETCH(double, fps);
        AnimationOptions o;
        o.branch = branch;
        o.width = width;
        o.fps = fps;
        const auto size = animationFrameSize(m_timeline, o);
        QVERIFY2(size.ok(), size.error().c_str());
        QCOMPARE(size->width(), width);

        const QString file = path(QStringLiteral("run-%1.gif").arg(branch));
        int lastDone = -1, total = -1;
        QElapsedTimer timer;
        timer.start();
        const Status done = exportAnimation(m_timeline, o, AnimationFormat::Gif, file, [&](int d, int t) {
            lastDone = d;
            total = t;
            return true;
        });
        QVERIFY2(done.ok(), done.error().c_str());
        const int records = m_timeline.branch(branch).size();
        QCOMPARE(total, records);
        QCOMPARE(lastDone, records);

        const QByteArray bytes = readAll(file);
        qInfo("GIF of %d frames at %dx%d: %lld bytes in %lld ms", records, size->width(), size->height(),
            static_cast<long long>(bytes.size()), static_cast<long long>(timer.elapsed()));
        GifFile gif;
        QString error;
        QVERIFY2(parseGif(bytes, &gif, &error), qPrintable(error));
        QCOMPARE(gif.width, width);
        QCOMPARE(gif.height, size->height());
        QVERIFY(gif.netscapeLoop);
        QCOMPARE(gif.loopCount, 0);
        QCOMPARE(static_cast<int>(gif.frames.size()), records);
        QCOMPARE(gif.frames.front().delay, gifDelayFromFps(fps));
        QCOMPARE(gif.frames.back().delay, 200); // the result stays two seconds before the loop restarts

        // The first frame is the whole screen; its corner is the white background.
        const GifFrame &first = gif.frames.front();
        QCOMPARE(first.width, gif.width);
        QCOMPARE(first.height, gif.height);
        std::vector<uint8_t> indices;
        QVERIFY2(lzwDecode(first.lzw, first.minCodeSize, &indices, &error), qPrintable(error));
        QCOMPARE(indices.size(), static_cast<size_t>(gif.width) * static_cast<size_t>(gif.height));
        QCOMPARE(gif.palette.at(indices[0]), 0xFFFFFFu);

        // Every frame put together gives the last picture: the PNG frame of the last record, mapped onto the
        // palette pixel for pixel (checks the LZW, the changed-rectangle frames and the quantisation).
        const QString frames = path(QStringLiteral("frames-for-gif-%1").arg(branch));
        QVERIFY(exportAnimation(m_timeline, o, AnimationFormat::Frames, frames).ok());
        const QImage lastPng
            = QImage(QDir(frames).filePath(animationFrameName(records - 1))).convertToFormat(QImage::Format_RGB32);
        QCOMPARE(lastPng.size(), *size);
        std::vector<uint32_t> screen;
        QVERIFY2(composite(gif, records - 1, &screen, &error), qPrintable(error));
        PaletteMapper mapper(animationPalette());
        int wrong = 0;
        for (int y = 0; y < lastPng.height(); ++y) {
            for (int x = 0; x < lastPng.width(); ++x) {
                const uint32_t expected = mapper.palette()[mapper.indexOf(rgbOf(lastPng.pixel(x, y)))];
                wrong += screen[static_cast<size_t>(y * gif.width + x)] != expected ? 1 : 0;
            }
        }
        QCOMPARE(wrong, 0);

        // Qt's own GIF reader agrees: frame count, size, and the last frame pixel for pixel.
        QImageReader reader(file, "gif");
        QVERIFY(reader.supportsAnimation());
        QCOMPARE(reader.imageCount(), records);
        QImage frame;
        for (int i = 0; i < records; ++i)
            QVERIFY2(reader.read(&frame), qPrintable(reader.errorString()));
        frame = frame.convertToFormat(QImage::Format_RGB32);
        QCOMPARE(frame.size(), *size);
        int differ = 0;
        for (int y = 0; y < frame.height(); ++y) {
            for (int x = 0; x < frame.width(); ++x)
                differ += rgbOf(frame.pixel(x, y)) != screen[static_cast<size_t>(y * gif.width + x)] ? 1 : 0;
        }
        QCOMPARE(differ, 0);
    }

    void framesWriteOnePngPerRecord()
    {
        AnimationOptions o;
        o.branch = 1;
        o.width = 300;
        const QString folder = path(QStringLiteral("frames/new/deep"));
        const Status done = exportAnimation(m_timeline, o, AnimationFormat::Frames, folder);
        QVERIFY2(done.ok(), done.error().c_str());
        const QStringList files = QDir(folder).entryList(QDir::Files | QDir::Hidden, QDir::Name);
        const int records = m_timeline.branch(1).size();
        QCOMPARE(files.size(), records);
        QCOMPARE(files.front(), QStringLiteral("frame-0000.png"));
        QCOMPARE(files.back(), animationFrameName(records - 1));
        const QSize size = *animationFrameSize(m_timeline, o);
        for (const QString &f : files) {
            QImage image;
            QVERIFY2(image.load(QDir(folder).filePath(f), "PNG"), qPrintable(f));
            QCOMPARE(image.size(), size);
        }
    }

    void cancelLeavesNothing_data()
    {
        QTest::addColumn<bool>("gif");
        QTest::addColumn<bool>("existing");
        QTest::newRow("gif") << true << false;
        QTest::newRow("gif over an existing file") << true << true;
        QTest::newRow("frames") << false << false;
    }
    void cancelLeavesNothing()
    {
        QFETCH(bool, gif);
        QFETCH(bool, existing);
        QTemporaryDir dir;
        const QString target = dir.filePath(gif ? QStringLiteral("run.gif") : QStringLiteral("frames"));
        if (existing) {
            QFile old(target);
            QVERIFY(old.open(QIODevice::WriteOnly));
            old.write("the previous export");
        }
        int calls = 0;
        bool cancelled = false;
        const Status done = exportAnimation(
            m_timeline, AnimationOptions(), gif ? AnimationFormat::Gif : AnimationFormat::Frames, target,
            [&calls](int d, int) {
                ++calls;
                return d < 3; // the user presses Cancel after the third frame
            },
            &cancelled);
        QVERIFY(!done.ok());
        QVERIFY(cancelled);
        QCOMPARE(QString::fromStdString(done.error()), QStringLiteral("export cancelled"));
        QCOMPARE(calls, 4); // 0 (start), 1, 2, 3
        const QStringList left = QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
        if (existing) {
            QCOMPARE(left, QStringList {QStringLiteral("run.gif")});
            QCOMPARE(readAll(target), QByteArray("the previous export"));
        } else {
            QVERIFY2(left.isEmpty(), qPrintable(left.join(QLatin1Char(' '))));
        }
    }

    void animationRefusesBadOptions()
    {
        AnimationOptions o;
        o.width = 10;
        QVERIFY(
            QString::fromStdString(checkAnimationOptions(m_timeline, o).error()).contains(QStringLiteral("width 10")));
        o = AnimationOptions();
        o.fps = 0;
        QVERIFY(QString::fromStdString(checkAnimationOptions(m_timeline, o).error())
                    .contains(QStringLiteral("frame rate")));
        o = AnimationOptions();
        o.branch = 3;
        QVERIFY(
            QString::fromStdString(checkAnimationOptions(m_timeline, o).error()).contains(QStringLiteral("branch 3")));
    }

    // --- The export dialog -----------------------------------------------------------------------------------

    void dialogWritesWhatTheExportersMake()
    {
        ExportDialog dialog(m_timeline, 1, 4);
        QCOMPARE(dialog.format(), QStringLiteral("json"));
        dialog.setFormat(QStringLiteral("csv"));
        dialog.setBranch(-1);
        const QString csv = path(QStringLiteral("dialog.csv"));
        dialog.setOutputPath(csv);
        QCOMPARE(dialog.exportNow(), QString());
        QCOMPARE(readAll(csv).toStdString(), *timelineToCsv(m_timeline));

        // Switching format keeps the name and changes the suffix.
        dialog.setFormat(QStringLiteral("png"));
        QCOMPARE(dialog.outputPath(), path(QStringLiteral("dialog.png")));
        dialog.setFigure(QStringLiteral("heatmap"));
        dialog.setFigureWidth(300);
        dialog.setScale(2.0);
        QCOMPARE(dialog.exportNow(), QString());
        QImage image;
        QVERIFY(image.load(path(QStringLiteral("dialog.png")), "PNG"));
        QCOMPARE(image.width(), 600);

        dialog.setFormat(QStringLiteral("gif"));
        QCOMPARE(dialog.outputPath(), path(QStringLiteral("dialog.gif")));
        dialog.setFigureWidth(200);
        QCOMPARE(dialog.exportNow(), QString());
        GifFile gif;
        QString error;
        QVERIFY2(parseGif(readAll(path(QStringLiteral("dialog.gif"))), &gif, &error), qPrintable(error));
        QCOMPARE(static_cast<int>(gif.frames.size()), m_timeline.branch(1).size()); // the dialog's branch

        dialog.setFormat(QStringLiteral("svg"));
        dialog.setOutputPath(path(QStringLiteral("missing/x.svg")));
        QVERIFY(dialog.exportNow().startsWith(QStringLiteral("cannot write ") + path(QStringLiteral("missing/x.svg"))));
    }

    // --- The command line ------------------------------------------------------------------------------------

    void cliWritesImages()
    {
        const QString png = path(QStringLiteral("cli.png"));
        ProcessResult r = runCli({QStringLiteral("--format"), QStringLiteral("png"), QStringLiteral("--figure"),
            QStringLiteral("plots"), QStringLiteral("--width"), QStringLiteral("300"), QStringLiteral("--height"),
            QStringLiteral("200"), QStringLiteral("--scale"), QStringLiteral("2"), QStringLiteral("--out"), png});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QImage image;
        QVERIFY(image.load(png, "PNG"));
        QCOMPARE(image.size(), QSize(600, 400));

        const QString gifPath = path(QStringLiteral("cli.gif"));
        r = runCli({QStringLiteral("--format"), QStringLiteral("gif"), QStringLiteral("--branch"), QStringLiteral("1"),
            QStringLiteral("--width"), QStringLiteral("240"), QStringLiteral("--fps"), QStringLiteral("10"),
            QStringLiteral("--out"), gifPath});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const int records = m_timeline.branch(1).size();
        QVERIFY2(r.err.contains(QStringLiteral("gif: frame %1 / %1").arg(records)), qPrintable(r.err));
        GifFile gif;
        QString error;
        QVERIFY2(parseGif(readAll(gifPath), &gif, &error), qPrintable(error));
        QCOMPARE(gif.width, 240);
        QCOMPARE(static_cast<int>(gif.frames.size()), records);
        QCOMPARE(gif.frames.front().delay, 10);

        const QString svg = path(QStringLiteral("cli.svg"));
        r = runCli({QStringLiteral("--format"), QStringLiteral("svg"), QStringLiteral("--step"), QStringLiteral("2"),
            QStringLiteral("--out"), svg});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(readAll(svg).contains("step 2 / 12"));
    }

    void cliAndAppWriteTheSameFigures_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("figure");
        for (const char *figure : {"canvas", "heatmap", "decisions", "plots"}) {
            QTest::newRow(qPrintable(QStringLiteral("png %1").arg(QLatin1String(figure))))
                << QStringLiteral("png") << QString::fromLatin1(figure);
            QTest::newRow(qPrintable(QStringLiteral("svg %1").arg(QLatin1String(figure))))
                << QStringLiteral("svg") << QString::fromLatin1(figure);
        }
    }
    void cliAndAppWriteTheSameFigures()
    {
        // One implementation: the CLI (a QGuiApplication, no widget library) and this process (a QApplication,
        // as the GUI's File > Export...) write the same bytes. PDFs carry their creation time, so not those.
        QFETCH(QString, format);
        QFETCH(QString, figure);
        const QString file = path(QStringLiteral("same-%1.%2").arg(figure, format));
        const ProcessResult r = runCli({QStringLiteral("--format"), format, QStringLiteral("--figure"), figure,
            QStringLiteral("--branch"), QStringLiteral("1"), QStringLiteral("--step"), QStringLiteral("4"),
            QStringLiteral("--out"), file});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        FigureOptions o;
        o.kind = *figureKindFromName(figure);
        o.branch = 1;
        o.record = 4;
        const auto bytes = renderFigure(m_timeline, o, *figureFormatFromName(format));
        QVERIFY2(bytes.ok(), bytes.error().c_str());
        QVERIFY(bytes->size() > 1000);
        QVERIFY(readAll(file) == *bytes);
    }

    void canvasFigureFollowsTheCanvasView()
    {
        // The figure and the window's CanvasView both build and wrap chips by canvas_chips.h, each from its own
        // inputs (the view's piece lookups, mask id, special test, font and width; the document's committed
        // probabilities): the two must agree on every chip (kind, text, glyphs, tint) and on where it goes,
        // record after record.
        TimelineDocument document;
        document.loadReplay(m_timeline, QString());
        QVERIFY(document.setBranch(1, 0));
        CanvasView view;
        view.setAttribute(Qt::WA_DontShowOnScreen);
        view.setFont(figure::font());
        view.setPieceText([&document](int32_t id) { return document.displayText(id); },
            [&document](int32_t id) { return document.rawPiece(id); });
        view.setMaskId(m_timeline.model.maskId);
        view.setSpecialTest([this](int32_t id) { return m_timeline.isSpecial(id); });
        ChipSpelling spelling;
        spelling.pieceText = [&document](int32_t id) { return document.displayText(id); };
        spelling.rawPiece = [&document](int32_t id) { return document.rawPiece(id); };
        spelling.maskId = m_timeline.model.maskId;
        spelling.isSpecial = [this](int32_t id) { return m_timeline.isSpecial(id); };
        TokenChipPainter painter(figure::font());
        const int width = 420;
        view.resize(width, 400);
        const Branch &branch = m_timeline.branch(1);
        for (int i = 0; i < branch.size(); ++i) {
            const std::vector<float> probabilities = committedProbabilities(branch, i);
            const std::vector<float> documents = document.committedProbabilities(i);
            QCOMPARE(probabilities.size(), documents.size());
            for (size_t k = 0; k < documents.size(); ++k)
                QVERIFY((std::isnan(probabilities[k]) && std::isnan(documents[k])) || probabilities[k] == documents[k]);
            view.setRecord(branch.records[static_cast<size_t>(i)], probabilities);
            int masked = 0;
            const std::vector<TokenChip> chips = canvasChips(branch.at(i), spelling, probabilities, false, &masked);
            QCOMPARE(static_cast<int>(chips.size()), view.chipCount());
            QCOMPARE(masked, view.maskedCount());
            std::vector<qreal> widths;
            for (const TokenChip &c : chips)
                widths.push_back(painter.chipWidth(c));
            std::vector<QRectF> rects;
            const int height = layoutCanvasChips(chips, widths, painter.chipHeight(), width, &rects);
            QCOMPARE(height, view.heightForWidth(width));
            for (int pos = 0; pos < view.chipCount(); ++pos) {
                const TokenChip &a = chips[static_cast<size_t>(pos)];
                const TokenChip &b = *view.chip(pos);
                const QString where = QStringLiteral("record %1 position %2").arg(i).arg(pos);
                QVERIFY2(a.kind == b.kind && a.text == b.text && a.wordStart == b.wordStart
                        && a.breakAfter == b.breakAfter && a.remasked == b.remasked && a.newThisStep == b.newThisStep
                        && a.edited == b.edited && a.locked == b.locked && a.special == b.special,
                    qPrintable(where));
                QVERIFY2((std::isnan(a.tint) && std::isnan(b.tint)) || a.tint == b.tint, qPrintable(where));
                QCOMPARE(rects[static_cast<size_t>(pos)], view.chipRect(pos));
            }
        }
    }

    void cliRefusesBadImageOptions_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const auto L = [](const char *s) { return QString::fromLatin1(s).split(QLatin1Char(' ')); };
        QTest::newRow("bad figure") << L("--format png --figure pie --out DIR/x.png")
                                    << "--figure: expected canvas, heatmap, decisions or plots, got \"pie\"";
        QTest::newRow("no out") << L("--format gif") << "--format gif needs --out PATH";
        QTest::newRow("scale on svg") << L("--format svg --scale 2 --out DIR/x.svg") << "--scale applies to png only";
        QTest::newRow("fps on png") << L("--format png --fps 3 --out DIR/x.png") << "--fps applies to gif and frames";
        QTest::newRow("height of canvas")
            << L("--format png --height 300 --out DIR/x.png") << "--height does not apply to the canvas figure";
        QTest::newRow("two steps") << L("--format pdf --step 1,2 --out DIR/x.pdf") << "pdf draws one record";
        QTest::newRow("step for gif") << L("--format gif --step 1 --out DIR/x.gif") << "--step does not apply";
        QTest::newRow("width for csv") << L("--format csv --width 300") << "not to --format csv";
        QTest::newRow("fps too high") << L("--format gif --fps 60 --out DIR/x.gif") << "--fps: expected";
        QTest::newRow("gif too narrow") << L("--format gif --width 20 --out DIR/x.gif") << "width 20 is out of range";
        QTest::newRow("record out of range")
            << L("--format png --step 99 --out DIR/x.png") << "step 99 is out of range";
        QTest::newRow("missing folder") << L("--format png --out DIR/missing/x.png")
                                        << "DIR/missing/x.png: folder DIR/missing does not exist";
    }
    void cliRefusesBadImageOptions()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        QTemporaryDir dir;
        for (QString &a : args)
            a.replace(QStringLiteral("DIR"), dir.path());
        message.replace(QStringLiteral("DIR"), dir.path());
        const ProcessResult r = runCli(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.startsWith(QStringLiteral("dlmstudio-cli: ")), qPrintable(r.err));
        QCOMPARE(r.err.count(QLatin1Char('\n')), 1);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY(QDir(dir.path()).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot));
    }
};

QTEST_MAIN(TestFiguresAnimation)
#include "test_figures_animation.moc"
