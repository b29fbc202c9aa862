#pragma once
// Driving a MainWindow from a test the way a user would: load a model, start a session, step, wait for the
// engine thread. Header-only: only GUI tests include it, and they link dlmui.

#include "ui/engine/engine_controller.h"
#include "ui/panels/generation_panel.h"
#include "ui/window/mainwindow.h"
#include "window_parts.h"
#include "ui/document/playback_controller.h"
#include "ui/document/timeline_document.h"

#include <QSignalSpy>
#include <QTest>

namespace dlm::testing {

constexpr int kWindowTimeoutMs = 60000;

/** Loads `dir` and waits for modelLoaded; false if it did not come. */
inline bool loadModel(MainWindow &w, const QString &dir)
{
    QSignalSpy loaded(parts(w).engine(), &EngineController::modelLoaded);
    w.loadModel(dir);
    return QTest::qWaitFor([&] { return loaded.count() == 1; }, kWindowTimeoutMs);
}

/** Loads `dir`, puts `settings` and `prompt` in the panel, presses Start and waits for the session. */
inline bool loadAndStart(MainWindow &w, const QString &dir, const GenerationSettings &settings,
    const QString &prompt = QStringLiteral("the cat"))
{
    if (!loadModel(w, dir))
        return false;
    parts(w).generationPanel()->setSettings(settings);
    parts(w).generationPanel()->setPrompt(prompt);
    QSignalSpy started(parts(w).engine(), &EngineController::sessionStarted);
    w.startSession();
    return QTest::qWaitFor([&] { return started.count() == 1; }, kWindowTimeoutMs);
}

/**
 * Why the window's timeline differs from the engine's (branch by branch, record by record: the very same
 * shared records) or the view's cursor from the engine's; empty when they agree. Call when the engine is idle.
 */
inline QString differenceFromEngine(MainWindow &w)
{
    const EngineState engine = parts(w).engine()->engineState();
    const TimelineDocument &doc = *parts(w).document();
    const Timeline &a = doc.timeline();
    const Timeline &b = engine.timeline;
    if (a.branchCount() != b.branchCount())
        return QStringLiteral("%1 branches in the window, %2 in the engine").arg(a.branchCount()).arg(b.branchCount());
    for (int id = 0; id < a.branchCount(); ++id) {
        const Branch &x = a.branch(id);
        const Branch &y = b.branch(id);
        if (x.parent != y.parent || x.forkIndex != y.forkIndex)
            return QStringLiteral("branch %1 forks differently").arg(id);
        if (x.size() != y.size())
            return QStringLiteral("branch %1: %2 records in the window, %3 in the engine")
                .arg(id)
                .arg(x.size())
                .arg(y.size());
        for (int i = 0; i < x.size(); ++i) {
            if (x.records[static_cast<size_t>(i)] != y.records[static_cast<size_t>(i)])
                return QStringLiteral("branch %1, record %2 differs").arg(id).arg(i);
        }
    }
    if (a.pieces != b.pieces || a.promptIds != b.promptIds)
        return QStringLiteral("the piece tables or prompts differ");
    if (doc.branch() != engine.branch || doc.index() != engine.index)
        return QStringLiteral("the window shows record %1 of branch %2, the engine is at record %3 of branch %4")
            .arg(doc.index())
            .arg(doc.branch())
            .arg(engine.index)
            .arg(engine.branch);
    return {};
}

/** Waits until the engine has no request left. */
inline bool waitIdle(MainWindow &w)
{
    return QTest::qWaitFor([&] { return !parts(w).engine()->isBusy(); }, kWindowTimeoutMs);
}

/** Steps until the branch on screen has `count` records, one step at a time, then waits for the engine. */
inline bool stepTo(MainWindow &w, int count)
{
    while (parts(w).document()->count() < count) {
        const int before = parts(w).document()->count();
        parts(w).playback()->step();
        if (!QTest::qWaitFor([&] { return parts(w).document()->count() == before + 1; }, kWindowTimeoutMs))
            return false;
    }
    return waitIdle(w);
}

/** A committed (not prompt, not masked, not edited) position of `r`, or -1: somewhere an edit can go. */
inline int committedPosition(const StepRecord &r, int32_t mask)
{
    for (int p = 0; p < r.length(); ++p) {
        const PositionState s = r.states[static_cast<size_t>(p)];
        if (r.tokens[static_cast<size_t>(p)] != mask
            && (s == PositionState::Committed || s == PositionState::CommittedThisStep))
            return p;
    }
    return -1;
}

} // namespace dlm::testing
