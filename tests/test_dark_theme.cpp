// The dark theme: the heatmap's commit marks and block boundaries stand out from what is under them, measured
// on the rendered pixels (WCAG contrast), and exported figures stay dark-on-white whatever the window's
// theme. The transport icons are measured in test_step_controls.
#include "ui/figures/figure_export.h"
#include "ui/views/heatmap_view.h"
#include "ui/window/theme_controller.h"

#include "test_views_fixture.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QStyleFactory>
#include <QtTest>

#include <cmath>

using namespace dlm;
using namespace dlm::testing;

namespace {

// WCAG relative luminance and contrast, written out here rather than taken from the code under test.
double channel(int value)
{
    const double c = value / 255.0;
    return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

double luminance(QRgb rgb)
{
    return 0.2126 * channel(qRed(rgb)) + 0.7152 * channel(qGreen(rgb)) + 0.0722 * channel(qBlue(rgb));
}

double contrast(QRgb a, QRgb b)
{
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

} // namespace

class TestDarkTheme : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion"))); }
    void cleanupTestCase() { QApplication::setPalette(QPalette()); }

    void heatmapMarksStandOut_data()
    {
        QTest::addColumn<bool>("dark");
        QTest::newRow("light") << false;
        QTest::newRow("dark") << true;
    }

    void heatmapMarksStandOut()
    {
        QFETCH(bool, dark);
        QApplication::setPalette(dark ? ThemeController::darkPalette() : ThemeController::lightPalette());
        const Timeline t = largerRun();
        HeatmapView view;
        view.resize(900, 760); // cells big enough to sample beside a mark
        view.setTimelineBranch(t, 0);
        view.setCurrentIndex(t.branch(0).size() - 1);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.plot()->replot();
        QCoreApplication::processEvents();
        const QImage image = view.plot()->grab().toImage().convertToFormat(QImage::Format_RGB32);

        // Commit marks: the pixels of the mark against the cell around it, at its corner.
        double worstMark = 100.0;
        int marks = 0;
        for (int r = 1; r + 1 < t.branch(0).size(); ++r) {
            for (int32_t p : t.branch(0).at(r).committed) {
                const QPointF c = view.cellCenter(r, p);
                const QPointF next = view.cellCenter(r + 1, p + 1);
                const QPoint corner = (c + (next - c) * 0.45).toPoint();
                // A mark is its fill and its outline: the part that differs most from the cell is what shows.
                double best = 1.0;
                for (int dx = -2; dx <= 2; ++dx) {
                    for (int dy = -2; dy <= 2; ++dy)
                        best = std::max(best, contrast(image.pixel(c.toPoint() + QPoint(dx, dy)), image.pixel(corner)));
                }
                worstMark = std::min(worstMark, best);
                ++marks;
            }
        }
        QVERIFY(marks > 10);
        QVERIFY2(worstMark >= 3.0, qPrintable(QStringLiteral("a commit mark at contrast %1").arg(worstMark)));

        // Block boundaries run through the first record's column, which has no predictions (blank cells):
        // the line's pixels against the blank a few pixels off it.
        const std::vector<int> starts = view.blockLinePositions();
        QVERIFY(!starts.empty());
        for (int start : starts) {
            const int y = qRound(view.plot()->yAxis->coordToPixel(start - 0.5));
            const double x0 = view.cellCenter(0, start).x();
            const double half = (view.cellCenter(1, start).x() - x0) / 2;
            double best = 1.0;
            for (int x = qRound(x0 - half) + 1; x < qRound(x0 + half) - 1; ++x) {
                for (int dy : {-1, 0, 1})
                    best = std::max(best, contrast(image.pixel(x, y + dy), image.pixel(x, y + 6)));
            }
            QVERIFY2(best >= 3.0, qPrintable(QStringLiteral("block line at %1: contrast %2").arg(start).arg(best)));
        }
    }

    void exportedFiguresStayDarkOnWhite()
    {
        QApplication::setPalette(ThemeController::darkPalette());
        const Timeline t = largerRun();
        for (FigureKind kind : {FigureKind::Heatmap, FigureKind::Decisions, FigureKind::Plots}) {
            FigureOptions options;
            options.kind = kind;
            const auto png = renderFigure(t, options, FigureFormat::Png);
            QVERIFY2(png.ok(), png.error().c_str());
            QImage image;
            QVERIFY(image.loadFromData(*png, "PNG"));
            // The background is white and the text and axes dark: count near-white and near-black pixels.
            int white = 0;
            int dark = 0;
            for (int y = 0; y < image.height(); y += 2) {
                for (int x = 0; x < image.width(); x += 2) {
                    const double l = luminance(image.pixel(x, y));
                    white += l > 0.9 ? 1 : 0;
                    dark += l < 0.05 ? 1 : 0;
                }
            }
            const int total = ((image.height() + 1) / 2) * ((image.width() + 1) / 2);
            QVERIFY2(image.pixel(1, 1) == qRgb(255, 255, 255), qPrintable(figureKindName(kind)));
            // The heatmap is mostly cells; the others mostly background.
            QVERIFY2(white > total / (kind == FigureKind::Heatmap ? 20 : 3), qPrintable(figureKindName(kind)));
            QVERIFY2(dark > 0, qPrintable(figureKindName(kind)));
        }
    }
};

QTEST_MAIN(TestDarkTheme)
#include "test_dark_theme.moc"
