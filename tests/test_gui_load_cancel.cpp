// Cancelling a model load in the window: the engine is held inside the loader at a chosen stage (a progress
// hook that waits on a semaphore, so nothing depends on speed), the test clicks Cancel, and the window must
// keep the model and the timeline it had, say "Loading cancelled." and go on stepping.
#include "ui/engine/engine_controller.h"
#include "ui/engine/engine_worker.h"
#include "ui/panels/generation_panel.h"
#include "ui/panels/load_progress_bar.h"
#include "ui/window/mainwindow.h"

#include "tiny_model.h"
#include "window_driver.h"

#include <QProgressBar>
#include <QPushButton>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>

using namespace dlm;
using dlm::testing::parts;

class TestGuiLoadCancel : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_first, m_second;

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_first = m_tmp.filePath(QStringLiteral("first"));
        QVERIFY(testing::writeTinyModel(m_first.toStdString()).ok());
        // The second model has shards, so every stage (the read-ahead of each file included) is reported.
        testing::TinyModelOptions other;
        other.seed = 99;
        other.shards = 2;
        m_second = m_tmp.filePath(QStringLiteral("second"));
        QVERIFY(testing::writeTinyModel(m_second.toStdString(), other).ok());
    }

    void cancelKeepsTheModelAndTimeline_data()
    {
        QTest::addColumn<int>("stage");
        QTest::newRow("tokenizer") << int(LoadStage::Tokenizer);
        QTest::newRow("mapping") << int(LoadStage::Mapping);
        QTest::newRow("checking") << int(LoadStage::Checking);
        QTest::newRow("weights") << int(LoadStage::Weights);
        QTest::newRow("read-ahead") << int(LoadStage::ReadAhead);
    }

    void cancelKeepsTheModelAndTimeline()
    {
        QFETCH(int, stage);
        MainWindow w;
        GenerationSettings settings;
        settings.genLength = 16;
        settings.steps = 8;
        settings.blockLength = 16;
        QVERIFY(testing::loadAndStart(w, m_first, settings));
        QVERIFY(testing::stepTo(w, 3));
        const EngineState before = parts(w).engine()->engineState();
        const QString title = w.windowTitle();

        // Held at the first report of `stage` until the test has clicked Cancel.
        QSemaphore reached, proceed;
        std::atomic<bool> held {false};
        parts(w).engine()->worker()->setLoadProgressHook([&](const LoadProgressInfo &info) {
            if (int(info.stage) == stage && !held.exchange(true)) {
                reached.release();
                proceed.acquire();
            }
        });
        QSignalSpy cancelled(parts(w).engine(), &EngineController::loadCancelled);
        QSignalSpy loaded(parts(w).engine(), &EngineController::modelLoaded);
        QSignalSpy failed(parts(w).engine(), &EngineController::failed);
        w.loadModel(m_second);
        auto *progress = w.findChild<LoadProgressBar *>();
        QVERIFY(progress);
        QVERIFY(progress->isVisibleTo(&w));
        QVERIFY(parts(w).engine()->isLoading());
        QVERIFY2(reached.tryAcquire(1, testing::kWindowTimeoutMs), "the load never reached the stage");

        QTest::mouseClick(progress->cancelButton(), Qt::LeftButton);
        QVERIFY(!progress->cancelButton()->isEnabled());
        proceed.release();
        QVERIFY(QTest::qWaitFor([&] { return !parts(w).engine()->isLoading(); }, testing::kWindowTimeoutMs));
        QCOMPARE(cancelled.count(), 1);
        QCOMPARE(loaded.count(), 0);
        QCOMPARE(failed.count(), 0);
        QVERIFY(!progress->isVisibleTo(&w));
        QCOMPARE(w.statusText(), QStringLiteral("Loading cancelled."));
        QCOMPARE(w.windowTitle(), title);
        QCOMPARE(parts(w).generationPanel()->modelDirectory(), m_first);

        // The engine holds the same session, record for record, and the window shows it.
        const EngineState after = parts(w).engine()->engineState();
        QCOMPARE(after.branch, before.branch);
        QCOMPARE(after.index, before.index);
        QCOMPARE(after.timeline.branch(0).records, before.timeline.branch(0).records);
        QCOMPARE(testing::differenceFromEngine(w), QString());
        // And it goes on: the first model still steps.
        QVERIFY(testing::stepTo(w, 4));
        QCOMPARE(testing::differenceFromEngine(w), QString());
        QCOMPARE(parts(w).engine()->engineState().timeline.branch(0).size(), 4);

        // A load after the cancel is not cancelled by it.
        parts(w).engine()->worker()->setLoadProgressHook({});
        QVERIFY(testing::loadModel(w, m_second));
        QCOMPARE(cancelled.count(), 1);
    }

    void cancelReachesQueuedLoads()
    {
        // One load held in the loader, a second queued behind it: one Cancel stops both, nothing changes.
        MainWindow w;
        QVERIFY(testing::loadModel(w, m_first));
        QSemaphore reached, proceed;
        std::atomic<bool> held {false};
        parts(w).engine()->worker()->setLoadProgressHook([&](const LoadProgressInfo &) {
            if (!held.exchange(true)) {
                reached.release();
                proceed.acquire();
            }
        });
        QSignalSpy cancelled(parts(w).engine(), &EngineController::loadCancelled);
        QSignalSpy loaded(parts(w).engine(), &EngineController::modelLoaded);
        w.loadModel(m_second);
        QVERIFY(reached.tryAcquire(1, testing::kWindowTimeoutMs));
        w.loadModel(m_second);
        parts(w).engine()->cancelLoad();
        proceed.release();
        QVERIFY(QTest::qWaitFor([&] { return !parts(w).engine()->isLoading(); }, testing::kWindowTimeoutMs));
        QCOMPARE(cancelled.count(), 2);
        QCOMPARE(loaded.count(), 0);
        QVERIFY(parts(w).engine()->isModelLoaded());
        QCOMPARE(w.statusText(), QStringLiteral("Loading cancelled."));
    }
};

QTEST_MAIN(TestGuiLoadCancel)
#include "test_gui_load_cancel.moc"
