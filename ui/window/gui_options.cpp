#include "ui/window/gui_options.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>

namespace dlm {

namespace {

/** "1366x768" -> QSize; a message naming what is wrong otherwise. */
Result<QSize> parseWindowSize(const QString &text)
{
    const QStringList parts = text.split(QLatin1Char('x'));
    bool okW = false;
    bool okH = false;
    const int w = parts.size() == 2 ? parts[0].toInt(&okW) : 0;
    const int h = parts.size() == 2 ? parts[1].toInt(&okH) : 0;
    if (!okW || !okH)
        return Result<QSize>::failure("'" + text.toStdString() + "' is not WIDTHxHEIGHT (e.g. 1366x768)");
    // Smaller than this cannot hold the window's minimum; larger is no screen.
    if (w < 640 || h < 480 || w > 7680 || h > 4320)
        return Result<QSize>::failure("'" + text.toStdString() + "' is outside 640x480 to 7680x4320");
    return QSize(w, h);
}

} // namespace

Result<GuiOptions> parseGuiOptions(const QStringList &arguments)
{
    using R = Result<GuiOptions>;
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("DLM Studio: watch a masked diffusion language model denoise text step by step."));
    const QCommandLineOption help(
        QStringList {QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help and exit."));
    const QCommandLineOption version(QStringLiteral("version"), QStringLiteral("Show the version and exit."));
    const QCommandLineOption model(QStringLiteral("model"),
        QStringLiteral("Model directory to open (default: models/demo)."), QStringLiteral("DIR"));
    const QCommandLineOption prompt(
        QStringLiteral("prompt"), QStringLiteral("Prompt; starts a session at once."), QStringLiteral("TEXT"));
    const QCommandLineOption stepsTo(QStringLiteral("steps-to"),
        QStringLiteral("Run N records after the start (default with --screenshot: "
                       "to the end)."),
        QStringLiteral("N"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
        QStringLiteral("Render the window to OUT.png and exit (no display needed)."), QStringLiteral("OUT.png"));
    const QCommandLineOption theme(QStringLiteral("theme"),
        QStringLiteral("Appearance: system, light or dark (default: the last choice)."), QStringLiteral("NAME"));
    const QCommandLineOption size(QStringLiteral("size"),
        QStringLiteral("Window size in pixels, e.g. 1366x768 (default with --screenshot: 1366x768)."),
        QStringLiteral("WxH"));
    parser.addOptions({help, version, model, prompt, stepsTo, screenshot, theme, size});
    parser.addPositionalArgument(QStringLiteral("timeline"),
        QStringLiteral("A saved timeline (.json) to replay; it continues on the model it "
                       "was made with once that is loaded."),
        QStringLiteral("[TIMELINE.json]"));

    if (!parser.parse(arguments))
        return R::failure(parser.errorText().toStdString());
    if (parser.positionalArguments().size() > 1)
        return R::failure("unexpected argument '" + parser.positionalArguments().at(1).toStdString()
            + "' (one timeline file at most; see --help)");

    GuiOptions o;
    o.showHelp = parser.isSet(help);
    o.showVersion = parser.isSet(version);
    // helpText() names the program from QCoreApplication, which does not exist yet when parsing first.
    const QString program = arguments.isEmpty() ? QStringLiteral("dlmstudio") : QFileInfo(arguments.first()).fileName();
    o.helpText = parser.helpText().replace(QStringLiteral("<executable_name>"), program);
    if (!parser.positionalArguments().isEmpty())
        o.timelineFile = parser.positionalArguments().first();
    if (!o.timelineFile.isEmpty() && parser.isSet(prompt))
        return R::failure("--prompt: cannot start a new session and open a timeline at once");
    o.modelDir = parser.value(model);
    if (parser.isSet(model) && o.modelDir.isEmpty())
        return R::failure("--model: the directory is empty");
    o.hasPrompt = parser.isSet(prompt);
    o.prompt = parser.value(prompt);
    if (parser.isSet(stepsTo)) {
        bool ok = false;
        o.stepsTo = parser.value(stepsTo).toInt(&ok);
        if (!ok || o.stepsTo < 0)
            return R::failure(
                "--steps-to: '" + parser.value(stepsTo).toStdString() + "' is not a whole number of steps >= 0");
    }
    o.theme = parser.value(theme);
    if (parser.isSet(theme) && o.theme != QLatin1String("system") && o.theme != QLatin1String("light")
        && o.theme != QLatin1String("dark"))
        return R::failure("--theme: '" + o.theme.toStdString() + "' is not one of system, light, dark");
    o.screenshot = parser.value(screenshot);
    if (parser.isSet(screenshot) && o.screenshot.isEmpty())
        return R::failure("--screenshot: the output file name is empty");
    if (!o.screenshot.isEmpty() && !o.screenshot.endsWith(QStringLiteral(".png"), Qt::CaseInsensitive))
        return R::failure("--screenshot: '" + o.screenshot.toStdString() + "' must end in .png");
    if (parser.isSet(size)) {
        const auto parsed = parseWindowSize(parser.value(size));
        if (!parsed)
            return R::failure("--size: " + parsed.error());
        o.windowSize = *parsed;
    }
    return o;
}

QString findDefaultModel(const QString &workingDir, const QString &applicationDir)
{
    const QStringList candidates {QDir(workingDir).filePath(QStringLiteral("models/demo")),
        QDir(applicationDir).filePath(QStringLiteral("../../models/demo"))};
    for (const QString &dir : candidates) {
        if (QFileInfo(QDir(dir).filePath(QStringLiteral("config.json"))).isFile())
            return QDir::cleanPath(QDir(dir).absolutePath());
    }
    return {};
}

} // namespace dlm
