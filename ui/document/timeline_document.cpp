#include "ui/document/timeline_document.h"

#include "core/text/piece_text.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace dlm {

TimelineDocument::TimelineDocument(QObject *parent) : QObject(parent) {}

void TimelineDocument::reset(const SessionSnapshot &snapshot)
{
    m_live = true;
    take(snapshot, &TimelineDocument::timelineReset);
}

void TimelineDocument::take(const SessionSnapshot &snapshot, void (TimelineDocument::*what)())
{
    m_timeline = snapshot.timeline;
    m_branch = snapshot.branch;
    m_index = snapshot.index;
    Q_EMIT(this->*what)();
    Q_EMIT countChanged(count());
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

void TimelineDocument::applyUpdate(const RecordUpdate &update)
{
    if (isEmpty() || !update.record)
        return;
    bool forked = false;
    if (update.branch >= m_timeline.branchCount()) {
        // A branch the engine forked: share the parent's records up to the fork point, as the engine did.
        if (update.branch != m_timeline.branchCount() || update.parentBranch < 0
            || update.parentBranch >= m_timeline.branchCount()
            || update.forkIndex >= m_timeline.branch(update.parentBranch).size())
            return;
        m_timeline.fork(update.parentBranch, update.forkIndex);
        forked = true;
    }
    auto &pieces = m_timeline.pieces;
    if (!update.newPieces.empty()) {
        pieces.insert(pieces.end(), update.newPieces.begin(), update.newPieces.end());
        // pieceOf() binary-searches the table.
        std::sort(pieces.begin(), pieces.end(),
                  [](const auto &a, const auto &b) { return a.first < b.first; });
    }

    auto &records = m_timeline.branchForLoading(update.branch).records;
    const bool added = update.index == static_cast<int>(records.size());
    if (added)
        records.push_back(update.record);
    else if (update.index > static_cast<int>(records.size()))
        return; // a gap means a lost update; never show a record out of order
    if (forked)
        Q_EMIT historyChanged();

    // Follow a branch an edit just made, or the next record of the one on screen; never pull a user who went
    // elsewhere (back in history, another branch) away.
    const bool follow = forked || (update.branch == m_branch && m_index == update.index - 1);
    if (added && update.branch == m_branch)
        Q_EMIT countChanged(count());
    if (follow) {
        const bool branchChanged = update.branch != m_branch;
        m_branch = update.branch;
        m_index = update.index;
        if (branchChanged)
            Q_EMIT countChanged(count());
        Q_EMIT currentChanged(m_branch, m_index);
    }
}

void TimelineDocument::replaceHistory(const SessionSnapshot &snapshot)
{
    if (isEmpty())
        return;
    take(snapshot, &TimelineDocument::historyChanged);
}

bool TimelineDocument::setBranch(int branch, int index)
{
    if (isEmpty() || branch < 0 || branch >= m_timeline.branchCount())
        return false;
    const int size = m_timeline.branch(branch).size();
    const int target = index < 0 ? size - 1 : index;
    if (target >= size)
        return false;
    const bool changed = branch != m_branch;
    m_branch = branch;
    m_index = target;
    if (changed)
        Q_EMIT countChanged(count());
    Q_EMIT currentChanged(m_branch, m_index);
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
    const RecordPtr target = recordAt(index);
    if (!target)
        return {};
    const float nan = std::numeric_limits<float>::quiet_NaN();
    std::vector<float> p(static_cast<size_t>(target->length()), nan);
    // Replaying the commits and edits up to `index` is linear in what happened, a few thousand entries even
    // for long runs, so it is cheaper than keeping a per-record copy.
    for (int i = 0; i <= index; ++i) {
        const StepRecord &r = *recordAt(i);
        if (r.length() != target->length())
            continue;
        for (int32_t pos : r.committed) {
            const size_t at = static_cast<size_t>(pos);
            p[at] = at < r.probability.size() ? r.probability[at] : nan;
        }
        for (int32_t pos : r.remasked)
            p[static_cast<size_t>(pos)] = nan;
        if (r.kind == RecordKind::Edit) {
            for (int32_t pos : r.edit.positions) {
                if (r.edit.type == EditInfo::Type::SetTokens || r.edit.type == EditInfo::Type::Remask)
                    p[static_cast<size_t>(pos)] = nan;
            }
        }
    }
    return p;
}

} // namespace dlm
