#include "ui/engine/engine_worker.h"
#include "core/base/compute_threads.h"

#include "core/sampling/generation_config.h"
#include "core/session/session.h"

#include <QDir>
#include <QFile>

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

EngineWorker::EngineWorker(QObject *parent) : QObject(parent) {}

// Defined here so that ~unique_ptr<Session> sees the complete type.
EngineWorker::~EngineWorker() = default;

void EngineWorker::requestStop(quint64 ticket)
{
    // Keep the largest ticket: a late, smaller stop must not un-cancel newer work.
    quint64 seen = m_stopTicket.load();
    while (ticket > seen && !m_stopTicket.compare_exchange_weak(seen, ticket)) {
    }
}

template <typename Fn>
void EngineWorker::guarded(const char *what, Fn &&fn)
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

void EngineWorker::loadModel(const QString &dir, ComputeDType dtype)
{
    guarded("loading the model", [&] {
        Q_EMIT loadProgress(0.0, tr("Loading %1").arg(QDir::toNativeSeparators(dir)));
        const std::string path = QFile::encodeName(dir).toStdString();
        const LoadProgress progress = [this](double fraction, const std::string &text) {
            Q_EMIT loadProgress(fraction, fromStd(text));
        };
        // OpenMP thread counts are per calling thread: set it here, on the engine thread.
        setComputeThreads(0);
        auto loaded = loadModelDirectory(path, dtype, progress);
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
        auto defaults = loadGenerationConfig(path, GenerationSettings{});
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
}

void EngineWorker::startSession(const QString &prompt, const GenerationSettings &settings)
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

void EngineWorker::step(quint64 ticket)
{
    guarded("the denoising step", [&] {
        if (cancelled(ticket))
            return;
        if (!m_session) {
            Q_EMIT failed(tr("No session: press Start first."));
            return;
        }
        const Status s = m_session->step();
        if (!s) {
            Q_EMIT failed(fromStd(s.error()));
            return;
        }
        emitCurrent();
    });
}

void EngineWorker::run(quint64 ticket, int maxSteps)
{
    guarded("the run", [&] {
        if (cancelled(ticket))
            return;
        if (!m_session) {
            Q_EMIT failed(tr("No session: press Start first."));
            return;
        }
        Q_EMIT runStarted();
        bool stopped = false;
        // The stop check sits after each step, so a stop takes effect once the step in flight is done.
        const Status s = m_session->run(
            [&](const StepRecord &) {
                emitCurrent();
                if (cancelled(ticket)) {
                    stopped = true;
                    return false;
                }
                return true;
            },
            maxSteps);
        if (!s)
            Q_EMIT failed(fromStd(s.error()));
        Q_EMIT finished(stopped);
    });
}

void EngineWorker::goTo(int index)
{
    guarded("moving to a record", [&] {
        if (!m_session)
            return;
        const Status s = m_session->goTo(index);
        if (!s)
            Q_EMIT failed(fromStd(s.error()));
    });
}

void EngineWorker::switchBranch(int branch, int index)
{
    guarded("switching branches", [&] {
        if (!m_session)
            return;
        const Status s = m_session->switchBranch(branch, index);
        if (!s)
            Q_EMIT failed(fromStd(s.error()));
    });
}

void EngineWorker::applyEdit(quint64 id, const EditRequest &request, int branch, int index)
{
    guarded("the edit", [&] {
        if (!m_session) {
            Q_EMIT failed(tr("No session: press Start first."));
            return;
        }
        Status s = m_session->switchBranch(branch, index);
        if (!s) {
            Q_EMIT failed(fromStd(s.error()));
            return;
        }
        const int branchesBefore = m_session->timeline().branchCount();
        int written = static_cast<int>(request.positions.size());
        switch (request.kind) {
        case EditRequest::Kind::SetTokens:
            written = static_cast<int>(request.ids.size());
            s = request.positions.empty() ? Status::failure("no position to edit")
                                          : m_session->setTokens(request.positions.front(), request.ids);
            break;
        case EditRequest::Kind::SetText:
            s = request.positions.empty()
                    ? Status::failure("no position to edit")
                    : m_session->setText(request.positions.front(), request.text.toStdString(), &written);
            break;
        case EditRequest::Kind::Remask:
            s = m_session->remask(request.positions);
            break;
        case EditRequest::Kind::Lock:
        case EditRequest::Kind::Unlock:
            s = m_session->setLocked(request.positions, request.kind == EditRequest::Kind::Lock);
            break;
        }
        if (!s) {
            Q_EMIT failed(fromStd(s.error()));
            return;
        }
        emitCurrent();
        EditOutcome outcome;
        outcome.id = id;
        outcome.request = request;
        outcome.beforeBranch = branch;
        outcome.beforeIndex = index;
        outcome.afterBranch = m_session->branchId();
        outcome.afterIndex = m_session->index();
        outcome.forked = m_session->timeline().branchCount() > branchesBefore;
        outcome.written = written;
        Q_EMIT editApplied(outcome);
    });
}

void EngineWorker::undoEdit(const EditOutcome &outcome)
{
    guarded("undoing the edit", [&] {
        if (!m_session)
            return;
        Status s = outcome.forked ? m_session->discardBranch(outcome.afterBranch)
                                  : m_session->discardAfter(outcome.afterBranch, outcome.afterIndex - 1);
        if (s)
            s = m_session->switchBranch(outcome.beforeBranch, outcome.beforeIndex);
        if (!s) {
            Q_EMIT failed(tr("Cannot undo the edit: %1").arg(fromStd(s.error())));
            return;
        }
        m_knownBranches = m_session->timeline().branchCount();
        Q_EMIT historyChanged(snapshot());
    });
}

void EngineWorker::takeSession(std::unique_ptr<Session> session)
{
    // OpenMP thread counts are per calling thread: set it here, on the engine thread.
    setComputeThreads(session->settings().threads);
    m_session = std::move(session);
    const SessionSnapshot started = snapshot();
    m_sentPieces.clear(); // the snapshot carries every piece so far; updates send only new ones
    for (const auto &piece : started.timeline.pieces)
        m_sentPieces.insert(piece.first);
    m_knownBranches = started.timeline.branchCount();
    Q_EMIT sessionStarted(started);
}

SessionSnapshot EngineWorker::snapshot() const
{
    SessionSnapshot s;
    s.timeline = m_session->timeline();
    s.branch = m_session->branchId();
    s.index = m_session->index();
    return s;
}

void EngineWorker::emitCurrent()
{
    const Timeline &timeline = m_session->timeline();
    RecordUpdate update;
    update.branch = m_session->branchId();
    update.index = m_session->index();
    const Branch &branch = timeline.branch(update.branch);
    update.record = branch.records.at(static_cast<size_t>(update.index));
    if (update.branch >= m_knownBranches) {
        update.parentBranch = branch.parent;
        update.forkIndex = branch.forkIndex;
        m_knownBranches = timeline.branchCount();
    }
    const StepRecord &r = *update.record;
    auto note = [&](int32_t id) {
        if (id >= 0 && m_sentPieces.insert(id).second)
            update.newPieces.emplace_back(id, m_session->piece(id));
    };
    for (int32_t id : r.tokens)
        note(id);
    for (int32_t id : r.candidates)
        note(id);
    for (int32_t id : r.topIds)
        note(id);
    Q_EMIT recordReady(update);
}

} // namespace dlm
