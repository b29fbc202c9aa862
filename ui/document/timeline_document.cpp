#include "ui/document/timeline_document.h"
#include "ui/figures/committed_probabilities.h"

#include "core/text/piece_text.h"

#include <algorithm>
#include <cmath>

namespace dlm {

TimelineDocument::TimelineDocument(QObject *parent)
    : QObject(parent)
{
}

namespace {

/** True when `after` is `before` with records appended to the end of branch `grown` at most. */
bool onlyGrew(const Timeline &before, const Timeline &after, int grown)
{
    if (before.branchCount() != after.branchCount())
        return false;
    for (int id = 0; id < after.branchCount(); ++id) {
        const Branch &a = before.branch(id);
        const Branch &b = after.branch(id);
        if (a.parent != b.parent || a.forkIndex != b.forkIndex || b.size() < a.size())
            return false;
        if (id != grown && b.size() != a.size())
            return false;
        if (!std::equal(a.records.begin(), a.records.end(), b.records.begin()))
            return false;
    }
    return true;
}

} // namespace

void TimelineDocument::applyState(const EngineState &state)
{
    using Cause = EngineState::Cause;
    // A replay or an empty document has no engine session behind it: late news of an older one is stale.
    if (state.cause != Cause::Started && !isLive())
        return;
    const bool started = state.cause == Cause::Started;
    const bool grewHere = !started && onlyGrew(m_timeline, state.timeline, m_branch);
    const int oldCount = started ? -1 : count();
    m_timeline = state.timeline;
    m_live = true;

    int branch = m_branch;
    int index = m_index;
    const bool sameCursor = m_branch == state.fromBranch && m_index == state.fromIndex;
    switch (state.cause) {
    case Cause::Stepped:
        if (!sameCursor)
            break; // the user looked elsewhere meanwhile; a later move request brings the engine there
        [[fallthrough]];
    case Cause::Started:
    case Cause::Moved:
    case Cause::Edited:
    case Cause::Undone:
    case Cause::Redone:
        branch = state.branch;
        index = state.index;
        break;
    }
    // Whatever happened, never point at a record the engine no longer has.
    if (branch >= m_timeline.branchCount() || index >= m_timeline.branch(branch).size()) {
        branch = state.branch;
        index = state.index;
    }
    if (started) {
        m_branch = branch;
        m_index = index;
        Q_EMIT timelineReset();
        Q_EMIT countChanged(count());
        Q_EMIT currentChanged(m_branch, m_index);
        return;
    }
    moveCursor(branch, index, oldCount, !grewHere);
}

void TimelineDocument::moveCursor(int branch, int index, int oldCount, bool historyChanged)
{
    const bool otherBranch = branch != m_branch;
    const bool moved = otherBranch || index != m_index;
    // The cursor moves first, so that listeners of historyChanged never see one that points nowhere.
    m_branch = branch;
    m_index = index;
    if (historyChanged)
        Q_EMIT this->historyChanged();
    if (otherBranch || count() != oldCount)
        Q_EMIT countChanged(count());
    if (moved)
        Q_EMIT currentChanged(m_branch, m_index);
}

void TimelineDocument::loadReplay(const Timeline &timeline, const QString &file)
{
    m_live = false;
    m_fileName = file;
    m_timeline = timeline;
    m_branch = 0;
    m_index = m_timeline.empty() ? 0 : m_timeline.branch(0).size() - 1;
    Q_EMIT timelineReset();
    Q_EMIT countChanged(count());
    Q_EMIT currentChanged(m_branch, m_index);
}

void TimelineDocument::clear()
{
    m_live = false;
    m_fileName.clear();
    m_timeline = Timeline();
    m_branch = 0;
    m_index = 0;
    Q_EMIT timelineReset();
    Q_EMIT countChanged(0);
    Q_EMIT currentChanged(0, 0);
}

bool TimelineDocument::setBranch(int branch, int index)
{
    if (isEmpty() || branch < 0 || branch >= m_timeline.branchCount())
        return false;
    const int size = m_timeline.branch(branch).size();
    const int target = index < 0 ? size - 1 : index;
    if (target >= size)
        return false;
    moveCursor(branch, target, count(), false);
    return true;
}

int TimelineDocument::count() const
{
    return isEmpty() ? 0 : m_timeline.branch(m_branch).size();
}

RecordPtr TimelineDocument::recordAt(int index) const
{
    if (index < 0 || index >= count())
        return {};
    return m_timeline.branch(m_branch).records.at(static_cast<size_t>(index));
}

bool TimelineDocument::hasMasks() const
{
    const RecordPtr r = currentRecord();
    return r && std::find(r->tokens.begin(), r->tokens.end(), maskId()) != r->tokens.end();
}

bool TimelineDocument::setIndex(int index)
{
    if (index < 0 || index >= count())
        return false;
    if (index != m_index) {
        m_index = index;
        Q_EMIT currentChanged(m_branch, m_index);
    }
    return true;
}

QString TimelineDocument::displayText(int32_t id) const
{
    return QString::fromStdString(pieceText(m_timeline.pieceOf(id)));
}

QString TimelineDocument::rawPiece(int32_t id) const
{
    return QString::fromStdString(m_timeline.pieceOf(id));
}

std::vector<float> TimelineDocument::committedProbabilities(int index) const
{
    if (index < 0 || index >= count())
        return {};
    return dlm::committedProbabilities(m_timeline.branch(m_branch), index);
}

} // namespace dlm
