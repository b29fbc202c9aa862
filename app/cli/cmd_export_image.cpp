#include "app/cli/cmd_export_image.h"

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"

#include "ui/figures/animation_export.h"
#include "ui/figures/figure_export.h"

#include <QGuiApplication>

#include <iostream>
#include <memory>

#include <unistd.h>

namespace dlm {

namespace {

/**
 * Makes a QGuiApplication for the length of one export unless the process has one: the CLI pays for Qt's GUI
 * (fonts, a platform plugin) only when it draws, and never for widgets. Fails when the process runs a non-GUI
 * QCoreApplication (fonts cannot be used there).
 */
Status ensureApplication(std::unique_ptr<QGuiApplication> *made)
{
    if (QCoreApplication *existing = QCoreApplication::instance()) {
        if (qobject_cast<QGuiApplication *>(existing))
            return {};
        return Status::failure("image exports need a QGuiApplication, and this process runs a QCoreApplication");
    }
    // A headless server or CI job has no display: draw offscreen unless the user chose a platform.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    // QGuiApplication keeps references to argc and argv for its whole life.
    static int argc = 1;
    static char name[] = "dlmstudio-cli";
    static char *argv[] = {name, nullptr};
    *made = std::make_unique<QGuiApplication>(argc, argv);
    return {};
}

/**
 * Keeps Qt's own chatter (e.g. "QStandardPaths: XDG_RUNTIME_DIR not set") off stderr while an export runs: the
 * CLI promises at most one line, "dlmstudio-cli: <reason>", on failure. Qt's errors still get through, in
 * that form.
 */
class QuietQt
{
public:
    QuietQt()
        : m_previous(qInstallMessageHandler(&QuietQt::handle))
    {
    }
    ~QuietQt() { qInstallMessageHandler(m_previous); }
    QuietQt(const QuietQt &) = delete;
    QuietQt &operator=(const QuietQt &) = delete;

private:
    static void handle(QtMsgType type, const QMessageLogContext &, const QString &message)
    {
        if (type == QtCriticalMsg || type == QtFatalMsg)
            std::cerr << "dlmstudio-cli: Qt: " << message.toStdString() << std::endl;
    }
    QtMessageHandler m_previous;
};

/** Progress on the terminal as one line rewritten in place; in a log, a line every tenth of the way. */
ExportProgress progressPrinter(std::ostream &err, const std::string &format)
{
    const bool terminal = &err == &std::cerr && isatty(STDERR_FILENO);
    return [&err, format, terminal, lastTenth = -1](int done, int total) mutable {
        if (total <= 0)
            return true;
        if (terminal) {
            err << "\rdlmstudio-cli: " << format << ": frame " << done << " / " << total << (done == total ? "\n" : "")
                << std::flush;
            return true;
        }
        const int tenth = done * 10 / total;
        if (tenth != lastTenth && done > 0) {
            err << "dlmstudio-cli: " << format << ": frame " << done << " / " << total << '\n' << std::flush;
            lastTenth = tenth;
        }
        return true;
    };
}

} // namespace

int runImageExport(const ExportArgs &e, const Timeline &timeline, std::ostream &err)
{
    const QString out = QString::fromStdString(e.outPath);
    const std::string failurePrefix = "cannot export " + e.timelinePath + ": ";
    const QuietQt quiet;

    if (e.format == "gif" || e.format == "frames") {
        AnimationOptions options;
        options.branch = e.branch.value_or(0);
        options.width = e.width.value_or(options.width);
        options.fps = e.fps.value_or(options.fps);
        // Options first: a typo should not wait for Qt to start.
        if (const Status ok = checkAnimationOptions(timeline, options); !ok)
            return reportFailure(err, ExitBadInput, failurePrefix + ok.error());
        std::unique_ptr<QGuiApplication> app;
        if (const Status ok = ensureApplication(&app); !ok)
            return reportFailure(err, ExitInternal, ok.error());
        const Status done = exportAnimation(timeline, options,
            e.format == "gif" ? AnimationFormat::Gif : AnimationFormat::Frames, out, progressPrinter(err, e.format));
        return done ? ExitOk : reportFailure(err, ExitBadInput, failurePrefix + done.error());
    }

    FigureOptions options;
    options.kind = figureKindFromName(QString::fromStdString(e.figure.empty() ? "canvas" : e.figure))
                       .value_or(FigureKind::Canvas);
    options.branch = e.branch.value_or(0);
    options.record = e.steps.empty() ? -1 : e.steps.front();
    options.width = e.width.value_or(0);
    options.height = e.height.value_or(0);
    options.scale = e.scale.value_or(1.0);
    const auto format = figureFormatFromName(QString::fromStdString(e.format));
    if (!format)
        return reportFailure(err, ExitInternal, "unknown figure format " + e.format);
    if (const Status ok = checkFigureOptions(timeline, options); !ok)
        return reportFailure(err, ExitBadInput, failurePrefix + ok.error());
    std::unique_ptr<QGuiApplication> app;
    if (const Status ok = ensureApplication(&app); !ok)
        return reportFailure(err, ExitInternal, ok.error());
    const Status done = exportFigure(timeline, options, *format, out);
    return done ? ExitOk : reportFailure(err, ExitBadInput, failurePrefix + done.error());
}

} // namespace dlm
