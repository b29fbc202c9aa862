// The GUI on a tiny random model: the engine thread, stepping and instant stepping back, stopping a run,
// error handling for a bad model directory, the canvas layout at 1,000 tokens, the command line and the
// screenshot path. Runs offscreen (QT_QPA_PLATFORM=offscreen).
#include "ui/views/canvas_view.h"
#include "ui/figures/color_maps.h"
#include "ui/engine/engine_controller.h"
#include "ui/engine/engine_worker.h"
#include "ui/panels/generation_panel.h"
#include "ui/window/gui_options.h"
#include "ui/window/mainwindow.h"
#include "tests/support/window_parts.h"
#include "ui/document/playback_controller.h"
#include "ui/window/startup_driver.h"
#include "ui/panels/step_controls.h"
#include "tiny_model.h"
#include "ui/document/timeline_document.h"

#include <QImage>
#include <QScrollArea>
#include <QScrollBar>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <cmath>

using namespace dlm;
using dlm::testing::parts;

namespace {

constexpr int kLoadTimeoutMs = 60000;
constexpr int kStepTimeoutMs = 30000;

GenerationSettings smallSettings(int genLength = 16, int steps = 8)
{
    GenerationSettings s;
    s.genLength = genLength;
    s.steps = steps;
    s.blockLength = genLength;
    return s;
}

} // namespace

