// The step controls in both themes: the first/last glyphs stay visible when enabled and when disabled,
// measured on the rendered button. Runs offscreen (QT_QPA_PLATFORM=offscreen).
#include "ui/panels/step_controls.h"
#include "ui/window/theme_controller.h"

#include <QApplication>
#include <QHash>
#include <QImage>
#include <QPushButton>
#include <QStyleFactory>
#include <QtTest>

#include <cmath>

using namespace dlm;

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

/**
 * How well the glyph of `button` stands out: the button face is the commonest colour of a ring just inside
 * the frame (the centred glyph never reaches it), and the glyph is the colour inside that differs most.
 */
double glyphContrast(QPushButton *button)
{
    const QImage image = button->grab().toImage().convertToFormat(QImage::Format_RGB32);
    const QRect inner = QRect(QPoint(0, 0), image.size()).adjusted(3, 3, -3, -3);
    const QRect glyphArea = inner.adjusted(2, 2, -2, -2);
    QHash<QRgb, int> ring, glyph;
    for (int y = inner.top(); y <= inner.bottom(); ++y) {
        for (int x = inner.left(); x <= inner.right(); ++x)
            ++(glyphArea.contains(x, y) ? glyph : ring)[image.pixel(x, y)];
    }
    QRgb face = 0;
    int most = 0;
    for (auto it = ring.cbegin(); it != ring.cend(); ++it) {
        if (it.value() > most) {
            most = it.value();
            face = it.key();
        }
    }
    double best = 1.0;
    for (auto it = glyph.cbegin(); it != glyph.cend(); ++it) {
        // A few stray anti-aliased pixels are not a visible glyph: the colour must cover some area.
        if (it.value() >= 4)
            best = std::max(best, contrast(it.key(), face));
    }
    return best;
}

QPushButton *buttonNamed(const StepControls &controls, const QString &name)
{
    for (QPushButton *b : controls.findChildren<QPushButton *>()) {
        if (b->accessibleName() == name)
            return b;
    }
    qFatal("no button named %s", qPrintable(name));
    return nullptr;
}

} // namespace

class TestStepControls : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // What ThemeController applies for Light and Dark.
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    }

    void cleanupTestCase() { QApplication::setPalette(QPalette()); }

    void glyphsAreVisibleInBothThemes_data()
    {
        QTest::addColumn<bool>("dark");
        QTest::addColumn<bool>("enabled");
        QTest::addColumn<QString>("button");
        for (bool dark : {false, true}) {
            for (bool enabled : {true, false}) {
                for (const char *name : {"First record", "Last record"}) {
                    const QByteArray row
                        = QByteArray(dark ? "dark, " : "light, ") + (enabled ? "enabled, " : "disabled, ") + name;
                    QTest::newRow(row.constData()) << dark << enabled << QString::fromLatin1(name);
                }
            }
        }
    }

    void glyphsAreVisibleInBothThemes()
    {
        QFETCH(bool, dark);
        QFETCH(bool, enabled);
        QFETCH(QString, button);
        QApplication::setPalette(dark ? ThemeController::darkPalette() : ThemeController::lightPalette());
        StepControls controls;
        PlaybackState state;
        state.active = true;
        state.count = 5;
        state.index = enabled ? 2 : 0;
        state.canBack = enabled;
        state.canForward = enabled;
        controls.setState(state);
        controls.show();
        QVERIFY(QTest::qWaitForWindowExposed(&controls));
        QPushButton *b = buttonNamed(controls, button);
        QCOMPARE(b->isEnabled(), enabled);
        // 3:1 is WCAG's minimum for graphics that carry meaning; enabled glyphs get the full text contrast.
        const double measured = glyphContrast(b);
        QVERIFY2(measured >= (enabled ? 4.5 : 3.0), qPrintable(QStringLiteral("contrast %1").arg(measured)));
    }

    void themeChangeRedrawsTheGlyphs()
    {
        QApplication::setPalette(ThemeController::lightPalette());
        StepControls controls;
        controls.setState(PlaybackState {});
        controls.show();
        QVERIFY(QTest::qWaitForWindowExposed(&controls));
        QApplication::setPalette(ThemeController::darkPalette());
        QCoreApplication::processEvents();
        QVERIFY(glyphContrast(buttonNamed(controls, QStringLiteral("First record"))) >= 3.0);
    }
};

QTEST_MAIN(TestStepControls)
#include "test_step_controls.moc"
