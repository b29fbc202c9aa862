// Presentation mode: F5 enters, Esc (or F5) leaves with the window exactly as before; only the canvas, the
// decision chart and the step controls show, larger. "Predict, then reveal" scores guesses against the
// records of a hand-made timeline. Set DLM_PRESENT_SCREENSHOT to a PNG path to also write a screenshot of
// presentation mode at 1366x768 with the demo model (for docs/, not checked).
#include "ui/document/edit_controller.h"
#include "ui/document/playback_controller.h"
#include "ui/document/timeline_document.h"
#include "ui/help/predict_reveal.h"
#include "ui/help/presentation_mode.h"
#include "ui/panels/step_controls.h"
#include "ui/views/canvas_view.h"
#include "ui/views/decision_chart.h"
#include "ui/views/view_sync.h"
#include "ui/window/mainwindow.h"

#include "test_views_fixture.h"
#include "window_driver.h"

#include "source_dir.h"

#include <QAction>
#include <QCheckBox>
#include <QDockWidget>
#include <QLabel>
#include <QMenuBar>
#include <QPushButton>
#include <QStatusBar>
#include <QtTest>

using namespace dlm;
using dlm::testing::parts;

namespace {

QStringList visibleDocks(MainWindow &w)
{
    QStringList names;
    for (QDockWidget *d : w.findChildren<QDockWidget *>()) {
        if (d->isVisible())
            names << d->objectName();
    }
    names.sort(); // raising a dock reorders the window's children
    return names;
}

void clickPosition(MainWindow &w, int pos)
{
    CanvasView *canvas = parts(w).canvasView();
    QTest::mouseClick(canvas, Qt::LeftButton, {}, canvas->chipRect(pos).center().toPoint());
}

} // namespace

