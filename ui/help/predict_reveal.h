#pragma once
// "Predict, then reveal", a classroom game for presentation mode: after each step the canvas keeps showing
// the state before it, the class clicks the positions they think the step committed, and Reveal shows the
// step with hits and misses marked and a running score. The step is already computed (the engine is never
// asked anything); only what the canvas shows is held back.

#include "core/timeline/step_record.h"

#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>

class QLabel;

namespace dlm {

class CanvasView;
class DecisionChart;
class GuessOverlay;
class TimelineDocument;

/** What presentation mode and its game work on: the document's cursor, the canvas and the decision chart. */
struct PresentedViews
{
    TimelineDocument *document = nullptr;
    CanvasView *canvas = nullptr;
    DecisionChart *decisions = nullptr; ///< kept on screen while presenting; covered while the class guesses
};

/** How one guess went against one record. */
struct GuessScore
{
    QSet<int> hits; ///< guessed and committed
    QSet<int> misses; ///< committed but not guessed
    QSet<int> wrong; ///< guessed but not committed
};

/** Scores `guesses` against the positions `record` committed. */
GuessScore scoreGuess(const StepRecord &record, const QSet<int> &guesses);

/** The game's state machine over a window's document and canvas. */
class PredictReveal : public QObject
{
    Q_OBJECT

public:
    enum class Phase { Off, Waiting, Guessing, Revealed };

    /** Follows `views` (all three must exist), which outlive it. */
    explicit PredictReveal(const PresentedViews &views, QObject *parent = nullptr);

    Phase phase() const { return m_phase; }
    bool isOn() const { return m_phase != Phase::Off; }
    QSet<int> guesses() const { return m_guesses; }
    /** The last revealed step's score. */
    const GuessScore &lastScore() const { return m_last; }
    int totalHits() const { return m_hits; }
    int totalCommitted() const { return m_committed; }
    int totalWrong() const { return m_wrong; }
    /** E.g. "Score: 5 of 8 commits guessed, 2 wrong guesses". */
    QString scoreText() const;

public Q_SLOTS:
    /** Starts or ends the game; starting resets the score. */
    void setOn(bool on);
    /** Adds or removes `position` from the guesses (only masked generation positions count). */
    void toggleGuess(int position);
    /** Shows the held-back step with hits and misses marked, and adds it to the score. */
    void reveal();

Q_SIGNALS:
    void phaseChanged(Phase phase);
    void scoreChanged(const QString &text);

private:
    void onCurrentChanged();
    void hideStep();
    void coverDecisions(bool cover);

    PresentedViews m_views;
    Phase m_phase = Phase::Off;
    int m_heldIndex = -1; ///< the record whose commits are hidden (or were just revealed)
    QSet<int> m_guesses;
    GuessScore m_last;
    int m_hits = 0, m_committed = 0, m_wrong = 0;
    GuessOverlay *m_overlay = nullptr;
    QPointer<QLabel> m_decisionCover;
};

} // namespace dlm
