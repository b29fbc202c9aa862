#include "ui/engine/engine_worker.h"
#include "core/base/compute_threads.h"

#include "core/model/family_registry.h"
#include "core/sampling/generation_config.h"
#include "core/session/session.h"
#include "core/text/chat_template.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QScopeGuard>

#include <algorithm>
#include <exception>

namespace dlm {

namespace {

QString fromStd(const std::string &s)
{
    return QString::fromStdString(s);
}

QString modelSummary(const LoadedModel &m)
{
    const ModelConfig &c = m.config;
    const double millions = static_cast<double>(m.parameterCount) / 1e6;
    return QObject::tr("%1 layers, d_model %2, %3 heads, vocabulary %4, context %5, %6 weights, %7 M parameters")
        .arg(c.nLayers)
        .arg(c.dModel)
        .arg(c.nHeads)
        .arg(c.vocabSize)
        .arg(c.maxSequenceLength)
        .arg(fromStd(m.storageDType))
        .arg(millions, 0, 'f', millions < 10 ? 2 : 0);
}

} // namespace

EngineWorker::EngineWorker(QObject *parent)
    : QObject(parent)
{
}

// Defined here so that ~unique_ptr<Session> sees the complete type.
EngineWorker::~EngineWorker() = default;

void EngineWorker::requestStop(quint64 ticket)
{
    // Keep the largest ticket: a late, smaller stop must not un-cancel newer work.
    quint64 seen = m_stopTicket.load();
    while (ticket > seen && !m_stopTicket.compare_exchange_weak(seen, ticket)) { }
}

template<typename Fn> void EngineWorker::guarded(const char *what, Fn &&fn)
{
    // Exceptions must not cross into the event loop of this thread (Qt would terminate), nor to the GUI.
    try {
        fn();
    } catch (const std::exception &e) {
        Q_EMIT failed(tr("%1 failed: %2").arg(QString::fromUtf8(what), QString::fromUtf8(e.what())));
    } catch (...) {
        Q_EMIT failed(tr("%1 failed with an unknown error").arg(QString::fromUtf8(what)));
    }
    Q_EMIT requestDone();
}

void EngineWorker::requestLoadCancel(quint64 ticket)
{
    quint64 seen = m_loadCancelTicket.load();
    while (ticket > seen && !m_loadCancelTicket.compare_exchange_weak(seen, ticket)) { }
}

void EngineWorker::loadModel(quint64 ticket, const QString &dir, ComputeDType dtype)
{
    guarded("loading the model", [&] {
        if (ticket <= m_loadCancelTicket.load()) {
            Q_EMIT loadCancelled();
            return;
        }
        Q_EMIT loadProgress(0.0, tr("Loading %1").arg(QDir::toNativeSeparators(dir)));
        const std::string path = QFile::encodeName(dir).toStdString();
        // Reports come every few milliseconds during the read-ahead: the GUI hears of a new stage at once and
        // otherwise every 50 ms, so its event queue never fills with progress it cannot paint anyway.
        QElapsedTimer sinceEmit;
        sinceEmit.start();
        LoadStage lastStage = LoadStage::Tokenizer;
        const LoadProgress progress = [&](const LoadProgressInfo &info) {
            if (m_loadHook)
                m_loadHook(info);
            if (info.stage != lastStage || sinceEmit.elapsed() >= 50) {
                lastStage = info.stage;
                sinceEmit.restart();
                Q_EMIT loadProgress(info.fraction, fromStd(describeLoadProgress(info)));
            }
            return ticket > m_loadCancelTicket.load();
        };
        // OpenMP thread counts are per calling thread: set it here, on the engine thread.
        setComputeThreads(0);
        auto loaded = loadModelDirectory(path, dtype, progress);
        if (!loaded && isLoadCancelled(loaded.error())) {
            // Whatever the load made is freed and unmapped by now; the previous model stays as it was.
            Q_EMIT loadCancelled();
            return;
        }
        if (!loaded) {
            // The previous model, if any, stays loaded and usable.
            Q_EMIT failed(fromStd(loaded.error()));
            return;
        }
        ModelInfo info;
        info.dir = dir;
        info.name = QDir(dir).dirName();
        info.summary = modelSummary(*loaded);
        info.maskId = loaded->config.maskTokenId;
        info.maxSequenceLength = loaded->config.maxSequenceLength;
        info.tokenizer = loaded->tokenizer;
        auto chat = ChatTemplate::findInModelDirectory(path);
        if (!chat)
            info.chatTemplateError = fromStd(chat.error());
        else if (*chat)
            info.chatTemplate = std::make_shared<const ChatTemplate>(std::move(**chat));
        // The family's sampler decides the defaults and how generation_config.json is read.
        auto defaults = loadGenerationConfig(path, familyDefaults(loaded->family));
        if (defaults)
            info.defaults = *defaults;
        else
            info.defaultsWarning = fromStd(defaults.error());
        info.defaults.dtype = dtype;

        m_session.reset();
        m_loaded = std::move(*loaded);
        Q_EMIT loadProgress(1.0, tr("Loaded %1").arg(info.name));
        Q_EMIT modelLoaded(info);
    });
    Q_EMIT loadEnded();
}

void EngineWorker::startSession(
    const QString &prompt, const GenerationSettings &settings, const std::vector<ChatMessage> &chat)
{
    guarded("starting the session", [&] {
        if (!m_loaded.model) {
            Q_EMIT failed(tr("No model loaded: pick a model directory first."));
            return;
        }
        auto session = Session::create(m_loaded.model, m_loaded.tokenizer, settings, prompt.toStdString());
        if (!session) {
            Q_EMIT failed(fromStd(session.error()));
            return;
        }
        (*session)->setModelFamily(familyName(m_loaded.family));
        (*session)->setChatMessages(chat);
        takeSession(std::move(*session));
    });
}

void EngineWorker::adoptTimeline(const Timeline &timeline, int branch, int index)
{
    guarded("continuing the timeline", [&] {
        if (!m_loaded.model) {
            Q_EMIT failed(tr("No model loaded: load the model the timeline was made with first."));
            return;
        }
        auto session = Session::adopt(m_loaded.model, m_loaded.tokenizer, timeline);
        if (!session) {
            Q_EMIT failed(tr("Cannot continue this timeline: %1").arg(fromStd(session.error())));
            return;
        }
        if (!(*session)->switchBranch(branch, index))
            (*session)->switchBranch(0); // the cursor the GUI asked for is gone: start at the end of the root
        takeSession(std::move(*session));
    });
}

bool EngineWorker::acceptCompute(quint64 ticket, int branch, int index)
{
    if (cancelled(ticket))
        return false; // stopped while queued: skipped without a word
    const QString problem = cursorProblem(branch, index);
    if (!problem.isEmpty()) {
        Q_EMIT failed(problem);
        return false;
    }
    return true;
}

QString EngineWorker::cursorProblem(int branch, int index) const
{
    if (!m_session)
        return tr("No session: press Start first.");
    if (branch != m_session->branchId() || index != m_session->index())
        return tr("The request was made at record %1 of branch %2, but the engine is at record %3 of branch %4; "
                  "nothing was changed.")
            .arg(index)
            .arg(branch)
            .arg(m_session->index())
            .arg(m_session->branchId());
    return {};
}

void EngineWorker::step(quint64 ticket, int branch, int index)
{
    guarded("the denoising step", [&] {
        if (!acceptCompute(ticket, branch, index))
            return;
        beginCompute(ticket, branch, false);
        const auto done = qScopeGuard([this] { m_inFlight.reset(); });
        const Status s = m_session->step();
        if (s.stopped()) {
            reportStopped(); // not a failure: the timeline is as it was
            return;
        }
        if (!s) {
            Q_EMIT failed(fromStd(s.error()));
            return;
        }
        emitState(EngineState::Cause::Stepped, branch, index);
    });
}

void EngineWorker::run(quint64 ticket, int branch, int index, int maxSteps)
{
    guarded("the run", [&] {
        if (!acceptCompute(ticket, branch, index))
            return;
        runSteps(ticket, maxSteps);
    });
}

void EngineWorker::runSteps(quint64 ticket, int maxSteps)
{
    Q_EMIT runStarted();
    bool stopped = false;
    int fromBranch = m_session->branchId();
    int fromIndex = m_session->index();
    beginCompute(ticket, fromBranch, false);
    const auto done = qScopeGuard([this] { m_inFlight.reset(); });
    // A stop inside a step ends its forward pass within one layer (onLayer); one between two steps is seen here.
    const Status s = m_session->run(
        [&](const StepRecord &) {
            emitState(EngineState::Cause::Stepped, fromBranch, fromIndex);
            fromBranch = m_session->branchId();
            fromIndex = m_session->index();
            m_throttle.restart(ProgressThrottle::Clock::now()); // the next step starts now
            if (cancelled(ticket)) {
                stopped = true;
                return false;
            }
            return true;
        },
        maxSteps);
    if (s.stopped()) {
        stopped = true;
        reportStopped();
    } else if (!s) {
        Q_EMIT failed(fromStd(s.error()));
    }
    Q_EMIT finished(stopped);
}

void EngineWorker::runAgain(quint64 ticket, const GenerationSettings &settings, int branch, int index)
{
    guarded("running again", [&] {
        if (!acceptCompute(ticket, branch, index))
            return;
        const Status s = m_session->runAgainWith(settings);
        if (!s) {
            Q_EMIT failed(tr("Cannot run again: %1").arg(fromStd(s.error())));
            return;
        }
        emitState(EngineState::Cause::Moved, branch, index);
        runSteps(ticket, -1);
    });
}

void EngineWorker::predict(quint64 ticket, quint64 id, int branch, int index, int position)
{
    guarded("the one-pass prediction", [&] {
        PredictionReply reply;
        reply.id = id;
        reply.branch = branch;
        reply.index = index;
        reply.position = position;
        const Timeline *t = m_session ? &m_session->timeline() : nullptr;
        // Stop ends predictions too: on an 8B model one costs as much as a step and holds up the queue.
        const QString stoppedText = tr("stopped before it finished (Stop); ask again");
        if (cancelled(ticket))
            reply.error = stoppedText;
        else if (!t)
            reply.error = tr("No model session: load the model and start (or continue) a run first.");
        else if (branch < 0 || branch >= t->branchCount() || index < 0 || index >= t->branch(branch).size())
            reply.error = tr("Record %1 of branch %2 does not exist.").arg(index).arg(branch);
        if (reply.error.isEmpty()) {
            const int k = std::max(t->settingsFor(branch).topK, 5);
            beginCompute(ticket, branch, true);
            const auto done = qScopeGuard([this] { m_inFlight.reset(); });
            auto p = m_session->predictPosition(t->branch(branch).at(index), position, k);
            if (p) {
                reply.ok = true;
                reply.topIds = p->topIds;
                reply.topProbs = p->topProbs;
                reply.pieces = p->pieces;
                reply.entropy = p->entropy;
            } else {
                reply.error = cancelled(ticket) ? stoppedText : fromStd(p.error());
            }
        }
        Q_EMIT predictionReady(reply);
    });
}

void EngineWorker::moveTo(int branch, int index)
{
    guarded("moving to a record", [&] {
        if (!m_session)
            return;
        const int fromBranch = m_session->branchId();
        const int fromIndex = m_session->index();
        const Status s = m_session->switchBranch(branch, index);
        if (!s) {
            Q_EMIT failed(fromStd(s.error()));
            return;
        }
        emitState(EngineState::Cause::Moved, fromBranch, fromIndex);
    });
}

Status EngineWorker::applyToSession(const EditRequest &request, int *written)
{
    *written = static_cast<int>(request.positions.size());
    switch (request.kind) {
    case EditRequest::Kind::SetTokens:
        *written = static_cast<int>(request.ids.size());
        return request.positions.empty() ? Status::failure("no position to edit")
                                         : m_session->setTokens(request.positions.front(), request.ids);
    case EditRequest::Kind::SetText:
        return request.positions.empty()
            ? Status::failure("no position to edit")
            : m_session->setText(request.positions.front(), request.text.toStdString(), written);
    case EditRequest::Kind::Remask:
        return m_session->remask(request.positions);
    case EditRequest::Kind::Lock:
    case EditRequest::Kind::Unlock:
        return m_session->setLocked(request.positions, request.kind == EditRequest::Kind::Lock);
    }
    return Status::failure("unknown edit");
}

void EngineWorker::applyEdit(const EditRequest &request, int branch, int index)
{
    guarded("the edit", [&] {
        const QString problem = cursorProblem(branch, index);
        if (!problem.isEmpty()) {
            Q_EMIT failed(problem);
            return;
        }
        const int branchesBefore = m_session->timeline().branchCount();
        int written = 0;
        // Session edits check everything before they change anything, so a refusal leaves no trace.
        const Status s = applyToSession(request, &written);
        if (!s) {
            Q_EMIT failed(fromStd(s.error()));
            return;
        }
        EditOutcome outcome;
        outcome.request = request;
        outcome.branch = m_session->branchId();
        outcome.index = m_session->index();
        outcome.record = m_session->timeline().branch(outcome.branch).records.at(static_cast<size_t>(outcome.index));
        outcome.beforeBranch = branch;
        outcome.beforeIndex = index;
        outcome.forked = m_session->timeline().branchCount() > branchesBefore;
        outcome.written = written;
        emitState(EngineState::Cause::Edited, branch, index);
        Q_EMIT editApplied(outcome);
    });
}

void EngineWorker::undoEdit(quint64 id, const EditOutcome &edit, int branch, int index)
{
    guarded("undoing the edit", [&] {
        UndoReply reply;
        reply.id = id;
        reply.error = cursorProblem(branch, index);
        if (reply.error.isEmpty()) {
            auto detached = m_session->takeBackEdit(edit.branch, edit.index, edit.record.get());
            if (detached) {
                reply.ok = true;
                reply.detached = *detached;
                emitState(EngineState::Cause::Undone, branch, index);
            } else {
                reply.error = fromStd(detached.error());
            }
        }
        Q_EMIT undoDone(reply);
    });
}

void EngineWorker::redoEdit(quint64 id, const DetachedPtr &detached, int branch, int index)
{
    guarded("redoing the edit", [&] {
        UndoReply reply;
        reply.id = id;
        reply.error = cursorProblem(branch, index);
        if (reply.error.isEmpty()) {
            const Status s = detached ? m_session->restoreEdit(*detached) : Status::failure("nothing to redo");
            if (s) {
                reply.ok = true;
                emitState(EngineState::Cause::Redone, branch, index);
            } else {
                reply.error = fromStd(s.error());
            }
        }
        Q_EMIT undoDone(reply);
    });
}

void EngineWorker::takeSession(std::unique_ptr<Session> session)
{
    // OpenMP thread counts are per calling thread: set it here, on the engine thread.
    setComputeThreads(session->settings().threads);
    session->setStepProgress([this](const StepProgressInfo &info) { return onLayer(info); });
    m_session = std::move(session);
    emitState(EngineState::Cause::Started, m_session->branchId(), m_session->index());
}

void EngineWorker::beginCompute(quint64 ticket, int branch, bool prediction)
{
    InFlight f;
    f.ticket = ticket;
    f.last.branch = branch;
    f.last.prediction = prediction;
    m_inFlight = f;
    m_throttle.restart(ProgressThrottle::Clock::now());
}

bool EngineWorker::onLayer(const StepProgressInfo &info)
{
    if (!m_inFlight)
        return true; // a pass outside any request (none today): nobody to stop it
    StepProgressUpdate &u = m_inFlight->last;
    u.denoiseStep = info.denoiseStep;
    u.layersDone = info.layersDone;
    u.layersTotal = info.layersTotal;
    // Checked after every layer: requestStop only moves an atomic, so Stop costs at most one layer's time.
    if (cancelled(m_inFlight->ticket))
        return false;
    if (m_throttle.due(ProgressThrottle::Clock::now()))
        Q_EMIT stepProgress(u);
    return true;
}

void EngineWorker::reportStopped()
{
    if (m_inFlight)
        Q_EMIT stepStopped(m_inFlight->last);
}

EngineState EngineWorker::currentState() const
{
    EngineState s;
    if (!m_session)
        return s;
    s.timeline = m_session->timeline();
    s.branch = s.fromBranch = m_session->branchId();
    s.index = s.fromIndex = m_session->index();
    return s;
}

void EngineWorker::emitState(EngineState::Cause cause, int fromBranch, int fromIndex)
{
    EngineState state = currentState();
    state.cause = cause;
    state.fromBranch = fromBranch;
    state.fromIndex = fromIndex;
    Q_EMIT stateChanged(state);
}

} // namespace dlm
