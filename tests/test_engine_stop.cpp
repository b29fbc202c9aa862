// Stop and step progress on the engine thread, with a test model whose forward pass waits before each layer
// until the test lets it through (a semaphore; no sleeps): Stop during a single step, during a run and during
// a prediction ends the pass within one layer (the model runs no further layer), records nothing, reports no
// failure, and a run finishes with finished(true); a slow step sends stepProgress, which the status bar's
// StepProgressDisplay shows and hides; the Stop button is enabled while a single step computes.
// ATen before any Qt header: Qt's `slots` macro breaks LibTorch's headers (docs/design.md).
#include "canvas_function_model.h"

#include "ui/document/playback_controller.h"
#include "ui/document/timeline_document.h"
#include "ui/engine/engine_controller.h"
#include "ui/engine/engine_worker.h"
#include "ui/panels/step_controls.h"
#include "ui/panels/step_progress.h"

#include "core/session/session.h"

#include <QProgressBar>
#include <QPushButton>
#include <QSemaphore>
#include <QSignalSpy>
#include <QtTest>

#include <atomic>
#include <stdexcept>

using namespace dlm;

namespace {

constexpr int kTimeoutMs = 30000;
constexpr int kLayers = 3; // stages per pass: 3 layers and the output head
constexpr int kVocab = 40, kMask = 38;

/** CanvasFunctionModel's logits behind kLayers gated "layers" that report like a real model's. */
class GatedModel : public testing::CanvasFunctionModel
{
public:
    GatedModel()
        : CanvasFunctionModel(kVocab, kMask, 11)
    {
    }

    at::Tensor logits(const at::Tensor &ids) override
    {
        for (int layer = 1; layer <= kLayers; ++layer) {
            waiting.release(); // "I am at the gate of `layer`"
            if (!gate.tryAcquire(1, kTimeoutMs))
                throw std::runtime_error("the test never let layer " + std::to_string(layer) + " through");
            ++layersRun;
            layerDone(layer, kLayers + 1);
        }
        at::Tensor out = CanvasFunctionModel::logits(ids);
        layerDone(kLayers + 1, kLayers + 1);
        return out;
    }

    QSemaphore waiting; ///< one permit each time the pass reaches a layer's gate
    QSemaphore gate; ///< one permit lets one layer run
    std::atomic<int> layersRun {0};
};

/** An engine whose session runs on a GatedModel: 8 masks after a 4-token prompt, 4 steps. */
struct Rig
{
    std::shared_ptr<GatedModel> model = std::make_shared<GatedModel>();
    EngineController engine;

    Rig()
    {
        GenerationSettings s;
        s.genLength = 8;
        s.steps = 4;
        s.blockLength = 8;
        auto session = Session::createFromIds(model, nullptr, s, {1, 2, 3, 4});
        if (!session.ok())
            qFatal("%s", session.error().c_str());
        EngineWorker *worker = engine.worker();
        QMetaObject::invokeMethod(
            worker, [worker, &session] { worker->takeSession(std::move(*session)); }, Qt::BlockingQueuedConnection);
    }

    /** Waits until the pass is at a layer's gate; false (after a long timeout) if it never gets there. */
    bool atGate() { return model->waiting.tryAcquire(1, kTimeoutMs); }
    /** Lets `n` layers through, each once the pass has reached its gate. */
    bool passLayers(int n)
    {
        for (int i = 0; i < n; ++i) {
            if (!atGate())
                return false;
            model->gate.release();
        }
        return true;
    }
    int records() const { return engine.engineState().timeline.branch(0).size(); }
};

int steppedStates(const QSignalSpy &states)
{
    int n = 0;
    for (const QList<QVariant> &args : states)
        n += args.at(0).value<EngineState>().cause == EngineState::Cause::Stepped;
    return n;
}

QPushButton *stopButton(const StepControls &controls)
{
    for (QPushButton *b : controls.findChildren<QPushButton *>())
        if (b->text() == QStringLiteral("Stop"))
            return b;
    return nullptr;
}

} // namespace

