// Undo and redo in the assembled window on the tiny model: every undo and redo is an engine request that
// either applies whole or is refused with the undo stack left where it was, and after every operation the
// window shows exactly the engine's timeline (the same shared records) and cursor. Offscreen.
#include "ui/document/edit_controller.h"
#include "ui/document/playback_controller.h"
#include "ui/document/session_files.h"
#include "ui/document/timeline_document.h"
#include "ui/engine/engine_controller.h"
#include "ui/window/mainwindow.h"
#include "tiny_model.h"
#include "window_driver.h"

#include <QAction>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>

using namespace dlm;
using dlm::testing::parts;

namespace {

GenerationSettings smallSettings()
{
    GenerationSettings s;
    s.genLength = 16;
    s.steps = 16;
    s.blockLength = 16;
    s.topK = 4;
    return s;
}

/** True when both timelines hold the very same records on the same branches. */
bool sameRecords(const Timeline &a, const Timeline &b)
{
    if (a.branchCount() != b.branchCount())
        return false;
    for (int id = 0; id < a.branchCount(); ++id) {
        if (a.branch(id).records != b.branch(id).records || a.branch(id).forkIndex != b.branch(id).forkIndex)
            return false;
    }
    return true;
}

} // namespace

class TestUndo : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_modelDir;

    bool loadAndStart(MainWindow &w) { return testing::loadAndStart(w, m_modelDir, smallSettings()); }
    static bool idle(MainWindow &w) { return testing::waitIdle(w); }

    /** Undo or redo through the Edit menu's action, then waits for the engine's answer. */
    static bool trigger(MainWindow &w, QAction *action)
    {
        action->trigger();
        return idle(w);
    }

    /** The Edit menu says what the stack would undo and redo. */
    static void checkMenuTexts(MainWindow &w)
    {
        QUndoStack *stack = parts(w).edits()->undoStack();
        QCOMPARE(parts(w).edits()->undoAction()->text(),
            stack->canUndo() ? QStringLiteral("&Undo %1").arg(stack->undoText()) : QStringLiteral("&Undo edit"));
        QCOMPARE(parts(w).edits()->redoAction()->text(),
            stack->canRedo() ? QStringLiteral("&Redo %1").arg(stack->redoText()) : QStringLiteral("&Redo edit"));
    }

    /** What the quit prompt asks (answered Cancel, so the window stays). */
    static QString quitQuestion(MainWindow &w)
    {
        QString asked;
        parts(w).files()->setAsker([&asked](const QString &q) {
            asked = q;
            return SessionFiles::Choice::Cancel;
        });
        w.close();
        return asked;
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

    // The reported sequence: fork at an earlier step, step twice, remask, undo twice, redo twice.
    void forkStepRemaskThenUndoAndRedoTwice()
    {
        MainWindow w;
        w.show();
        QVERIFY(loadAndStart(w));
        QVERIFY(testing::stepTo(w, 6));
        TimelineDocument *doc = parts(w).document();
        QUndoStack *stack = parts(w).edits()->undoStack();
        const Timeline beforeFork = doc->timeline();

        parts(w).playback()->goTo(2);
        QVERIFY(idle(w));
        const int forkPos = testing::committedPosition(*doc->currentRecord(), doc->maskId());
        QVERIFY(forkPos >= 0);
        parts(w).edits()->replaceToken(forkPos, 42);
        QVERIFY(idle(w));
        QCOMPARE(doc->timeline().branchCount(), 2);
        QCOMPARE(doc->branch(), 1);
        QCOMPARE(doc->index(), 3);
        QVERIFY(testing::stepTo(w, 6));
        const int remaskPos = testing::committedPosition(*doc->currentRecord(), doc->maskId());
        QVERIFY(remaskPos >= 0);
        parts(w).edits()->remask(remaskPos);
        QVERIFY(idle(w));
        QCOMPARE(doc->count(), 7);
        QCOMPARE(stack->index(), 2);
        QVERIFY2(testing::differenceFromEngine(w).isEmpty(), qPrintable(testing::differenceFromEngine(w)));
        const Timeline afterEdits = doc->timeline();
        QVERIFY(quitQuestion(w).contains(QStringLiteral("2 edit")));

        // Undo the remask: back at the record it was made at, the fork's steps still there.
        QVERIFY(trigger(w, parts(w).edits()->undoAction()));
        QCOMPARE(stack->index(), 1);
        QVERIFY2(w.statusText().startsWith(QStringLiteral("Undone: send position")), qPrintable(w.statusText()));
        QVERIFY2(testing::differenceFromEngine(w).isEmpty(), qPrintable(testing::differenceFromEngine(w)));
        QCOMPARE(doc->branch(), 1);
        QCOMPARE(doc->index(), 5);
        QCOMPARE(doc->count(), 6);
        checkMenuTexts(w);

        // Undo the fork: exactly the history before it, the cursor where the edit was made.
        QVERIFY(trigger(w, parts(w).edits()->undoAction()));
        QCOMPARE(stack->index(), 0);
        QVERIFY2(w.statusText().startsWith(QStringLiteral("Undone: replace position")), qPrintable(w.statusText()));
        QVERIFY2(testing::differenceFromEngine(w).isEmpty(), qPrintable(testing::differenceFromEngine(w)));
        QVERIFY(sameRecords(doc->timeline(), beforeFork));
        QCOMPARE(doc->branch(), 0);
        QCOMPARE(doc->index(), 2);
        checkMenuTexts(w);

        // Redo the fork: the branch comes back with the two steps computed after the edit, not recomputed.
        QVERIFY(trigger(w, parts(w).edits()->redoAction()));
        QCOMPARE(stack->index(), 1);
        QVERIFY2(w.statusText().startsWith(QStringLiteral("Redone: replace position")), qPrintable(w.statusText()));
        QVERIFY2(testing::differenceFromEngine(w).isEmpty(), qPrintable(testing::differenceFromEngine(w)));
        QCOMPARE(doc->timeline().branchCount(), 2);
        const auto &forked = afterEdits.branch(1).records;
        QVERIFY(doc->timeline().branch(1).records == std::vector<RecordPtr>(forked.begin(), forked.begin() + 6));
        QCOMPARE(doc->branch(), 1);
        QCOMPARE(doc->index(), 3);
        checkMenuTexts(w);

        // Redo the remask: everything as it was before the undos.
        QVERIFY(trigger(w, parts(w).edits()->redoAction()));
        QCOMPARE(stack->index(), 2);
        QVERIFY2(w.statusText().startsWith(QStringLiteral("Redone: send position")), qPrintable(w.statusText()));
        QVERIFY2(testing::differenceFromEngine(w).isEmpty(), qPrintable(testing::differenceFromEngine(w)));
        QVERIFY(sameRecords(doc->timeline(), afterEdits));
        QCOMPARE(doc->index(), 6);
        checkMenuTexts(w);

        QVERIFY(quitQuestion(w).contains(QStringLiteral("2 edit")));
        QVERIFY(trigger(w, parts(w).edits()->undoAction()));
        QVERIFY(quitQuestion(w).contains(QStringLiteral("1 edit")));
    }

    // A step computed where an undone edit would go back: the redo is refused and nothing moves.
    void refusedRedoLeavesTheStackAndTheTimeline()
    {
        MainWindow w;
        w.show();
        QVERIFY(loadAndStart(w));
        QVERIFY(testing::stepTo(w, 3));
        TimelineDocument *doc = parts(w).document();
        QUndoStack *stack = parts(w).edits()->undoStack();
        parts(w).edits()->remask(testing::committedPosition(*doc->currentRecord(), doc->maskId()));
        QVERIFY(idle(w));
        QVERIFY(trigger(w, parts(w).edits()->undoAction()));
        QCOMPARE(stack->index(), 0);
        QVERIFY(testing::stepTo(w, 4)); // record 3 again, this time without the edit
        const Timeline stepped = doc->timeline();

        QVERIFY(trigger(w, parts(w).edits()->redoAction()));
        QCOMPARE(stack->index(), 0);
        QVERIFY(stack->canRedo());
        QVERIFY2(w.statusText().startsWith(QStringLiteral("Cannot redo")), qPrintable(w.statusText()));
        QVERIFY2(w.statusText().contains(QStringLiteral("computed")), qPrintable(w.statusText()));
        QVERIFY(sameRecords(doc->timeline(), stepped));
        QVERIFY2(testing::differenceFromEngine(w).isEmpty(), qPrintable(testing::differenceFromEngine(w)));
        checkMenuTexts(w);
    }

    // 200 seeded operations of every kind; after each, the window shows the engine's timeline and cursor,
    // and an undo or redo either moved the stack by one or was refused with the stack where it was.
    void randomOperationsKeepTheWindowAndTheEngineIdentical()
    {
        MainWindow w;
        w.show();
        QVERIFY(loadAndStart(w));
        TimelineDocument *doc = parts(w).document();
        QUndoStack *stack = parts(w).edits()->undoStack();
        QRandomGenerator rng(20261127);
        const QStringList words = {QStringLiteral(" the dog"), QStringLiteral(" cat"), QStringLiteral(" the")};
        int undone = 0, redone = 0, refused = 0;
        Timeline beforeUndo;
        bool lastWasUndo = false;

        for (int op = 0; op < 200; ++op) {
            const RecordPtr record = doc->currentRecord();
            const int promptLength = static_cast<int>(doc->timeline().promptIds.size());
            const int pos = promptLength + static_cast<int>(rng.bounded(record->length() - promptLength));
            const int kind = static_cast<int>(rng.bounded(11));
            const int stackBefore = stack->index();
            const bool couldUndo = stack->canUndo(), couldRedo = stack->canRedo();
            const Timeline timelineBefore = doc->timeline();
            QString what;
            switch (kind) {
            case 0: {
                int32_t id = 40 + static_cast<int32_t>(rng.bounded(20));
                what = QStringLiteral("replace %1 with %2").arg(pos).arg(id);
                parts(w).edits()->replaceToken(pos, id == doc->maskId() ? 41 : id);
                break;
            }
            case 1:
                what = QStringLiteral("type at %1").arg(pos);
                parts(w).edits()->replaceText(pos, words.at(static_cast<int>(rng.bounded(words.size()))));
                break;
            case 2:
                what = QStringLiteral("remask %1").arg(pos);
                parts(w).edits()->remask(pos);
                break;
            case 3:
                what = QStringLiteral("lock/unlock %1").arg(pos);
                parts(w).edits()->setLocked(pos, rng.bounded(2) == 0);
                break;
            case 4:
            case 5:
                what = QStringLiteral("undo");
                parts(w).edits()->undoAction()->trigger();
                break;
            case 6:
            case 7:
                what = QStringLiteral("redo");
                parts(w).edits()->redoAction()->trigger();
                break;
            case 8:
                what = QStringLiteral("step");
                parts(w).playback()->step();
                break;
            case 9: {
                const int branch = static_cast<int>(rng.bounded(doc->timeline().branchCount()));
                what = QStringLiteral("switch to branch %1").arg(branch);
                parts(w).playback()->switchBranch(branch, -1);
                break;
            }
            default: {
                const int index = static_cast<int>(rng.bounded(doc->count()));
                what = QStringLiteral("go to %1").arg(index);
                parts(w).playback()->goTo(index);
                break;
            }
            }
            QVERIFY(idle(w));
            const QString where = QStringLiteral("operation %1 (%2): ").arg(op).arg(what);
            const QString diff = testing::differenceFromEngine(w);
            QVERIFY2(diff.isEmpty(), qPrintable(where + diff));
            checkMenuTexts(w);

            const bool undoing = what == QStringLiteral("undo") && couldUndo;
            const bool redoing = what == QStringLiteral("redo") && couldRedo;
            if (undoing || redoing) {
                const bool moved = stack->index() == stackBefore + (undoing ? -1 : 1);
                QVERIFY2(moved || stack->index() == stackBefore, qPrintable(where + w.statusText()));
                const QString verb = undoing ? QStringLiteral("Undone") : QStringLiteral("Redone");
                const QString refusal = undoing ? QStringLiteral("Cannot undo") : QStringLiteral("Cannot redo");
                QVERIFY2(w.statusText().startsWith(moved ? verb : refusal), qPrintable(where + w.statusText()));
                if (!moved)
                    QVERIFY2(sameRecords(doc->timeline(), timelineBefore), qPrintable(where));
                // Redo right after an undo gives back the very records the undo took.
                if (moved && redoing && lastWasUndo)
                    QVERIFY2(sameRecords(doc->timeline(), beforeUndo), qPrintable(where));
                (moved ? (undoing ? undone : redone) : refused) += 1;
                lastWasUndo = moved && undoing;
                if (lastWasUndo)
                    beforeUndo = timelineBefore;
            } else if (!what.startsWith(QStringLiteral("undo")) && !what.startsWith(QStringLiteral("redo"))) {
                lastWasUndo
                    = lastWasUndo && stack->index() == stackBefore && sameRecords(doc->timeline(), timelineBefore);
            }
        }
        qInfo("undone %d, redone %d, refused %d, %d edits on the stack", undone, redone, refused, stack->count());
        QVERIFY(undone >= 10);
        QVERIFY(redone >= 5);
    }
};

QTEST_MAIN(TestUndo)
#include "test_undo.moc"
