// The image exports of a timeline: the animation palette and figures (PNG, SVG, PDF), and what the figure
// painters draw (ui/figures, QtGui only: this test links no widget library). The timeline is a real run of
// the tiny random model with an edit that forks a branch (test_figures_fixture.h); GIF and PNG frames, the
// export dialog and `dlmstudio-cli export` with the image formats are test_figures_animation.

#include "ui/figures/animation_export.h"
#include "ui/figures/color_maps.h"
#include "ui/figures/decision_figure.h"
#include "ui/figures/figure_export.h"
#include "ui/figures/heatmap_figure.h"
#include "ui/figures/palette_mapper.h"
#include "ui/figures/run_plots_figure.h"

#include "test_figures_fixture.h"

#include <QBuffer>
#include <QDir>
#include <QXmlStreamReader>

#include <cmath>

using namespace dlm;
using namespace dlm::testing;

class TestFigures : public FigureTestBase
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { makeTimeline(); }

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

    // --- What the painters draw (they replaced the widgets the figures were once rendered by) ------------------

    static QSet<QRgb> coloursOf(const QByteArray &png)
    {
        const QImage image = QImage::fromData(png, "PNG").convertToFormat(QImage::Format_RGB32);
        QSet<QRgb> present;
        for (int y = 0; y < image.height(); ++y) {
            for (int x = 0; x < image.width(); ++x)
                present.insert(image.pixel(x, y) | 0xFF000000u);
        }
        return present;
    }

    void heatmapShowsEveryConfidence()
    {
        const int record = 5;
        const HeatmapFigure heatmap(m_timeline, 0, record);
        const Branch &branch = m_timeline.branch(0);
        QCOMPARE(heatmap.recordCount(), branch.size());
        QCOMPARE(heatmap.firstPosition(), static_cast<int>(m_timeline.promptIds.size()));
        QCOMPARE(heatmap.endPosition(), branch.last().length());
        QCOMPARE(heatmap.dataRange(), std::make_pair(0.0, 1.0));
        QCOMPARE(heatmap.blockStarts().size(), size_t(2)); // 24 positions in blocks of 8
        FigureOptions o;
        o.kind = FigureKind::Heatmap;
        o.record = record;
        const auto png = renderFigure(m_timeline, o, FigureFormat::Png);
        QVERIFY2(png.ok(), png.error().c_str());
        const QSet<QRgb> present = coloursOf(*png);
        QVERIFY(present.contains(QColor(0xE4, 0xE4, 0xE4).rgb())); // cells without a prediction
        int cells = 0;
        for (int r = 0; r < branch.size(); ++r) {
            const StepRecord &rec = branch.at(r);
            for (int p = heatmap.firstPosition(); p < heatmap.endPosition(); ++p) {
                const double v = heatmap.valueAt(r, p);
                const bool predicted = rec.kind == RecordKind::Denoise && rec.considered(p)
                    && std::isfinite(rec.confidence[static_cast<size_t>(p)]);
                QCOMPARE(std::isnan(v), !predicted);
                if (!predicted)
                    continue;
                QCOMPARE(v, static_cast<double>(rec.confidence[static_cast<size_t>(p)]));
                // Cells are drawn in their exact colour (no smoothing), at least where no marker covers them.
                QVERIFY2(present.contains(colors::viridis(v).rgb()),
                    qPrintable(QStringLiteral("record %1 position %2").arg(r).arg(p)));
                ++cells;
            }
        }
        QVERIFY(cells > 20);
    }

    void decisionsShowTheSamplersCut()
    {
        const Branch &branch = m_timeline.branch(0);
        const int record = 5;
        const StepRecord &rec = branch.at(record);
        QCOMPARE(rec.kind, RecordKind::Denoise);
        const RemaskDecision d = remaskDecision(m_timeline, 0, record);
        int considered = 0;
        for (int p = 0; p < rec.length(); ++p)
            considered += rec.considered(p) && std::isfinite(rec.confidence[static_cast<size_t>(p)]) ? 1 : 0;
        QCOMPARE(static_cast<int>(d.bars.size()), considered);
        QCOMPARE(d.count(RemaskDecision::Fate::Committed), static_cast<int>(rec.committed.size()));
        QCOMPARE(d.cutMode, RemaskDecision::CutMode::Quota);
        QCOMPARE(d.quota, rec.quota);
        for (size_t i = 1; i < d.bars.size(); ++i)
            QVERIFY(d.bars[i - 1].confidence >= d.bars[i].confidence);
        QVERIFY2(d.summary.startsWith(QStringLiteral("Step %1, block %2: %3 of %4 committed (quota %5)")
                                          .arg(rec.denoiseStep)
                                          .arg(rec.block)
                                          .arg(rec.committed.size())
                                          .arg(considered)
                                          .arg(rec.quota)),
            qPrintable(d.summary));
        QVERIFY(remaskDecision(m_timeline, 0, 0).bars.empty());
        QVERIFY(remaskDecision(m_timeline, 0, 0).summary.contains(QStringLiteral("before the first step")));

        FigureOptions o;
        o.kind = FigureKind::Decisions;
        o.record = record;
        const auto png = renderFigure(m_timeline, o, FigureFormat::Png);
        QVERIFY2(png.ok(), png.error().c_str());
        const QSet<QRgb> present = coloursOf(*png);
        QVERIFY(present.contains(colors::kNewThisStep.rgb())); // committed bars are solid orange
        QVERIFY(present.contains(colors::kRemasked.rgb())); // sent back: vermillion hatching
    }

    void runPlotsFollowTheRecords()
    {
        const Branch &branch = m_timeline.branch(1);
        const RunPlotsFigure plots(m_timeline, 1, 2);
        QCOMPARE(static_cast<int>(plots.masked().size()), branch.size());
        for (int r = 0; r < branch.size(); ++r) {
            const StepRecord &rec = branch.at(r);
            QCOMPARE(plots.masked()[static_cast<size_t>(r)], static_cast<double>(rec.maskedCount(m_timeline.model.maskId)));
            QCOMPARE(plots.committed()[static_cast<size_t>(r)], static_cast<double>(rec.committed.size()));
            QCOMPARE(std::isnan(plots.meanConfidence()[static_cast<size_t>(r)]), rec.committed.empty());
        }
        QCOMPARE(plots.masked().front(), static_cast<double>(m_timeline.settings.genLength));
        FigureOptions o;
        o.kind = FigureKind::Plots;
        o.branch = 1;
        const auto png = renderFigure(m_timeline, o, FigureFormat::Png);
        QVERIFY2(png.ok(), png.error().c_str());
        const QSet<QRgb> present = coloursOf(*png);
        QVERIFY(present.contains(colors::kOkabeBlue.rgb()));
        QVERIFY(present.contains(colors::kNewThisStep.rgb()));
        QVERIFY(present.contains(colors::kOkabeGreen.rgb()));
    }

    void vectorFiguresDrawShapesNotPictures()
    {
        // A canvas with masks: mask boxes are drawn as shapes in SVG and PDF, never as embedded pixmaps.
        FigureOptions o;
        o.record = 2;
        const auto svg = renderFigure(m_timeline, o, FigureFormat::Svg);
        QVERIFY2(svg.ok(), svg.error().c_str());
        QVERIFY(!svg->contains("<image"));
        const auto pdf = renderFigure(m_timeline, o, FigureFormat::Pdf);
        QVERIFY2(pdf.ok(), pdf.error().c_str());
        QVERIFY(!pdf->contains("/Subtype /Image"));
        // The decision chart's hatching is lines, so a vector viewer shows it as drawn here.
        o.kind = FigureKind::Decisions;
        o.record = 5;
        const auto chart = renderFigure(m_timeline, o, FigureFormat::Svg);
        QVERIFY2(chart.ok(), chart.error().c_str());
        QVERIFY(!chart->contains("<image"));
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
};

QTEST_MAIN(TestFigures)
#include "test_figures.moc"