class TestEngineStop : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stopEndsASingleStepWithinOneLayer()
    {
        Rig rig;
        TimelineDocument document;
        PlaybackController playback(&rig.engine, &document);
        StepControls controls;
        connect(&playback, &PlaybackController::stateChanged, &controls, &StepControls::setState);
        QProgressBar bar;
        StepProgressDisplay display(&rig.engine, &bar);
        QSignalSpy failed(&rig.engine, &EngineController::failed);
        QSignalSpy states(&rig.engine, &EngineController::stateChanged);
        QSignalSpy stopped(&rig.engine, &EngineController::stepStopped);
        QSignalSpy message(&display, &StepProgressDisplay::message);

        rig.engine.step(0, 0);
        QVERIFY(rig.passLayers(1));
        QVERIFY(rig.atGate()); // layer 1 done and reported; the pass waits before layer 2
        // A single step (not a run) is computing: Stop is offered.
        QVERIFY(rig.engine.isComputing());
        QVERIFY(!rig.engine.isRunning());
        QVERIFY(playback.state().computing);
        QVERIFY(stopButton(controls));
        QVERIFY(stopButton(controls)->isEnabled());

        rig.engine.stop();
        rig.model->gate.release(100); // whatever Stop fails to stop would run now
        QTRY_VERIFY_WITH_TIMEOUT(!rig.engine.isComputing(), kTimeoutMs);
        QCOMPARE(rig.model->layersRun.load(), 2); // layer 2 was running when Stop came; nothing after it
        QCOMPARE(failed.count(), 0);
        QCOMPARE(steppedStates(states), 0);
        QCOMPARE(rig.records(), 1);
        QCOMPARE(stopped.count(), 1);
        const auto at = stopped.at(0).at(0).value<StepProgressUpdate>();
        QCOMPARE(at.denoiseStep, 1);
        QCOMPARE(at.layersDone, 2);
        QCOMPARE(at.layersTotal, kLayers + 1);
        QCOMPARE(message.count(), 1);
        QCOMPARE(message.at(0).at(0).toString(),
            QStringLiteral("Stopped step 1 after layer 2 of 4; nothing was recorded for it."));
        QVERIFY(!playback.state().computing);
        QVERIFY(!stopButton(controls)->isEnabled());

        // The engine is not stuck: the next step (the gate holds permits now) completes and is recorded.
        rig.engine.step(0, 0);
        QTRY_COMPARE_WITH_TIMEOUT(steppedStates(states), 1, kTimeoutMs);
        QCOMPARE(rig.records(), 2);
        QCOMPARE(failed.count(), 0);
    }

    void stopEndsARunWithinOneLayer()
    {
        Rig rig;
        QSignalSpy failed(&rig.engine, &EngineController::failed);
        QSignalSpy states(&rig.engine, &EngineController::stateChanged);
        QSignalSpy finished(&rig.engine, &EngineController::finished);
        QSignalSpy stopped(&rig.engine, &EngineController::stepStopped);

        rig.engine.run(0, 0);
        QVERIFY(rig.passLayers(2 * kLayers)); // steps 1 and 2 complete
        QVERIFY(rig.atGate()); // step 3 waits before its first layer
        QVERIFY(rig.engine.isComputing());
        rig.engine.stop();
        rig.model->gate.release(100);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
        QCOMPARE(finished.at(0).at(0).toBool(), true);
        QCOMPARE(rig.model->layersRun.load(), 2 * kLayers + 1);
        QCOMPARE(failed.count(), 0);
        QCOMPARE(steppedStates(states), 2);
        QCOMPARE(rig.records(), 3);
        QCOMPARE(stopped.count(), 1);
        QCOMPARE(stopped.at(0).at(0).value<StepProgressUpdate>().denoiseStep, 3);
        QCOMPARE(stopped.at(0).at(0).value<StepProgressUpdate>().layersDone, 1);
        QTRY_VERIFY_WITH_TIMEOUT(!rig.engine.isComputing(), kTimeoutMs);
        QVERIFY(!rig.engine.isRunning());
    }

    void stopAnswersPredictionsInFlightAndQueued()
    {
        Rig rig;
        QSignalSpy failed(&rig.engine, &EngineController::failed);
        QSignalSpy replies(&rig.engine, &EngineController::predictionReady);
        const quint64 first = rig.engine.predict(0, 0, 6);
        QVERIFY(rig.atGate());
        const quint64 second = rig.engine.predict(0, 0, 7); // queued behind the first
        QVERIFY(rig.engine.isComputing());
        rig.engine.stop();
        rig.model->gate.release(100);
        QTRY_COMPARE_WITH_TIMEOUT(replies.count(), 2, kTimeoutMs);
        QCOMPARE(rig.model->layersRun.load(), 1); // the first ended after its first layer, the second never ran
        for (int i = 0; i < 2; ++i) {
            const auto reply = replies.at(i).at(0).value<PredictionReply>();
            QCOMPARE(reply.id, i == 0 ? first : second);
            QVERIFY(!reply.ok);
            QVERIFY2(reply.error.startsWith(QStringLiteral("stopped")), qPrintable(reply.error));
        }
        QCOMPARE(failed.count(), 0);

        // A prediction asked after the stop runs.
        rig.engine.predict(0, 0, 6);
        QTRY_COMPARE_WITH_TIMEOUT(replies.count(), 3, kTimeoutMs);
        QVERIFY(replies.at(2).at(0).value<PredictionReply>().ok);
    }

    void slowStepSendsProgressThatTheStatusBarShows()
    {
        Rig rig;
        QProgressBar bar;
        bar.setFormat(QStringLiteral("%p% loaded"));
        bar.hide();
        StepProgressDisplay display(&rig.engine, &bar);
        QSignalSpy progress(&rig.engine, &EngineController::stepProgress);

        rig.engine.step(0, 0);
        QVERIFY(rig.atGate());
        // The step started before the pass reached its first gate. Held here 150 ms, it has run longer than
        // the 100 ms after which a step reports, whatever the machine's speed.
        QTest::qWait(150);
        rig.model->gate.release();
        QVERIFY(rig.atGate()); // layer 1 done, reported; held before layer 2
        QTRY_VERIFY_WITH_TIMEOUT(progress.count() >= 1, kTimeoutMs);
        const auto update = progress.last().at(0).value<StepProgressUpdate>();
        QCOMPARE(update.denoiseStep, 1);
        QCOMPARE(update.layersDone, 1);
        QCOMPARE(update.layersTotal, kLayers + 1);
        QCOMPARE(update.branch, 0);
        QVERIFY(!update.prediction);
        QVERIFY(display.isShowing());
        QVERIFY(!bar.isHidden());
        QCOMPARE(bar.format(), QStringLiteral("Step 1 · layer 2 of 4")); // layer 2 is computing

        rig.model->gate.release(100);
        QTRY_VERIFY_WITH_TIMEOUT(!rig.engine.isComputing(), kTimeoutMs);
        QVERIFY(!display.isShowing());
        QVERIFY(bar.isHidden());
        QCOMPARE(bar.format(), QStringLiteral("%p% loaded")); // the bar is loading's again
        QCOMPARE(rig.records(), 2);
    }

    void progressWordsNameTheLayerInProgressAndTheHead()
    {
        StepProgressUpdate u;
        u.denoiseStep = 12;
        u.layersTotal = 33;
        u.layersDone = 16;
        QCOMPARE(StepProgressDisplay::describe(u), QStringLiteral("Step 12 · layer 17 of 33"));
        u.layersDone = 32; // every transformer layer done: the head computes
        QCOMPARE(StepProgressDisplay::describe(u), QStringLiteral("Step 12 · output head"));
        u.prediction = true;
        u.layersDone = 0;
        QCOMPARE(StepProgressDisplay::describe(u), QStringLiteral("Prediction · layer 1 of 33"));
    }
};

QTEST_MAIN(TestEngineStop)
#include "test_engine_stop.moc"
