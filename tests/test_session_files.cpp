// Timelines as files in the window: save, open as a replay without a model, continue once the model is
// loaded, refuse another model, ask before unsaved edits go, and play a replay at a set speed. Offscreen.
#include "ui/document/edit_controller.h"
#include "ui/engine/engine_controller.h"
#include "ui/panels/generation_panel.h"
#include "ui/window/mainwindow.h"
#include "ui/document/playback_controller.h"
#include "ui/document/session_files.h"
#include "ui/panels/step_controls.h"
#include "ui/document/timeline_document.h"
#include "tiny_model.h"
#include "window_driver.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>

using namespace dlm;
using dlm::testing::parts;

namespace {

constexpr int kTimeoutMs = 60000;

GenerationSettings smallSettings()
{
    GenerationSettings s;
    s.genLength = 16;
    s.steps = 8;
    s.blockLength = 16;
    s.temperature = 0.7;
    s.seed = 3;
    return s;
}

} // namespace

class TestSessionFiles : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_modelDir;

    bool load(MainWindow &w, const QString &dir) { return testing::loadModel(w, dir); }
    bool loadAndStart(MainWindow &w) { return testing::loadAndStart(w, m_modelDir, smallSettings()); }

    static bool stepOnce(MainWindow &w)
    {
        const int before = parts(w).document()->count();
        parts(w).playback()->step();
        return QTest::qWaitFor(
            [&] { return parts(w).document()->count() == before + 1 && !parts(w).engine()->isBusy(); }, kTimeoutMs);
    }

    static bool idle(MainWindow &w) { return testing::waitIdle(w); }

    /** A saved run: three steps and an edit, on the tiny model. */
    QString savedRun(MainWindow &w, const QString &name)
    {
        if (!loadAndStart(w) || !stepOnce(w) || !stepOnce(w))
            return {};
        const int pos = static_cast<int>(parts(w).document()->timeline().promptIds.size()) + 1;
        parts(w).edits()->replaceToken(pos, 42);
        if (!QTest::qWaitFor([&] { return parts(w).document()->count() == 4; }, kTimeoutMs) || !idle(w) || !stepOnce(w))
            return {};
        const QString path = m_tmp.filePath(name);
        return parts(w).files()->saveTo(path) ? path : QString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_tmp.isValid());
        m_modelDir = m_tmp.filePath(QStringLiteral("tiny"));
        auto config = testing::writeTinyModel(m_modelDir.toStdString());
        QVERIFY2(config.ok(), config.error().c_str());
    }

    void savedRunReplaysWithoutAModelAndContinuesWithIt()
    {
        MainWindow original;
        original.show();
        const QString path = savedRun(original, QStringLiteral("run.json"));
        QVERIFY(!path.isEmpty());
        QVERIFY(parts(original).edits()->undoStack()->isClean());
        QVERIFY(original.windowTitle().startsWith(QStringLiteral("run.json")));
        const Timeline saved = parts(original).document()->timeline();

        MainWindow replay;
        replay.show();
        QVERIFY(parts(replay).files()->openFile(path));
        TimelineDocument *doc = parts(replay).document();
        QVERIFY(!doc->isLive());
        QCOMPARE(doc->count(), saved.branch(0).size());
        QCOMPARE(doc->index(), doc->count() - 1);
        QVERIFY(replay.statusText().contains(QStringLiteral("without a model")));
        // History works; stepping past the end and editing need the model.
        QVERIFY(!parts(replay).playback()->state().canStep);
        parts(replay).playback()->first();
        QCOMPARE(doc->index(), 0);
        QVERIFY(parts(replay).edits()->blockedReason().contains(QStringLiteral("replay")));
        // Run plays the replay record by record to its end.
        parts(replay).playback()->setSpeed(100);
        parts(replay).playback()->run();
        QVERIFY(parts(replay).playback()->isPacing());
        QTRY_COMPARE_WITH_TIMEOUT(doc->index(), doc->count() - 1, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(!parts(replay).playback()->isPacing(), kTimeoutMs);

        // Loading the model it was made with continues it; the next step equals the original's next step.
        QVERIFY(load(replay, m_modelDir));
        QTRY_VERIFY_WITH_TIMEOUT(doc->isLive(), kTimeoutMs);
        QVERIFY(idle(replay));
        QCOMPARE(doc->count(), saved.branch(0).size());
        QVERIFY(replay.statusText().contains(QStringLiteral("Continuing run.json")));
        QVERIFY(stepOnce(replay));
        QVERIFY(stepOnce(original));
        QVERIFY(doc->currentRecord()->tokens == parts(original).document()->currentRecord()->tokens);
        QVERIFY(doc->currentRecord()->committed == parts(original).document()->currentRecord()->committed);
    }

    void anotherModelIsRefused()
    {
        MainWindow original;
        const QString path = savedRun(original, QStringLiteral("other-model.json"));
        QVERIFY(!path.isEmpty());

        const QString otherDir = m_tmp.filePath(QStringLiteral("tiny-128"));
        testing::TinyModelOptions options;
        options.maxSequenceLength = 128; // a different config.json
        QVERIFY(testing::writeTinyModel(otherDir.toStdString(), options).ok());
        MainWindow w;
        QVERIFY(load(w, otherDir));
        QSignalSpy failed(parts(w).engine(), &EngineController::failed);
        QVERIFY(parts(w).files()->openFile(path));
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kTimeoutMs);
        QVERIFY2(w.statusText().contains(QStringLiteral("was made with model")), qPrintable(w.statusText()));
        // The replay stays on screen, usable as a replay.
        QVERIFY(!parts(w).document()->isLive());
        QCOMPARE(parts(w).document()->count(), parts(original).document()->count());
    }

    void badFilesAndPathsAreReported()
    {
        MainWindow w;
        const QString broken = m_tmp.filePath(QStringLiteral("broken.json"));
        QFile f(broken);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"format\": \"dlmstudio-timeline\", \"version\": 1, \"settings\": ");
        f.close();
        QVERIFY(!parts(w).files()->openFile(broken));
        QVERIFY2(w.statusText().contains(QStringLiteral("broken.json")), qPrintable(w.statusText()));
        QVERIFY(parts(w).document()->isEmpty());

        QVERIFY(!parts(w).files()->saveTo(m_tmp.filePath(QStringLiteral("x.json")))); // nothing to save yet
        QVERIFY(loadAndStart(w));
        const QString unwritable = m_tmp.filePath(QStringLiteral("no-such-dir/run.json"));
        QVERIFY(!parts(w).files()->saveTo(unwritable));
        QVERIFY2(w.statusText().contains(QStringLiteral("no-such-dir")), qPrintable(w.statusText()));
        QVERIFY(!QFile::exists(unwritable));
    }

    void unsavedEditsAreNotLostSilently()
    {
        MainWindow w;
        QVERIFY(loadAndStart(w));
        QVERIFY(stepOnce(w));
        QVERIFY(!parts(w).files()->hasUnsavedEdits()); // steps can be recomputed; only edits count
        parts(w).edits()->remask(parts(w).document()->currentRecord()->committed.at(0));
        QTRY_COMPARE_WITH_TIMEOUT(parts(w).document()->count(), 3, kTimeoutMs);
        QVERIFY(idle(w));
        QVERIFY(parts(w).files()->hasUnsavedEdits());
        QVERIFY(w.isWindowModified());

        QStringList asked;
        SessionFiles::Choice answer = SessionFiles::Choice::Cancel;
        parts(w).files()->setAsker([&](const QString &q) {
            asked << q;
            return answer;
        });
        QSignalSpy started(parts(w).engine(), &EngineController::sessionStarted);
        w.startSession();
        QCOMPARE(asked.size(), 1);
        QVERIFY(asked.front().contains(QStringLiteral("1 edit")));
        QTest::qWait(50);
        QCOMPARE(started.count(), 0); // cancelled: the session and its edit are still there
        QCOMPARE(parts(w).document()->count(), 3);

        answer = SessionFiles::Choice::Discard;
        w.startSession();
        QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, kTimeoutMs);
        QCOMPARE(parts(w).document()->count(), 1);
        QVERIFY(!parts(w).files()->hasUnsavedEdits());
    }

    void openingATimelineFillsThePanelSoStartRerunsIt()
    {
        MainWindow original;
        const QString path = savedRun(original, QStringLiteral("rerun.json"));
        QVERIFY(!path.isEmpty());
        const Timeline saved = parts(original).document()->timeline();

        MainWindow w;
        QVERIFY(load(w, m_modelDir));
        GenerationSettings other = smallSettings();
        other.genLength = 32;
        other.blockLength = 32;
        other.temperature = 0.0;
        other.seed = 99;
        parts(w).generationPanel()->setSettings(other);
        parts(w).generationPanel()->setPrompt(QStringLiteral("a different prompt"));
        const ComputeDType loadedAs = parts(w).generationPanel()->dtype();
        QVERIFY(parts(w).files()->openFile(path));
        QCOMPARE(parts(w).generationPanel()->prompt(), QStringLiteral("the cat"));
        GenerationSettings shown = parts(w).generationPanel()->settings();
        QCOMPARE(parts(w).generationPanel()->dtype(), loadedAs); // how the model was loaded is not the file's to change
        shown.dtype = saved.settings.dtype;
        QVERIFY(shown == saved.settings);

        // Start reruns what is on screen: the same records as the saved run, step for step.
        QTRY_VERIFY_WITH_TIMEOUT(parts(w).document()->isLive(), kTimeoutMs);
        QVERIFY(idle(w));
        QSignalSpy started(parts(w).engine(), &EngineController::sessionStarted);
        w.startSession();
        QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, kTimeoutMs);
        QVERIFY(stepOnce(w) && stepOnce(w));
        for (int i = 0; i < 3; ++i)
            QVERIFY(parts(w).document()->recordAt(i)->tokens == saved.branch(0).at(i).tokens);
    }

    void playbackSpeedPacesALiveRun()
    {
        MainWindow w;
        QVERIFY(loadAndStart(w));
        parts(w).stepControls()->setSpeed(30);
        QCOMPARE(parts(w).playback()->speed(), 30.0);
        QSignalSpy records(parts(w).document(), &TimelineDocument::countChanged);
        parts(w).playback()->run();
        QVERIFY(parts(w).playback()->state().running);
        QTRY_VERIFY_WITH_TIMEOUT(!parts(w).playback()->isPacing(), kTimeoutMs);
        QVERIFY(!parts(w).document()->hasMasks());
        QCOMPARE(parts(w).document()->count(), 9); // one step at a time, all eight
        // One record per tick: the engine was never asked for more than one step at once.
        QCOMPARE(records.count(), 8);
    }
};

QTEST_MAIN(TestSessionFiles)
#include "test_session_files.moc"
