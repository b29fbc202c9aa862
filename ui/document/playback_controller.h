#pragma once
// What Step, Run, Back, Forward and the slider mean: moves inside known history are local and instant,
// only a step past the tip asks the engine for work.

#include <QMetaType>
#include <QObject>
#include <QTimer>

namespace dlm {

class EngineController;
class TimelineDocument;

/** Everything the step controls show and enable. */
struct PlaybackState
{
    bool active = false; ///< a session exists
    int index = 0; ///< record on screen
    int count = 0; ///< records on the branch
    int denoiseStep = 0; ///< denoising steps done at the record on screen
    int plannedSteps = 0; ///< steps the settings ask for; 0 in threshold mode (decided on the fly)
    int masked = 0; ///< masked positions at the record on screen
    bool running = false; ///< the engine runs, or Run is playing records at a set speed
    bool computing = false; ///< a step, run or prediction computes or waits on the engine: Stop cancels it
    bool live = false; ///< the engine holds this session; a replay without a model only moves in history
    bool canBack = false;
    bool canForward = false; ///< a later record exists
    bool canStep = false; ///< a later record exists or the canvas still has masks
};

/** Binds the engine and the document into playback commands. */
class PlaybackController : public QObject
{
    Q_OBJECT

public:
    PlaybackController(EngineController *engine, TimelineDocument *document, QObject *parent = nullptr);

    PlaybackState state() const;

    /** Records per second Run plays at; 0 (the default) lets the engine run flat out. */
    void setSpeed(double recordsPerSecond);
    double speed() const { return m_speed; }
    /** True while Run plays records at a set speed (the engine is asked for one step at a time). */
    bool isPacing() const { return m_pacing; }
    /** True while either kind of run is going. */
    bool isRunning() const;

    /** Forward one record: along history when there is one, else one new denoising step. */
    void step();
    void back();
    /** Forward along history only. */
    void forward();
    void first();
    void last();
    void goTo(int index);
    /** Shows record `index` (-1: the last) of another branch; instant, the engine follows. */
    void switchBranch(int branch, int index = -1);
    /** Runs from the record on screen to the end of the generation (or `maxSteps` records). */
    void run(int maxSteps = -1);
    void stop();
    /** Space: pause a run, or start one. */
    void toggleRun();

Q_SIGNALS:
    void stateChanged(const dlm::PlaybackState &state);

private:
    void refresh();
    /** One tick of a paced run: the next record from history, else one new step, else the end. */
    void advance();
    void stopPacing();

    EngineController *m_engine;
    TimelineDocument *m_document;
    QTimer m_pace;
    double m_speed = 0.0;
    bool m_pacing = false;
};

} // namespace dlm

Q_DECLARE_METATYPE(dlm::PlaybackState)
