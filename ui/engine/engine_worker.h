#pragma once
// The engine side of the GUI: owns the loaded model and the Session and lives on its own QThread, so a
// forward pass never blocks the event loop. Everything it reports leaves by value through queued signals,
// and no exception ever leaves a slot.

#include "ui/engine/engine_types.h"
#include "core/sampling/generation_settings.h"
#include "core/model/model_loader.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <unordered_set>

namespace dlm {

class Session;

/**
 * Runs model loading and denoising. Lives on the engine thread; its slots are invoked queued by
 * EngineController. Work requested before a stop is skipped: every compute request carries a ticket and
 * requestStop() cancels all tickets issued so far, between steps.
 */
class EngineWorker : public QObject
{
    Q_OBJECT

public:
    explicit EngineWorker(QObject *parent = nullptr);
    ~EngineWorker() override;

    /** Thread-safe: cancels runs and steps with a ticket up to `ticket`; a running step finishes first. */
    void requestStop(quint64 ticket);

public Q_SLOTS:
    void loadModel(const QString &dir, dlm::ComputeDType dtype);
    void startSession(const QString &prompt, const dlm::GenerationSettings &settings);
    /** One step forward: along history if the cursor is not at the tip, else a new denoising step. */
    void step(quint64 ticket);
    /** Steps until the canvas has no mask, `maxSteps` records were added (-1: no limit) or a stop. */
    void run(quint64 ticket, int maxSteps);
    /** Moves the session cursor; the GUI shows records itself, so nothing is emitted on success. */
    void goTo(int index);
    /** Moves the session cursor to a record of another branch (nothing emitted on success). */
    void switchBranch(int branch, int index);
    /**
     * Applies `request` at record (branch, index): emits recordReady for the Edit record, then editApplied;
     * a refused edit emits failed with the session's reason and changes nothing.
     */
    void applyEdit(quint64 id, const dlm::EditRequest &request, int branch, int index);
    /** Continues a saved timeline on the loaded model at record (branch, index); emits sessionStarted. */
    void adoptTimeline(const dlm::Timeline &timeline, int branch, int index);
    /** Takes an applied edit back (and anything computed after it); emits historyChanged. */
    void undoEdit(const dlm::EditOutcome &outcome);

Q_SIGNALS:
    void loadProgress(double fraction, const QString &text);
    void modelLoaded(const dlm::ModelInfo &info);
    void sessionStarted(const dlm::SessionSnapshot &snapshot);
    void recordReady(const dlm::RecordUpdate &update);
    void runStarted();
    /** A run ended: the canvas is complete, the step limit was reached, or it was stopped. */
    void finished(bool stopped);
    void failed(const QString &message);
    void editApplied(const dlm::EditOutcome &outcome);
    /** The timeline lost records (undo); the snapshot is the whole timeline and the cursor. */
    void historyChanged(const dlm::SessionSnapshot &snapshot);
    /** Emitted after every request, successful or not, so the owner can count what is still queued. */
    void requestDone();

private:
    bool cancelled(quint64 ticket) const { return ticket <= m_stopTicket.load(); }
    void emitCurrent();
    SessionSnapshot snapshot() const;
    /** Makes `session` the current one and announces it with sessionStarted. */
    void takeSession(std::unique_ptr<Session> session);
    template <typename Fn>
    void guarded(const char *what, Fn &&fn);

    LoadedModel m_loaded;
    std::unique_ptr<Session> m_session;
    std::unordered_set<int32_t> m_sentPieces;
    int m_knownBranches = 0;
    std::atomic<quint64> m_stopTicket{0};
};

} // namespace dlm
