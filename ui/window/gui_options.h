#pragma once
// The command line of the GUI, as a pure function from arguments to a struct, so it is tested without a
// window and bad input is refused before any window exists.

#include "core/base/result.h"

#include <QSize>
#include <QString>
#include <QStringList>

namespace dlm {

/** The window size of a screenshot when --size is not given: the most common laptop screen. */
inline constexpr QSize kScreenshotSize(1366, 768);

/** What `dlmstudio [--model DIR] [--prompt TEXT] [--steps-to N] [--screenshot OUT.png] [--size WxH]` asked for. */
struct GuiOptions
{
    QString modelDir; ///< empty: look for the demo model
    QString prompt;
    bool hasPrompt = false;
    int stepsTo = -1; ///< records to run after the start; -1: to the end (screenshots) or none (GUI)
    QString screenshot; ///< PNG to write; empty for the interactive window
    QString timelineFile; ///< a saved timeline to open (replayed; continued if the model matches)
    QString theme; ///< "system", "light" or "dark"; empty: the saved choice
    QSize windowSize; ///< --size WxH; invalid: the saved size (interactive) or kScreenshotSize
    bool showHelp = false;
    bool showVersion = false;
    QString helpText;
};

/** Parses `arguments` (program name first). The message is one line naming the bad option. */
Result<GuiOptions> parseGuiOptions(const QStringList &arguments);

/**
 * The model to open when none was given: `models/demo` under `workingDir`, then under `applicationDir`'s
 * ../../ (the source tree, seen from build/bin). Empty when neither holds a config.json.
 */
QString findDefaultModel(const QString &workingDir, const QString &applicationDir);

} // namespace dlm