class TestGui : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_modelDir;

    // Loads the tiny model into `w` and starts a session; false (with a QTest failure) if either fails.
    bool loadAndStart(
        MainWindow &w, const GenerationSettings &settings, const QString &prompt = QStringLiteral("the cat"))
    {
        QSignalSpy loaded(parts(w).engine(), &EngineController::modelLoaded);
        w.loadModel(m_modelDir);
        if (!QTest::qWaitFor([&] { return loaded.count() == 1; }, kLoadTimeoutMs)) {
            qWarning("model not loaded: %s", qPrintable(w.statusText()));
            return false;
        }
        parts(w).generationPanel()->setSettings(settings);
        parts(w).generationPanel()->setPrompt(prompt);
        QSignalSpy started(parts(w).engine(), &EngineController::sessionStarted);
        w.startSession();
        if (!QTest::qWaitFor([&] { return started.count() == 1; }, kStepTimeoutMs)) {
            qWarning("session not started: %s", qPrintable(w.statusText()));
            return false;
        }
        return true;
    }

    static void checkCanvasShowsCurrent(MainWindow &w)
    {
        const RecordPtr record = parts(w).document()->currentRecord();
        QVERIFY(record);
        QCOMPARE(parts(w).canvasView()->record().get(), record.get());
        QCOMPARE(parts(w).canvasView()->maskedCount(), record->maskedCount(parts(w).document()->maskId()));
        QVERIFY(parts(w).stepControls()->positionText().endsWith(
            QStringLiteral("masked %1").arg(record->maskedCount(parts(w).document()->maskId()))));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // recent models and layout must not reach the user's settings
        QVERIFY(m_tmp.isValid());
        m_modelDir = m_tmp.filePath(QStringLiteral("tiny"));
        auto config = testing::writeTinyModel(m_modelDir.toStdString());
        QVERIFY2(config.ok(), config.error().c_str());
    }

    void stepForwardAndBack()
    {
        MainWindow w;
        w.show();
        QVERIFY(loadAndStart(w, smallSettings()));
        TimelineDocument *doc = parts(w).document();
        QCOMPARE(doc->count(), 1);
        checkCanvasShowsCurrent(w);
        QCOMPARE(parts(w).canvasView()->maskedCount(), 16);

        for (int i = 1; i <= 3; ++i) {
            parts(w).playback()->step();
            QTRY_COMPARE_WITH_TIMEOUT(doc->count(), i + 1, kStepTimeoutMs);
            QTRY_COMPARE_WITH_TIMEOUT(doc->index(), i, kStepTimeoutMs);
            checkCanvasShowsCurrent(w);
            // 16 masks over 8 steps: two commits per step.
            QCOMPARE(parts(w).canvasView()->maskedCount(), 16 - 2 * i);
        }
        QCOMPARE(parts(w).stepControls()->positionText(), QStringLiteral("step 3 / 8, masked 10"));

        // Back is served from the GUI's copy of the timeline: the canvas changes before any event is processed.
        const RecordPtr earlier = doc->recordAt(2);
        parts(w).playback()->back();
        QCOMPARE(parts(w).canvasView()->record().get(), earlier.get());
        QCOMPARE(parts(w).canvasView()->maskedCount(), 12);
        parts(w).playback()->first();
        QCOMPARE(parts(w).canvasView()->maskedCount(), 16);
        parts(w).playback()->last();
        QCOMPARE(doc->index(), 3);
        checkCanvasShowsCurrent(w);

        // Stepping from an earlier record replays history instead of computing a new step.
        parts(w).playback()->goTo(1);
        parts(w).playback()->step();
        QCOMPARE(doc->index(), 2);
        QCOMPARE(doc->count(), 4);
        QCOMPARE(parts(w).canvasView()->record().get(), doc->recordAt(2).get());
    }

    void committedTokensAreTintedAndDescribed()
    {
        MainWindow w;
        w.show();
        QVERIFY(loadAndStart(w, smallSettings()));
        parts(w).playback()->step();
        QTRY_COMPARE_WITH_TIMEOUT(parts(w).document()->index(), 1, kStepTimeoutMs);
        parts(w).playback()->step();
        QTRY_COMPARE_WITH_TIMEOUT(parts(w).document()->index(), 2, kStepTimeoutMs);
        const StepRecord &r = *parts(w).document()->currentRecord();
        QCOMPARE(r.committed.size(), size_t(2));
        CanvasView *view = parts(w).canvasView();
        for (int pos : r.committed) {
            const TokenChip *chip = view->chip(pos);
            QVERIFY(chip);
            QCOMPARE(chip->kind, TokenChip::Kind::Token);
            QVERIFY(chip->newThisStep);
            QCOMPARE(chip->tint, r.probability[static_cast<size_t>(pos)]);
        }
        // Tokens committed in the step before keep their commit-time tint but lose the "new" outline.
        const StepRecord &previous = *parts(w).document()->recordAt(1);
        for (int pos : previous.committed) {
            const TokenChip *chip = view->chip(pos);
            QVERIFY(!chip->newThisStep);
            QCOMPARE(chip->tint, previous.probability[static_cast<size_t>(pos)]);
        }
        QVERIFY(!r.remasked.empty());
        const int sentBack = r.remasked.front();
        QVERIFY(view->chip(sentBack)->remasked);
        QVERIFY(!view->chip(sentBack)->text.isEmpty()); // the faint candidate
        const QString details = view->details(sentBack, false);
        QVERIFY2(details.contains(QStringLiteral("position %1").arg(sentBack)), qPrintable(details));
        QVERIFY2(details.contains(QStringLiteral("top 5:")), qPrintable(details));
        QVERIFY2(details.contains(QStringLiteral("state: remasked")), qPrintable(details));
        QCOMPARE(view->positionAt(view->chipRect(sentBack).center()), sentBack);
    }

    void stopEndsRunWithinOneStep()
    {
        MainWindow w;
        w.show();
        QVERIFY(loadAndStart(w, smallSettings(200, 200)));
        // Count records as the engine thread emits them, not as the GUI receives them: the queue may hold
        // several, and "within one step" is about the engine.
        // The engine thread waits at its third record until the stop has been asked for, so the tiny model
        // cannot finish all its steps before the test looks (it did on a loaded machine).
        std::atomic<int> emitted {0};
        std::atomic<bool> held {false};
        QSemaphore gate;
        EngineWorker *worker = parts(w).engine()->worker();
        connect(
            worker, &EngineWorker::stateChanged, worker,
            [&emitted, &held, &gate](const EngineState &state) {
                if (state.cause == EngineState::Cause::Stepped && ++emitted == 3) {
                    held = true;
                    gate.tryAcquire(1, kStepTimeoutMs);
                }
            },
            Qt::DirectConnection);
        QSignalSpy finished(parts(w).engine(), &EngineController::finished);
        parts(w).playback()->run();
        QTRY_VERIFY_WITH_TIMEOUT(held.load(), kStepTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(parts(w).engine()->isRunning(), kStepTimeoutMs);
        parts(w).playback()->toggleRun(); // Space while running pauses
        const int atStop = emitted.load();
        gate.release();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kStepTimeoutMs);
        QCOMPARE(finished.at(0).at(0).toBool(), true);
        QVERIFY2(emitted.load() <= atStop + 1,
            qPrintable(QStringLiteral("%1 records after a stop at %2").arg(emitted.load()).arg(atStop)));
        QVERIFY(!parts(w).engine()->isRunning());
        QTRY_COMPARE_WITH_TIMEOUT(parts(w).document()->count(), emitted.load() + 1, kStepTimeoutMs);
        QVERIFY(parts(w).document()->hasMasks());
        checkCanvasShowsCurrent(w);

        // Run again to the end: the generation completes and Step is no longer offered.
        parts(w).playback()->run();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 120000);
        QCOMPARE(finished.at(1).at(0).toBool(), false);
        QTRY_VERIFY_WITH_TIMEOUT(!parts(w).document()->hasMasks(), kStepTimeoutMs);
        QCOMPARE(parts(w).canvasView()->maskedCount(), 0);
        QVERIFY(!parts(w).playback()->state().canStep);
    }

    void closingMidRunJoinsTheEngine()
    {
        auto w = std::make_unique<MainWindow>();
        w->show();
        QVERIFY(loadAndStart(*w, smallSettings(200, 200)));
        parts(*w).playback()->run();
        QTRY_VERIFY_WITH_TIMEOUT(parts(*w).document()->index() >= 2, kStepTimeoutMs);
        w.reset(); // stops the run, joins the thread; must neither hang nor crash
    }

    void keyboardDrivesPlayback()
    {
        MainWindow w;
        w.show();
        QApplication::setActiveWindow(&w);
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QVERIFY(loadAndStart(w, smallSettings()));
        parts(w).canvasView()->setFocus();
        QTest::keyClick(&w, Qt::Key_Right);
        QTRY_COMPARE_WITH_TIMEOUT(parts(w).document()->index(), 1, kStepTimeoutMs);
        QTest::keyClick(&w, Qt::Key_Right);
        QTRY_COMPARE_WITH_TIMEOUT(parts(w).document()->index(), 2, kStepTimeoutMs);
        QTest::keyClick(&w, Qt::Key_Left);
        QCOMPARE(parts(w).document()->index(), 1);
        QTest::keyClick(&w, Qt::Key_Home);
        QCOMPARE(parts(w).document()->index(), 0);
        QTest::keyClick(&w, Qt::Key_End);
        QCOMPARE(parts(w).document()->index(), 2);
        QSignalSpy finished(parts(w).engine(), &EngineController::finished);
        QTest::keyClick(&w, Qt::Key_Space);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kStepTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(!parts(w).document()->hasMasks(), kStepTimeoutMs);
    }

    void badModelDirectoryKeepsWindowUsable()
    {
        MainWindow w;
        w.show();
        QSignalSpy failed(parts(w).engine(), &EngineController::failed);
        const QString missing = m_tmp.filePath(QStringLiteral("no-such-model"));
        w.loadModel(missing);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kLoadTimeoutMs);
        QVERIFY(!failed.at(0).at(0).toString().isEmpty());
        QCOMPARE(w.statusText(), failed.at(0).at(0).toString());
        QVERIFY(parts(w).document()->isEmpty());

        // Start without a model is refused with a message, not a crash.
        w.startSession();
        QVERIFY(w.statusText().contains(QStringLiteral("No model")));

        // The same window then loads a good model and runs.
        QVERIFY(loadAndStart(w, smallSettings()));
        parts(w).playback()->step();
        QTRY_COMPARE_WITH_TIMEOUT(parts(w).document()->index(), 1, kStepTimeoutMs);
        checkCanvasShowsCurrent(w);

        // Impossible settings come back as an error message too.
        GenerationSettings tooLong = smallSettings(1000, 8); // the tiny model sees 256 positions
        parts(w).generationPanel()->setMaxSequenceLength(0);
        parts(w).generationPanel()->setSettings(tooLong);
        const int failures = failed.count();
        w.startSession();
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), failures + 1, kStepTimeoutMs);
        QVERIFY2(w.statusText().contains(QStringLiteral("max_sequence_length")), qPrintable(w.statusText()));
    }

    void canvasWrapsAThousandTokens()
    {
        auto record = std::make_shared<StepRecord>();
        const int n = 1000;
        record->tokens.assign(n, 7);
        record->states.assign(n, PositionState::Committed);
        record->flags.assign(n, 0);
        for (int i = 0; i < 20; ++i)
            record->states[static_cast<size_t>(i)] = PositionState::Prompt;
        for (int i = 500; i < n; ++i)
            record->tokens[static_cast<size_t>(i)] = 3;
        record->states[700] = PositionState::Masked;
        record->flags[100] = FlagLocked;
        CanvasView view;
        view.setPieceText([](int32_t id) { return id == 7 ? QStringLiteral(" word") : QStringLiteral("<mask>"); });
        view.setMaskId(3);
        view.resize(600, 200);
        view.setRecord(record);
        QCOMPARE(view.chipCount(), n);
        QCOMPARE(view.maskedCount(), 500);
        const int h = view.heightForWidth(600);
        QVERIFY2(h > 1000, qPrintable(QString::number(h)));
        view.resize(600, h);
        for (int pos = 0; pos < n; ++pos) {
            const QRectF r = view.chipRect(pos);
            QVERIFY(r.left() >= 0 && r.right() <= 600 && r.bottom() <= h);
            if (pos > 0) {
                const QRectF prev = view.chipRect(pos - 1);
                // Reading order: to the right on the same line, or on a later line.
                QVERIFY(r.top() > prev.top() || (r.top() == prev.top() && r.left() >= prev.right()));
            }
        }
        QVERIFY(view.chip(100)->locked);
        QImage image(view.size(), QImage::Format_ARGB32);
        view.render(&image); // must not crash or take long with 1,000 chips

        // In a scroll area the canvas takes its height-for-width, so all of it can be scrolled to.
        QScrollArea area;
        auto *inArea = new CanvasView;
        inArea->setPieceText([](int32_t) { return QStringLiteral(" word"); });
        inArea->setMaskId(3);
        area.setWidget(inArea);
        area.setWidgetResizable(true);
        area.setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
        area.resize(640, 300);
        area.show();
        inArea->setRecord(record);
        QTRY_VERIFY(area.verticalScrollBar()->maximum() > 0);
        QCOMPARE(inArea->height(), inArea->heightForWidth(inArea->width()));
        QVERIFY(inArea->chipRect(n - 1).bottom() <= inArea->height());
    }

    void viridisEndpoints()
    {
        QCOMPARE(colors::viridis(0.0), QColor(0x44, 0x01, 0x54));
        QCOMPARE(colors::viridis(1.0), QColor(0xFD, 0xE7, 0x25));
        QCOMPARE(colors::viridis(2.0), colors::viridis(1.0));
        QVERIFY(!colors::viridis(std::nan("")).isValid());
        QCOMPARE(colors::textOn(colors::viridis(0.0)), QColor(Qt::white));
        QCOMPARE(colors::textOn(colors::viridis(1.0)), QColor(Qt::black));
    }

    void parseOptions_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("stepsTo");
        QTest::addColumn<QString>("screenshot");
        const QString p = QStringLiteral("dlmstudio");
        QTest::newRow("none") << QStringList {p} << true << QString() << -1 << QString();
        QTest::newRow("all") << QStringList {p, QStringLiteral("--model"), QStringLiteral("m"),
            QStringLiteral("--prompt"), QStringLiteral("the cat"), QStringLiteral("--steps-to"), QStringLiteral("3"),
            QStringLiteral("--screenshot"), QStringLiteral("o.png")}
                             << true << QStringLiteral("m") << 3 << QStringLiteral("o.png");
        QTest::newRow("bad steps") << QStringList {p, QStringLiteral("--steps-to"), QStringLiteral("x")} << false
                                   << QString() << -1 << QString();
        QTest::newRow("negative steps") << QStringList {p, QStringLiteral("--steps-to"), QStringLiteral("-1")} << false
                                        << QString() << -1 << QString();
        QTest::newRow("not png") << QStringList {p, QStringLiteral("--screenshot"), QStringLiteral("o.jpg")} << false
                                 << QString() << -1 << QString();
        QTest::newRow("unknown") << QStringList {p, QStringLiteral("--frobnicate")} << false << QString() << -1
                                 << QString();
        QTest::newRow("bad theme") << QStringList {p, QStringLiteral("--theme"), QStringLiteral("purple")} << false
                                   << QString() << -1 << QString();
        QTest::newRow("timeline") << QStringList {p, QStringLiteral("run.json")} << true << QString() << -1
                                  << QString();
        QTest::newRow("two timelines") << QStringList {p, QStringLiteral("a.json"), QStringLiteral("b.json")} << false
                                       << QString() << -1 << QString();
        QTest::newRow("timeline and prompt")
            << QStringList {p, QStringLiteral("a.json"), QStringLiteral("--prompt"), QStringLiteral("x")} << false
            << QString() << -1 << QString();
        QTest::newRow("missing value") << QStringList {p, QStringLiteral("--model")} << false << QString() << -1
                                       << QString();
    }

    void parseOptions()
    {
        QFETCH(QStringList, args);
        QFETCH(bool, ok);
        auto parsed = parseGuiOptions(args);
        QCOMPARE(parsed.ok(), ok);
        if (!ok) {
            QVERIFY(!parsed.error().empty());
            QVERIFY(parsed.error().find('\n') == std::string::npos);
            return;
        }
        QFETCH(QString, model);
        QFETCH(int, stepsTo);
        QFETCH(QString, screenshot);
        QCOMPARE(parsed->modelDir, model);
        QCOMPARE(parsed->stepsTo, stepsTo);
        QCOMPARE(parsed->screenshot, screenshot);
        QCOMPARE(
            parsed->timelineFile, args.size() == 2 && args[1].endsWith(QStringLiteral(".json")) ? args[1] : QString());
    }

    void defaultModelIsFound()
    {
        QTemporaryDir root;
        QVERIFY(QDir(root.path()).mkpath(QStringLiteral("models/demo")));
        QVERIFY(QDir(root.path()).mkpath(QStringLiteral("build/bin")));
        const QString bin = root.filePath(QStringLiteral("build/bin"));
        QCOMPARE(findDefaultModel(bin, bin), QString()); // no config.json yet
        QFile config(root.filePath(QStringLiteral("models/demo/config.json")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.close();
        const QString expected = QDir::cleanPath(root.filePath(QStringLiteral("models/demo")));
        QCOMPARE(findDefaultModel(bin, bin), expected); // ../../models/demo from the executable
        QCOMPARE(findDefaultModel(root.path(), bin), expected); // models/demo from the working directory
    }

    void screenshotIsWritten()
    {
        MainWindow w;
        w.resize(1000, 600);
        w.show();
        GuiOptions options;
        options.modelDir = m_modelDir;
        options.prompt = QStringLiteral("the cat");
        options.hasPrompt = true;
        options.stepsTo = 3;
        options.screenshot = m_tmp.filePath(QStringLiteral("shot.png"));
        StartupDriver &driver = *w.createStartupDriver(options);
        QSignalSpy done(&driver, &StartupDriver::done);
        driver.start();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, kLoadTimeoutMs);
        QCOMPARE(done.at(0).at(0).toInt(), 0);
        QCOMPARE(parts(w).document()->index(), 3);
        QImage shot(options.screenshot);
        QVERIFY(!shot.isNull());
        QCOMPARE(shot.size(), w.size() * shot.devicePixelRatio());
    }

    void screenshotOfBadModelFails()
    {
        MainWindow w;
        GuiOptions options;
        options.modelDir = m_tmp.filePath(QStringLiteral("missing"));
        options.screenshot = m_tmp.filePath(QStringLiteral("never.png"));
        StartupDriver &driver = *w.createStartupDriver(options);
        QSignalSpy done(&driver, &StartupDriver::done);
        driver.start();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, kLoadTimeoutMs);
        QCOMPARE(done.at(0).at(0).toInt(), 2);
        QVERIFY(!done.at(0).at(1).toString().isEmpty());
        QVERIFY(!QFile::exists(options.screenshot));
    }
};

QTEST_MAIN(TestGui)
#include "test_gui.moc"
