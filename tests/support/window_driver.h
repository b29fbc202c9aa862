#pragma once
// Driving a MainWindow from a test the way a user would: load a model, start a session, step, wait for the
// engine thread. Header-only: only GUI tests include it, and they link dlmui.

#include "ui/engine/engine_controller.h"
#include "ui/panels/generation_panel.h"
#include "ui/window/mainwindow.h"
#include "ui/document/playback_controller.h"
#include "ui/document/timeline_document.h"

#include <QSignalSpy>
#include <QTest>

namespace dlm::testing {

constexpr int kWindowTimeoutMs = 60000;

/** Loads `dir` and waits for modelLoaded; false if it did not come. */
inline bool loadModel(MainWindow &w, const QString &dir)
{
    QSignalSpy loaded(w.engine(), &EngineController::modelLoaded);
    w.loadModel(dir);
    return QTest::qWaitFor([&] { return loaded.count() == 1; }, kWindowTimeoutMs);
}

/** Loads `dir`, puts `settings` and `prompt` in the panel, presses Start and waits for the session. */
inline bool loadAndStart(MainWindow &w, const QString &dir, const GenerationSettings &settings,
                         const QString &prompt = QStringLiteral("the cat"))
{
    if (!loadModel(w, dir))
        return false;
    w.generationPanel()->setSettings(settings);
    w.generationPanel()->setPrompt(prompt);
    QSignalSpy started(w.engine(), &EngineController::sessionStarted);
    w.startSession();
    return QTest::qWaitFor([&] { return started.count() == 1; }, kWindowTimeoutMs);
}

/** Waits until the engine has no request left. */
inline bool waitIdle(MainWindow &w)
{
    return QTest::qWaitFor([&] { return !w.engine()->isBusy(); }, kWindowTimeoutMs);
}

/** Steps until the branch on screen has `count` records, one step at a time, then waits for the engine. */
inline bool stepTo(MainWindow &w, int count)
{
    while (w.document()->count() < count) {
        const int before = w.document()->count();
        w.playback()->step();
        if (!QTest::qWaitFor([&] { return w.document()->count() == before + 1; }, kWindowTimeoutMs))
            return false;
    }
    return waitIdle(w);
}

} // namespace dlm::testing
