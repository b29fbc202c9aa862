// The mouse wheel over a value field that does not have focus scrolls the panel and leaves the value alone;
// once the field has focus the wheel changes it. Runs offscreen (QT_QPA_PLATFORM=offscreen).
#include "ui/panels/sampler_form.h"
#include "ui/panels/step_controls.h"
#include "ui/panels/wheel_guard.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QScrollArea>
#include <QScrollBar>
#include <QSpinBox>
#include <QVBoxLayout>
#include <QtTest>

using namespace dlm;

namespace {

/** One notch of a mouse wheel, turned down (towards the user), over the centre of `target`. */
void wheelDown(QWidget *target, int notches = 1)
{
    for (int i = 0; i < notches; ++i) {
        const QPointF local(target->width() / 2.0, target->height() / 2.0);
        QWheelEvent event(local, target->mapToGlobal(local), QPoint(), QPoint(0, -120), Qt::NoButton, Qt::NoModifier,
            Qt::NoScrollPhase, false);
        QApplication::sendEvent(target, &event);
    }
}

template<typename T> T *field(const QWidget &form, const char *name)
{
    T *w = form.findChild<T *>(QLatin1String(name));
    if (!w)
        qFatal("no field named %s", name);
    return w;
}

} // namespace

class TestWheelGuard : public QObject
{
    Q_OBJECT

    /** A sampler form in a scroll area too short for it, as in the Generation panel on a laptop. */
    struct ScrolledForm
    {
        QWidget window;
        QScrollArea *scroll = nullptr;
        SamplerForm *form = nullptr;
        QSpinBox *other = nullptr; ///< something else to hold focus

        ScrolledForm()
        {
            auto *layout = new QVBoxLayout(&window);
            other = new QSpinBox;
            layout->addWidget(other);
            scroll = new QScrollArea;
            scroll->setWidgetResizable(true);
            form = new SamplerForm;
            form->setAdvancedOpen(true);
            scroll->setWidget(form);
            layout->addWidget(scroll);
            window.resize(320, 180);
            window.show();
            window.activateWindow();
        }
    };

private Q_SLOTS:
    void wheelWithoutFocusScrollsThePanel_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("gen length") << QStringLiteral("genLength");
        QTest::newRow("block length") << QStringLiteral("blockLength");
        QTest::newRow("temperature") << QStringLiteral("temperature");
        QTest::newRow("remasking") << QStringLiteral("remasking");
        QTest::newRow("top-k") << QStringLiteral("topK");
    }

    void wheelWithoutFocusScrollsThePanel()
    {
        QFETCH(QString, name);
        ScrolledForm f;
        QVERIFY(QTest::qWaitForWindowExposed(&f.window));
        QWidget *target = f.form->findChild<QWidget *>(name);
        QVERIFY(target);
        f.other->setFocus();
        QVERIFY(!target->hasFocus());
        f.scroll->ensureWidgetVisible(target);
        QVERIFY(f.scroll->verticalScrollBar()->maximum() > 0);
        f.scroll->verticalScrollBar()->setValue(0);
        const GenerationSettings before = f.form->settings();
        QSignalSpy edited(f.form, &SamplerForm::edited);

        wheelDown(target, 4);

        const GenerationSettings after = f.form->settings();
        QCOMPARE(after.genLength, before.genLength);
        QCOMPARE(after.blockLength, before.blockLength);
        QCOMPARE(after.temperature, before.temperature);
        QCOMPARE(after.measure, before.measure);
        QCOMPARE(after.topK, before.topK);
        QCOMPARE(edited.count(), 0);
        // The wheel went to the panel instead: it scrolled down.
        QVERIFY(f.scroll->verticalScrollBar()->value() > 0);
        // Passing over a field must not arm it either.
        QVERIFY(!target->hasFocus());
    }

    void wheelWithFocusChangesTheValue()
    {
        ScrolledForm f;
        QVERIFY(QTest::qWaitForWindowActive(&f.window));
        auto *genLength = field<QSpinBox>(*f.form, "genLength");
        const int before = genLength->value();
        genLength->setFocus();
        QVERIFY(genLength->hasFocus());
        QSignalSpy edited(f.form, &SamplerForm::edited);

        wheelDown(genLength, 4);

        QCOMPARE(genLength->value(), before - 4 * genLength->singleStep());
        QVERIFY(edited.count() > 0);
    }

    void guardedComboBoxKeepsItsChoice()
    {
        QWidget window;
        auto *layout = new QVBoxLayout(&window);
        auto *other = new QSpinBox;
        auto *box = new QComboBox;
        box->addItems({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")});
        layout->addWidget(other);
        layout->addWidget(box);
        installWheelGuard(box);
        QCOMPARE(box->focusPolicy(), Qt::StrongFocus);
        window.show();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        other->setFocus();
        wheelDown(box, 2);
        QCOMPARE(box->currentIndex(), 0);
        // A click gives it focus; then the wheel is the user's choice.
        box->setFocus();
        wheelDown(box, 2);
        QCOMPARE(box->currentIndex(), 2);
    }

    void speedBoxIgnoresTheWheel()
    {
        StepControls controls;
        controls.show();
        QVERIFY(QTest::qWaitForWindowExposed(&controls));
        const int before = controls.speedBox()->currentIndex();
        wheelDown(controls.speedBox(), 3);
        QCOMPARE(controls.speedBox()->currentIndex(), before);
    }
};

QTEST_MAIN(TestWheelGuard)
#include "test_wheel_guard.moc"
