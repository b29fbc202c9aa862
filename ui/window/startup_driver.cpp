#include "ui/window/startup_driver.h"

#include "ui/engine/engine_controller.h"
#include "ui/panels/generation_panel.h"
#include "ui/window/mainwindow.h"
#include "ui/document/playback_controller.h"
#include "ui/document/session_files.h"
#include "ui/document/timeline_document.h"
#include "ui/views/view_sync.h"

#include <QDir>
#include <QPixmap>
#include <QTimer>

namespace dlm {

StartupDriver::StartupDriver(const Parts &parts, GuiOptions options, QObject *parent)
    : QObject(parent)
    , m_parts(parts)
    , m_options(std::move(options))
{
    EngineController *engine = m_parts.engine;
    connect(engine, &EngineController::modelLoaded, this, &StartupDriver::onModelLoaded);
    connect(engine, &EngineController::sessionStarted, this, &StartupDriver::onSessionStarted);
    connect(engine, &EngineController::finished, this, &StartupDriver::onRunFinished);
    connect(engine, &EngineController::failed, this, &StartupDriver::onFailed);
}

void StartupDriver::start()
{
    if (m_options.hasPrompt)
        m_parts.panel->setPrompt(m_options.prompt);
    if (!m_options.timelineFile.isEmpty()) {
        // A replay needs no model: open it first; a model loaded next continues it if it is the right one.
        if (!m_parts.files->openFile(m_options.timelineFile)) {
            if (screenshotMode())
                finish(2, m_parts.window->statusText());
            return;
        }
        if (screenshotMode()) {
            m_stage = Stage::Done;
            saveScreenshot();
            return;
        }
    }
    if (m_options.modelDir.isEmpty()) {
        if (screenshotMode())
            finish(2, tr("no model: pass --model DIR (models/demo was not found either)"));
        return;
    }
    m_stage = Stage::Loading;
    m_parts.window->loadModel(m_options.modelDir);
}

void StartupDriver::onModelLoaded()
{
    if (m_stage != Stage::Loading)
        return;
    if ((!m_options.hasPrompt && !screenshotMode()) || !m_options.timelineFile.isEmpty()) {
        m_stage = Stage::Done; // the user takes over
        return;
    }
    m_stage = Stage::Starting;
    m_parts.window->startSession();
}

void StartupDriver::onSessionStarted()
{
    if (m_stage != Stage::Starting)
        return;
    const int steps = m_options.stepsTo;
    if (steps == 0 || (steps < 0 && !screenshotMode())) {
        m_stage = Stage::Done;
        if (screenshotMode())
            saveScreenshot();
        return;
    }
    m_stage = Stage::Running;
    m_parts.playback->run(steps);
}

void StartupDriver::onRunFinished()
{
    if (m_stage != Stage::Running)
        return;
    m_stage = Stage::Done;
    if (screenshotMode())
        saveScreenshot();
}

void StartupDriver::onFailed(const QString &message)
{
    if (m_stage == Stage::Idle || m_stage == Stage::Done)
        return;
    m_stage = Stage::Done;
    if (screenshotMode())
        finish(2, message);
}

void StartupDriver::saveScreenshot()
{
    // Show the inspector on a position this step committed (else the first generated one), so every panel
    // has something to say.
    const RecordPtr record = m_parts.document->currentRecord();
    if (record)
        m_parts.sync->selectPosition(record->committed.empty()
                ? static_cast<int>(m_parts.document->timeline().promptIds.size())
                : record->committed.front());
    m_parts.sync->flush();
    // Two turns of the event loop: layout requests first, then the plots' queued replots.
    QTimer::singleShot(0, this, [this] {
        QTimer::singleShot(0, this, [this] {
            const QPixmap pixmap = m_parts.window->grab();
            if (pixmap.isNull() || !pixmap.save(m_options.screenshot, "PNG"))
                finish(2, tr("cannot write the screenshot to %1").arg(QDir::toNativeSeparators(m_options.screenshot)));
            else
                finish(0, {});
        });
    });
}

void StartupDriver::finish(int exitCode, const QString &message)
{
    m_stage = Stage::Done;
    Q_EMIT done(exitCode, message);
}

} // namespace dlm
