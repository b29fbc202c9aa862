#pragma once
// Where a slow step is, in the status bar: "Step 12 · layer 17 of 33" while an 8B model's step computes for
// seconds, hidden when the engine is idle. A step faster than a moment never shows it (the engine sends
// nothing for it).

#include "ui/engine/engine_types.h"

#include <QObject>
#include <QString>

class QProgressBar;

namespace dlm {

class EngineController;

/**
 * Puts the engine's step progress into a progress bar it borrows (the window's status-bar bar, which loading
 * uses too): shows it on the first report of a step, hides it when the engine stops computing. It restores
 * the bar's text format when it hides it, and never hides a bar it did not show.
 */
class StepProgressDisplay : public QObject
{
    Q_OBJECT

public:
    StepProgressDisplay(EngineController *engine, QProgressBar *bar, QObject *parent = nullptr);

    /**
     * The words for a report: the stage now computing, i.e. the one after the `layersDone` finished ones
     * ("Step 12 · layer 18 of 33"); the last stage is the output head ("Step 12 · output head").
     */
    static QString describe(const StepProgressUpdate &progress);
    /** True while the bar shows a step's progress. */
    bool isShowing() const { return m_showing; }

Q_SIGNALS:
    /** A line for the status bar, e.g. when a step was stopped inside its forward pass. */
    void message(const QString &text);

private:
    void show(const StepProgressUpdate &progress);
    void hide();

    QProgressBar *m_bar;
    QString m_savedFormat;
    bool m_showing = false;
};

} // namespace dlm
