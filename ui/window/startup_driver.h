#pragma once
// Carries out what the command line asked of the window: open a model, start a session on a prompt, run
// some steps, and for --screenshot render the window to a PNG and report an exit code.

#include "ui/window/gui_options.h"

#include <QObject>

namespace dlm {

class EngineController;
class GenerationPanel;
class MainWindow;
class PlaybackController;
class SessionFiles;
class TimelineDocument;
class ViewSync;

/**
 * Drives a MainWindow through load -> start -> run -> (screenshot). In screenshot mode any failure ends
 * the program through done(2, reason); interactively, failures stay in the window's status bar.
 */
class StartupDriver : public QObject
{
    Q_OBJECT

public:
    /** What the driver works with; MainWindow::createStartupDriver hands them over. */
    struct Parts
    {
        MainWindow *window = nullptr; ///< loads, starts, reports its status, is grabbed for the screenshot
        EngineController *engine = nullptr;
        GenerationPanel *panel = nullptr;
        SessionFiles *files = nullptr;
        PlaybackController *playback = nullptr;
        TimelineDocument *document = nullptr;
        ViewSync *sync = nullptr;
    };

    StartupDriver(const Parts &parts, GuiOptions options, QObject *parent = nullptr);

    /** Begins; without a model directory the window is left waiting for the user. */
    void start();

Q_SIGNALS:
    /** Screenshot mode only: the program should exit with `exitCode`; `message` is empty on success. */
    void done(int exitCode, const QString &message);

private:
    enum class Stage { Idle, Loading, Starting, Running, Done };
    bool screenshotMode() const { return !m_options.screenshot.isEmpty(); }
    void onModelLoaded();
    void onSessionStarted();
    void onRunFinished();
    void onFailed(const QString &message);
    void saveScreenshot();
    void finish(int exitCode, const QString &message);

    Parts m_parts;
    GuiOptions m_options;
    Stage m_stage = Stage::Idle;
};

} // namespace dlm
