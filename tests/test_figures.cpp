// The image exports of a timeline: figures (PNG, SVG, PDF), the animated GIF (read back by the independent
// reader in support/gif_reader.h; the encoder itself is tested in test_gif.cpp) and PNG frames, the export
// dialog, and `dlmstudio-cli export` with the image formats. The timeline is a real run of the tiny random
// model with an edit that forks a branch.

#include "ui/export/animation_export.h"
#include "core/base/compute_threads.h"
#include "ui/export/canvas_figure.h"
#include "ui/views/color_maps.h"
#include "ui/export/export_dialog.h"
#include "ui/export/figure_export.h"
#include "ui/export/gif_writer.h"
#include "ui/export/palette_mapper.h"

#include "core/model/model_loader.h"
#include "core/session/session.h"
#include "core/export/timeline_csv.h"
#include "core/timeline/timeline_json.h"
#include "tiny_model.h"

#include "support/gif_reader.h"

#include "cli_process.h"

#include <QtTest>

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QImageReader>
#include <QProcess>
#include <QTemporaryDir>
#include <QXmlStreamReader>

#include <cmath>

using namespace dlm;
using dlm::testing::ProcessResult;
using namespace dlm::testing;

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/** The bounding box of everything that is not the white background. */
QRect drawnArea(const QImage &image)
{
    int left = image.width(), top = image.height(), right = -1, bottom = -1;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            if ((image.pixel(x, y) & 0xFFFFFFu) != 0xFFFFFFu) {
                left = std::min(left, x);
                right = std::max(right, x);
                top = std::min(top, y);
                bottom = std::max(bottom, y);
            }
        }
    }
    return right < 0 ? QRect() : QRect(QPoint(left, top), QPoint(right, bottom));
}

uint32_t rgbOf(QRgb c)
{
    return static_cast<uint32_t>(c) & 0xFFFFFFu;
}

} // namespace