class TestPresentation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void f5EntersEscLeavesWithTheLayoutRestored()
    {
        MainWindow w;
        w.resize(1366, 768);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        PresentationMode *present = parts(w).presentation();
        const QByteArray state = w.saveState();
        const QRect geometry = w.geometry();
        const QStringList docks = visibleDocks(w);
        const qreal canvasFont = parts(w).canvasView()->font().pointSizeF();
        const QColor text = parts(w).canvasView()->palette().color(QPalette::WindowText);
        QVERIFY(docks.size() >= 6);

        for (Qt::Key leaveKey : {Qt::Key_Escape, Qt::Key_F5}) {
            QTest::keyClick(&w, Qt::Key_F5);
            QVERIFY(present->isActive());
            QVERIFY(present->action()->isChecked());
            QCOMPARE(visibleDocks(w), QStringList {QStringLiteral("decisionDock")});
            QVERIFY(parts(w).canvasView()->isVisible());
            QVERIFY(parts(w).stepControls()->isVisible());
            QVERIFY(present->bar()->isVisible());
            QVERIFY(!w.menuBar()->isVisible());
            QVERIFY(!w.statusBar()->isVisible());
            QCOMPARE(parts(w).canvasView()->font().pointSizeF(), canvasFont * PresentationMode::kFontScale);
            QCOMPARE(parts(w).canvasView()->palette().color(QPalette::WindowText), QColor(Qt::black));
            QCOMPARE(parts(w).canvasView()->palette().color(QPalette::Window), QColor(Qt::white));

            // Esc is also Stop: while presenting it must leave, and Stop must not fire.
            QTest::keyClick(parts(w).canvasView(), leaveKey);
            QVERIFY(!present->isActive());
            QVERIFY(!present->action()->isChecked());
            QTRY_COMPARE(w.saveState(), state);
            QCOMPARE(w.geometry(), geometry);
            QCOMPARE(visibleDocks(w), docks);
            QVERIFY(w.menuBar()->isVisible());
            QVERIFY(w.statusBar()->isVisible());
            QVERIFY(!present->bar()->isVisible());
            QCOMPARE(parts(w).canvasView()->font().pointSizeF(), canvasFont);
            QCOMPARE(parts(w).canvasView()->palette().color(QPalette::WindowText), text);
        }
    }

    void playbackKeysWorkWhilePresenting()
    {
        // The menu bar (where the playback actions live) is hidden while presenting; their keys still work.
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        parts(w).document()->loadReplay(testing::smallRun(), QStringLiteral("small.json"));
        parts(w).playback()->goTo(0);
        parts(w).presentation()->setFullScreen(false);
        QTest::keyClick(&w, Qt::Key_F5);
        QVERIFY(parts(w).presentation()->isActive());
        QTest::keyClick(parts(w).canvasView(), Qt::Key_Right);
        QCOMPARE(parts(w).document()->index(), 1);
        // Undo and Redo belong to the edit controller, not the menu bar, and are kept too.
        QVERIFY(w.actions().contains(parts(w).edits()->undoAction()));
        QVERIFY(w.actions().contains(parts(w).edits()->redoAction()));
        QTest::keyClick(parts(w).canvasView(), Qt::Key_End);
        QCOMPARE(parts(w).document()->index(), parts(w).document()->count() - 1);
        QTest::keyClick(parts(w).canvasView(), Qt::Key_Escape);
        QVERIFY(!parts(w).presentation()->isActive());
        // Back in the normal window the keys belong to the menu bar's actions alone (no ambiguity).
        QTest::keyClick(parts(w).canvasView(), Qt::Key_Home);
        QCOMPARE(parts(w).document()->index(), 0);
        QVERIFY(!w.actions().contains(parts(w).edits()->undoAction()));
    }

    void scoreOfAKnownGuess()
    {
        const Timeline t = testing::smallRun();
        const StepRecord &first = t.branch(0).at(1); // commits 2 and 4, sends 3 and 5 back
        const GuessScore s = scoreGuess(first, {2, 3});
        QCOMPARE(s.hits, QSet<int> {2});
        QCOMPARE(s.misses, QSet<int> {4});
        QCOMPARE(s.wrong, QSet<int> {3});
        const GuessScore all = scoreGuess(first, {2, 4});
        QCOMPARE(all.hits, (QSet<int> {2, 4}));
        QVERIFY(all.misses.isEmpty() && all.wrong.isEmpty());
    }

    void predictThenRevealHidesTheStepAndScoresIt()
    {
        MainWindow w;
        w.resize(1366, 768);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        parts(w).document()->loadReplay(testing::smallRun(), QStringLiteral("small.json"));
        parts(w).playback()->goTo(0);
        PresentationMode *present = parts(w).presentation();
        present->setFullScreen(false);
        present->enter();
        present->gameToggle()->setChecked(true);
        PredictReveal *game = present->game();
        QCOMPARE(game->phase(), PredictReveal::Phase::Waiting);
        QVERIFY(!present->revealButton()->isEnabled());

        // Step 1 is computed (here: replayed) but the canvas keeps the canvas before it.
        parts(w).playback()->goTo(1);
        QCOMPARE(game->phase(), PredictReveal::Phase::Guessing);
        QCOMPARE(parts(w).canvasView()->record(), parts(w).document()->recordAt(0));
        QVERIFY(present->revealButton()->isEnabled());
        auto *cover = parts(w).decisionChart()->findChild<QLabel *>(QStringLiteral("decisionCover"));
        QVERIFY(cover && cover->isVisible());

        clickPosition(w, 2);
        clickPosition(w, 3);
        clickPosition(w, 0); // a prompt token cannot be committed: not a guess
        clickPosition(w, 5);
        clickPosition(w, 5); // a second click takes the guess back
        QCOMPARE(game->guesses(), (QSet<int> {2, 3}));

        QTest::mouseClick(present->revealButton(), Qt::LeftButton);
        QCOMPARE(game->phase(), PredictReveal::Phase::Revealed);
        QCOMPARE(parts(w).canvasView()->record(), parts(w).document()->recordAt(1));
        QVERIFY(!cover->isVisible());
        QCOMPARE(game->lastScore().hits, QSet<int> {2});
        QCOMPARE(game->lastScore().misses, QSet<int> {4});
        QCOMPARE(game->lastScore().wrong, QSet<int> {3});
        QCOMPARE(game->totalHits(), 1);
        QCOMPARE(game->totalCommitted(), 2);

        // Step 2 commits 3 and 5: both guessed. The score runs on.
        parts(w).playback()->goTo(2);
        QCOMPARE(game->phase(), PredictReveal::Phase::Guessing);
        QCOMPARE(parts(w).canvasView()->record(), parts(w).document()->recordAt(1));
        clickPosition(w, 3);
        clickPosition(w, 5);
        game->reveal();
        QCOMPARE(game->totalHits(), 3);
        QCOMPARE(game->totalCommitted(), 4);
        QCOMPARE(game->totalWrong(), 1);
        QVERIFY2(game->scoreText().contains(QStringLiteral("3 of 4")), qPrintable(game->scoreText()));

        // Leaving presentation ends the game and the canvas shows the current record again.
        parts(w).playback()->goTo(1);
        QCOMPARE(parts(w).canvasView()->record(), parts(w).document()->recordAt(0));
        present->leave();
        QCOMPARE(game->phase(), PredictReveal::Phase::Off);
        QCOMPARE(parts(w).canvasView()->record(), parts(w).document()->recordAt(1));
    }

    void screenshot()
    {
        const QString out = QString::fromLocal8Bit(qgetenv("DLM_PRESENT_SCREENSHOT"));
        if (out.isEmpty())
            return; // a picture for docs/, made on request; nothing here is asserted
        MainWindow w;
        w.resize(1366, 768);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        GenerationSettings s;
        s.genLength = 48;
        s.blockLength = 48;
        s.steps = 24;
        const QString demo = dlm::testing::sourceDir() + QStringLiteral("/models/demo");
        QVERIFY(testing::loadAndStart(w, demo, s, QStringLiteral("Once upon a time")));
        for (int i = 0; i < 9; ++i) {
            parts(w).playback()->step();
            QVERIFY(testing::waitIdle(w));
        }
        PresentationMode *present = parts(w).presentation();
        present->setFullScreen(false);
        present->enter();
        w.resize(1366, 768); // the projector's size; with the side docks gone the window can be this small
        present->gameToggle()->setChecked(true);
        parts(w).playback()->step();
        QVERIFY(testing::waitIdle(w));
        QTRY_COMPARE(present->game()->phase(), PredictReveal::Phase::Guessing);
        const RecordPtr next = parts(w).document()->currentRecord();
        int guessed = 0;
        for (int pos = 0; pos < next->length() && guessed < 3; ++pos) {
            if (next->states[static_cast<size_t>(pos)] == PositionState::Remasked) {
                clickPosition(w, pos);
                ++guessed;
            }
        }
        if (!next->committed.empty())
            clickPosition(w, next->committed.front());
        present->game()->reveal();
        parts(w).viewSync()->flush();
        QTest::qWait(100);
        QVERIFY(w.grab().save(out));
    }
};

QTEST_MAIN(TestPresentation)
#include "test_presentation.moc"
