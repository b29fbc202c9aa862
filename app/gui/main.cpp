// dlmstudio: the GUI. `dlmstudio [--model DIR] [--prompt TEXT] [--steps-to N] [--screenshot OUT.png]`.
#include "core/base/compute_environment.h"
#include "ui/window/gui_options.h"
#include "ui/window/mainwindow.h"
#include "ui/window/startup_driver.h"
#include "ui/window/theme_controller.h"

#include <QApplication>
#include <QDir>
#include <QSettings>
#include <QTimer>

#include <cstdio>

int main(int argc, char **argv)
{
    // Parse before QApplication exists: bad input and --help must not need a display.
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    auto parsed = dlm::parseGuiOptions(arguments);
    if (!parsed) {
        std::fprintf(stderr, "dlmstudio: %s\n", parsed.error().c_str());
        return 2;
    }
    dlm::GuiOptions options = *parsed;
    if (options.showHelp) {
        std::fputs(options.helpText.toLocal8Bit().constData(), stdout);
        return 0;
    }
    if (options.showVersion) {
        std::printf("dlmstudio %s\n", DLM_VERSION);
        return 0;
    }
    // Before anything starts a thread: libgomp reads its wait policy when it is loaded, so this may
    // re-execute the program. Without it the engine's spinning threads fight the window for the cores.
    dlm::prepareComputeEnvironment(argv);
    // A screenshot is a batch job: render offscreen unless the caller chose a platform.
    if (!options.screenshot.isEmpty() && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");

    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("DLM Studio"));
    QApplication::setApplicationName(QStringLiteral("DLM Studio"));
    QApplication::setApplicationVersion(QStringLiteral(DLM_VERSION));
    if (options.modelDir.isEmpty())
        options.modelDir = dlm::findDefaultModel(QDir::currentPath(), QApplication::applicationDirPath());

    dlm::MainWindow window;
    const bool screenshot = !options.screenshot.isEmpty();
    dlm::StartupDriver *driver = window.createStartupDriver(options);
    QObject::connect(driver, &dlm::StartupDriver::done, &app, [&app](int code, const QString &message) {
        if (!message.isEmpty())
            std::fprintf(stderr, "dlmstudio: %s\n", message.toLocal8Bit().constData());
        app.exit(code);
    });
    if (screenshot) {
        // A fixed layout, independent of what the user saved.
        window.resize(options.windowSize.isValid() ? options.windowSize : dlm::kScreenshotSize);
        window.resetLayout();
    } else {
        QSettings settings;
        window.restoreSettings(settings);
        if (options.windowSize.isValid()) {
            window.resize(options.windowSize);
            window.resetLayout();
        }
        window.showTourOnFirstRun(settings); // starts once the window is up, the first time only
    }
    if (!options.theme.isEmpty())
        window.setThemeMode(dlm::ThemeController::modeFromName(options.theme));
    window.show();
    // Start once the event loop runs, so an immediate done() reaches app.exit() inside exec().
    QTimer::singleShot(0, driver, &dlm::StartupDriver::start);
    return app.exec();
}