class TestFigures : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    Timeline m_timeline;
    QString m_timelinePath;
    QString m_exe;

    QString path(const QString &name) const { return m_dir.filePath(name); }
    int lastRecord(int branch = 0) const { return m_timeline.branch(branch).size() - 1; }

    ProcessResult runCli(const QStringList &args)
    {
        return testing::runProcess(
            m_exe, QStringList {QStringLiteral("export"), QStringLiteral("--timeline"), m_timelinePath} + args, 120000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const std::string modelDir = path(QStringLiteral("tiny")).toStdString();
        auto config = testing::writeTinyModel(modelDir);
        QVERIFY2(config.ok(), config.error().c_str());
        setComputeThreads(1);
        auto loaded = loadModelDirectory(modelDir);
        QVERIFY2(loaded.ok(), loaded.error().c_str());

        GenerationSettings s;
        s.genLength = 24;
        s.steps = 12;
        s.blockLength = 8;
        s.topK = 3;
        s.seed = 11;
        auto created = Session::create(loaded->model, loaded->tokenizer, s, "The cat sat");
        QVERIFY2(created.ok(), created.error().c_str());
        Session &session = **created;
        QVERIFY(session.run(nullptr).ok());
        // An edit in the past forks branch 1, so exports see an edit record and a shared history.
        QVERIFY(session.goTo(3).ok());
        const Status edited = session.setTokens(session.promptLength() + 10, {20, 21});
        QVERIFY2(edited.ok(), edited.error().c_str());
        QVERIFY(session.run(nullptr).ok());
        m_timeline = session.timeline();
        QCOMPARE(m_timeline.branchCount(), 2);

        m_timelinePath = path(QStringLiteral("run.json"));
        const Status saved = saveTimeline(m_timeline, m_timelinePath.toStdString());
        QVERIFY2(saved.ok(), saved.error().c_str());
        m_exe = QCoreApplication::applicationDirPath() + QStringLiteral("/dlmstudio-cli");
        QVERIFY2(QFileInfo(m_exe).isExecutable(), qPrintable(m_exe + QStringLiteral(" not built")));
    }

    // --- The animation palette (ui's animationPalette() and colours, so it is tested here, not in test_gif) --

    void paletteMapper()
    {
        PaletteMapper mapper(animationPalette());
        QVERIFY(mapper.palette().size() <= 256);
        QCOMPARE(mapper.palette().front(), 0xFFFFFFu); // the GIF background colour
        // The app's colours are in the palette exactly.
        for (const QColor &c : {colors::viridis(0.0), colors::viridis(0.5), colors::viridis(1.0), colors::kOkabeOrange,
                 colors::kOkabeVermillion, QColor(0xEE, 0xEE, 0xEE), QColor(0x30, 0x30, 0x30)}) {
            const uint8_t i = mapper.indexOf(rgbOf(c.rgb()));
            QCOMPARE(mapper.palette()[i], rgbOf(c.rgb()));
        }
        // An antialiased edge between white and orange goes to a light orange, not to a grey.
        const QColor edge(0xF2, 0xCF, 0x80);
        const QColor got = QColor::fromRgb(mapper.palette()[mapper.indexOf(rgbOf(edge.rgb()))]);
        QVERIFY2(got.hsvSaturation() > 60, qPrintable(got.name()));
        QVERIFY(std::abs(got.red() - edge.red()) + std::abs(got.green() - edge.green()) < 40);
    }

    // --- Figures -------------------------------------------------------------------------------------------

    void pngSizeFollowsWidthAndScale_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<double>("scale");
        QTest::newRow("canvas") << "canvas" << 400 << 0 << 1.0;
        QTest::newRow("canvas x2") << "canvas" << 400 << 0 << 2.0;
        QTest::newRow("heatmap x1.5") << "heatmap" << 500 << 300 << 1.5;
        QTest::newRow("decisions x2") << "decisions" << 300 << 200 << 2.0;
        QTest::newRow("plots default size") << "plots" << 0 << 0 << 1.0;
    }
    void pngSizeFollowsWidthAndScale()
    {
        QFETCH(QString, kind);
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(double, scale);
        FigureOptions o;
        o.kind = *figureKindFromName(kind);
        o.width = width;
        o.height = height;
        o.scale = scale;
        const auto size = figureSize(m_timeline, o);
        QVERIFY2(size.ok(), size.error().c_str());
        const QSize defaults = defaultFigureSize(o.kind);
        QCOMPARE(size->width(), width > 0 ? width : defaults.width());
        if (o.kind != FigureKind::Canvas)
            QCOMPARE(size->height(), height > 0 ? height : defaults.height());
        else
            QVERIFY(size->height() > 40);

        const QString file = path(QStringLiteral("figure-%1.png").arg(QString::fromLatin1(QTest::currentDataTag())));
        const Status done = exportFigure(m_timeline, o, FigureFormat::Png, file);
        QVERIFY2(done.ok(), done.error().c_str());
        QImage image;
        QVERIFY(image.load(file, "PNG"));
        QCOMPARE(image.width(), static_cast<int>(std::lround(size->width() * scale)));
        QCOMPARE(image.height(), static_cast<int>(std::lround(size->height() * scale)));
        // Something was drawn: more than the background and a line or two.
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 2) {
            for (int x = 0; x < image.width(); x += 2)
                colours.insert(image.pixel(x, y));
        }
        QVERIFY2(colours.size() > 8, qPrintable(QString::number(colours.size())));

        // More pixels, same picture: what is drawn covers the same part of the figure at every scale.
        if (scale != 1.0) {
            FigureOptions one = o;
            one.scale = 1.0;
            const auto bytes = renderFigure(m_timeline, one, FigureFormat::Png);
            QVERIFY2(bytes.ok(), bytes.error().c_str());
            const QRect small = drawnArea(QImage::fromData(*bytes, "PNG"));
            const QRect big = drawnArea(image);
            QVERIFY(small.width() > 50 && small.height() > 20);
            const QRectF back(big.x() / scale, big.y() / scale, big.width() / scale, big.height() / scale);
            for (const auto &[a, b] : {std::pair {back.left(), small.left()}, std::pair {back.top(), small.top()},
                     std::pair {back.right(), small.right()}, std::pair {back.bottom(), small.bottom()}})
                QVERIFY2(std::abs(a - b) <= 2.5, qPrintable(QStringLiteral("%1 vs %2").arg(a).arg(b)));
        }
    }

    void canvasPngShowsTheConfidenceColours()
    {
        // The chips of committed tokens are filled with viridis(p when committed), exactly as in the app.
        FigureOptions o;
        o.width = 500;
        const auto bytes = renderFigure(m_timeline, o, FigureFormat::Png);
        QVERIFY2(bytes.ok(), bytes.error().c_str());
        const QImage image = QImage::fromData(*bytes, "PNG").convertToFormat(QImage::Format_RGB32);
        QSet<QRgb> present;
        for (int y = 0; y < image.height(); ++y) {
            for (int x = 0; x < image.width(); ++x)
                present.insert(image.pixel(x, y) | 0xFF000000u);
        }
        QVERIFY(present.contains(qRgb(255, 255, 255)));
        const StepRecord &last = m_timeline.branch(0).last();
        int checked = 0;
        for (int pos = 0; pos < last.length(); ++pos) {
            if (last.states[static_cast<size_t>(pos)] != PositionState::CommittedThisStep)
                continue;
            const QColor fill = colors::viridis(last.probability[static_cast<size_t>(pos)]);
            QVERIFY2(present.contains(fill.rgb()), qPrintable(fill.name()));
            ++checked;
        }
        QVERIFY(checked > 0);
    }

    void svgIsXmlWithTheTokens()
    {
        FigureOptions o;
        o.width = 600;
        const auto bytes = renderFigure(m_timeline, o, FigureFormat::Svg);
        QVERIFY2(bytes.ok(), bytes.error().c_str());
        QXmlStreamReader xml(*bytes);
        QString text;
        bool sawSvg = false;
        while (!xml.atEnd()) {
            xml.readNext();
            if (xml.isStartElement() && xml.name() == QLatin1String("svg"))
                sawSvg = true;
            if (xml.isCharacters())
                text += xml.text();
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QVERIFY(sawSvg);
        QVERIFY2(text.contains(QStringLiteral("step 12 / 12")), qPrintable(text.left(200)));
        // Every committed token of the last record appears as text (vector output, not a picture of text).
        const StepRecord &last = m_timeline.branch(0).last();
        int found = 0, tried = 0;
        for (int pos = 0; pos < last.length(); ++pos) {
            const QString piece = QString::fromStdString(m_timeline.pieceOf(last.tokens[static_cast<size_t>(pos)]))
                                      .remove(QChar(0x2581))
                                      .trimmed();
            if (piece.isEmpty() || piece.startsWith(QLatin1Char('<')))
                continue;
            ++tried;
            found += text.contains(piece) ? 1 : 0;
        }
        QVERIFY(tried > 5);
        QCOMPARE(found, tried);
    }

    void svgOfEachPlot_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("heatmap") << "heatmap";
        QTest::newRow("decisions") << "decisions";
        QTest::newRow("plots") << "plots";
    }
    void svgOfEachPlot()
    {
        QFETCH(QString, kind);
        FigureOptions o;
        o.kind = *figureKindFromName(kind);
        o.record = 5;
        const auto bytes = renderFigure(m_timeline, o, FigureFormat::Svg);
        QVERIFY2(bytes.ok(), bytes.error().c_str());
        QXmlStreamReader xml(*bytes);
        int elements = 0;
        while (!xml.atEnd()) {
            xml.readNext();
            elements += xml.isStartElement() ? 1 : 0;
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QVERIFY2(elements > 30, qPrintable(QString::number(elements)));
        QVERIFY(bytes->contains("record"));
    }

    void pdfIsAVectorDocument_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("canvas") << "canvas";
        QTest::newRow("heatmap") << "heatmap";
    }
    void pdfIsAVectorDocument()
    {
        QFETCH(QString, kind);
        FigureOptions o;
        o.kind = *figureKindFromName(kind);
        const QString file = path(QStringLiteral("figure-%1.pdf").arg(kind));
        const Status done = exportFigure(m_timeline, o, FigureFormat::Pdf, file);
        QVERIFY2(done.ok(), done.error().c_str());
        const QByteArray pdf = readAll(file);
        QVERIFY(pdf.startsWith("%PDF-"));
        QVERIFY2(pdf.size() > 2000, qPrintable(QString::number(pdf.size())));
        QVERIFY(pdf.trimmed().endsWith("%%EOF"));
        QVERIFY(pdf.contains("/Font")); // text stays text
        if (o.kind == FigureKind::Canvas)
            QVERIFY(!pdf.contains("/Subtype /Image")); // and chips stay shapes
    }

    void figureRefusesBadOptions_data()
    {
        QTest::addColumn<int>("branch");
        QTest::addColumn<int>("record");
        QTest::addColumn<int>("width");
        QTest::addColumn<double>("scale");
        QTest::addColumn<QString>("message");
        QTest::newRow("record") << 0 << 99 << 0 << 1.0 << "step 99 is out of range: branch 0 has records 0..";
        QTest::newRow("branch") << 7 << -1 << 0 << 1.0 << "branch 7 does not exist";
        QTest::newRow("width") << 0 << -1 << 5 << 1.0 << "width 5 is out of range";
        QTest::newRow("scale") << 0 << -1 << 0 << 20.0 << "scale 20 is out of range";
    }
    void figureRefusesBadOptions()
    {
        QFETCH(int, branch);
        QFETCH(int, record);
        QFETCH(int, width);
        QFETCH(double, scale);
        QFETCH(QString, message);
        FigureOptions o;
        o.branch = branch;
        o.record = record;
        o.width = width;
        o.scale = scale;
        const QString file = path(QStringLiteral("refused.png"));
        const Status done = exportFigure(m_timeline, o, FigureFormat::Png, file);
        QVERIFY(!done.ok());
        QVERIFY2(QString::fromStdString(done.error()).contains(message), done.error().c_str());
        QVERIFY(!QFileInfo::exists(file));
    }

    void unwritablePathNamesIt()
    {
        const QString missing = path(QStringLiteral("no-such-folder/figure.png"));
        const Status figure = exportFigure(m_timeline, FigureOptions(), FigureFormat::Png, missing);
        QVERIFY(!figure.ok());
        QVERIFY2(QString::fromStdString(figure.error())
                     .startsWith(QStringLiteral("cannot write ") + missing + QStringLiteral(": ")),
            figure.error().c_str());
        QCOMPARE(QString::fromStdString(figure.error()).count(QLatin1Char('\n')), 0);

        // The GIF fails before drawing a single frame.
        int calls = 0;
        const QString gif = path(QStringLiteral("no-such-folder/run.gif"));
        const Status anim = exportAnimation(
            m_timeline, AnimationOptions(), AnimationFormat::Gif, gif, [&calls](int, int) { return ++calls > 0; });
        QVERIFY(!anim.ok());
        QVERIFY2(QString::fromStdString(anim.error()).startsWith(QStringLiteral("cannot write ") + gif),
            anim.error().c_str());
        QVERIFY(calls <= 1);

        // A folder in the way.
        const Status onFolder = exportFigure(m_timeline, FigureOptions(), FigureFormat::Svg, m_dir.path());
        QVERIFY(!onFolder.ok());
        QVERIFY2(QString::fromStdString(onFolder.error()).startsWith(QStringLiteral("cannot write ") + m_dir.path()),
            onFolder.error().c_str());
        QVERIFY(!QFileInfo::exists(path(QStringLiteral("no-such-folder"))));
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

QTEST_MAIN(TestFigures)
#include "test_figures.moc"
