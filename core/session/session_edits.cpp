#include "core/session/session.h"
#include "core/session/session_impl.h"

#include "core/text/tokenizer.h"

#include <algorithm>
#include <string>

// The edits of a session, taking them back and making them again. Kept apart from session.cpp, which
// computes steps with LibTorch: nothing here touches a tensor.

namespace dlm {

namespace {

std::string positionError(int pos, const std::string &why)
{
    return "position " + std::to_string(pos) + " " + why;
}

} // namespace

Result<std::shared_ptr<const DetachedHistory>> Session::takeBackEdit(
    int branchId, int index, const StepRecord *expected)
{
    using R = Result<std::shared_ptr<const DetachedHistory>>;
    const int count = m_timeline.branchCount();
    if (branchId < 0 || branchId >= count)
        return R::failure("branch " + std::to_string(branchId) + " does not exist");
    const Branch &b = m_timeline.branch(branchId);
    if (index <= 0 || index >= b.size())
        return R::failure("record " + std::to_string(index) + " does not exist on branch " + std::to_string(branchId));
    if (b.records[static_cast<size_t>(index)].get() != expected || b.at(index).kind != RecordKind::Edit)
        return R::failure("record " + std::to_string(index) + " of branch " + std::to_string(branchId)
            + " is not the edit to take back");

    auto detached = std::make_shared<DetachedHistory>();
    detached->branch.id = branchId;
    // An edit that forked its branch is the branch's first own record; anything later is an edit at its tip.
    if (b.parent >= 0 && index == b.forkIndex + 1) {
        if (branchId != count - 1)
            return R::failure("branch " + std::to_string(branchId) + " was forked before branch "
                + std::to_string(count - 1) + "; take the newer branches back first");
        detached->wholeBranch = true;
        detached->branch = b;
        const int parent = b.parent;
        const int forkIndex = b.forkIndex;
        m_timeline.removeLastBranch();
        m_branch = parent;
        m_index = forkIndex;
        return R(std::shared_ptr<const DetachedHistory>(std::move(detached)));
    }
    for (int i = 0; i < count; ++i) {
        const Branch &other = m_timeline.branch(i);
        if (other.parent == branchId && other.forkIndex >= index)
            return R::failure("branch " + std::to_string(i) + " forks from record " + std::to_string(other.forkIndex)
                + " of branch " + std::to_string(branchId) + ", after this edit; take it back first");
    }
    detached->from = index;
    detached->tail.assign(b.records.begin() + index, b.records.end());
    m_timeline.truncate(branchId, index - 1);
    m_branch = branchId;
    m_index = index - 1;
    return R(std::shared_ptr<const DetachedHistory>(std::move(detached)));
}

Status Session::restoreEdit(const DetachedHistory &detached)
{
    const int id = detached.branch.id;
    if (detached.wholeBranch) {
        const Branch &b = detached.branch;
        if (id != m_timeline.branchCount())
            return Status::failure("branch " + std::to_string(id) + " cannot come back: the timeline now has "
                + std::to_string(m_timeline.branchCount()) + " branches");
        if (b.parent < 0 || b.parent >= id || m_timeline.branch(b.parent).size() <= b.forkIndex)
            return Status::failure("the branch that branch " + std::to_string(id) + " forked from has changed");
        const Branch &parent = m_timeline.branch(b.parent);
        if (!std::equal(b.records.begin(), b.records.begin() + b.forkIndex + 1, parent.records.begin()))
            return Status::failure("the records branch " + std::to_string(id) + " shares with branch "
                + std::to_string(b.parent) + " have changed");
        m_timeline.addBranch(b);
        m_branch = id;
        m_index = b.forkIndex + 1;
        return {};
    }
    if (id < 0 || id >= m_timeline.branchCount())
        return Status::failure("branch " + std::to_string(id) + " does not exist");
    const Branch &b = m_timeline.branch(id);
    if (b.size() < detached.from)
        return Status::failure(
            "branch " + std::to_string(id) + " lost records since the undo; the edit no longer fits");
    if (b.size() > detached.from) {
        const int added = b.size() - detached.from;
        return Status::failure("since the undo, " + std::to_string(added) + " record(s) were computed on branch "
            + std::to_string(id) + " after record " + std::to_string(detached.from - 1)
            + ", where the edit would go back; redoing it would replace them");
    }
    // The records go back as they were: the same shared records, nothing recomputed.
    auto &records = m_timeline.branchForLoading(id).records;
    records.insert(records.end(), detached.tail.begin(), detached.tail.end());
    m_branch = id;
    m_index = detached.from;
    return {};
}

Status Session::appendEdit(StepRecord record)
{
    const Branch &b = m_timeline.branch(m_branch);
    if (m_index + 1 < b.size()) {
        // Editing the past: keep that history and continue on a new branch from here.
        m_branch = m_timeline.fork(m_branch, m_index);
    }
    rememberPieces(record);
    m_timeline.append(m_branch, std::move(record));
    ++m_index;
    return {};
}

namespace {

// A new record that starts as a copy of `cur` with this step's predictions dropped.
StepRecord editRecordFrom(const StepRecord &cur, EditInfo edit)
{
    StepRecord r;
    r.kind = RecordKind::Edit;
    r.denoiseStep = cur.denoiseStep;
    r.block = cur.block;
    r.stepInBlock = cur.stepInBlock;
    r.tokens = cur.tokens;
    r.states = cur.states;
    r.flags = cur.flags;
    for (auto &s : r.states) {
        if (s == PositionState::CommittedThisStep)
            s = PositionState::Committed;
        else if (s == PositionState::Remasked)
            s = PositionState::Masked;
    }
    r.edit = std::move(edit);
    return r;
}

} // namespace

Status Session::setTokens(int position, const std::vector<int32_t> &ids, const std::string &text)
{
    const StepRecord &cur = current();
    if (ids.empty())
        return Status::failure("no tokens to set");
    const int vocab = m_timeline.model.vocabSize;
    EditInfo edit;
    edit.type = EditInfo::Type::SetTokens;
    edit.text = text;
    for (size_t i = 0; i < ids.size(); ++i) {
        const int p = position + static_cast<int>(i);
        if (p < 0 || p >= cur.length())
            return Status::failure(positionError(p,
                "is outside the canvas (0.." + std::to_string(cur.length() - 1) + ")"
                    + (i > 0 ? "; the text is too long for the space left" : "")));
        if (cur.states[static_cast<size_t>(p)] == PositionState::Prompt)
            return Status::failure(positionError(p, "is part of the prompt, which cannot be edited mid-denoise"));
        if (cur.flags[static_cast<size_t>(p)] & FlagLocked)
            return Status::failure(positionError(p, "is locked; unlock it first"));
        if (ids[i] < 0 || ids[i] >= vocab)
            return Status::failure(
                "token id " + std::to_string(ids[i]) + " is outside the vocabulary (" + std::to_string(vocab) + ")");
        if (ids[i] == maskId())
            return Status::failure(positionError(p, ": use remask to send a position back to the mask"));
        edit.positions.push_back(p);
        edit.tokens.push_back(ids[i]);
    }
    StepRecord r = editRecordFrom(cur, edit);
    for (size_t i = 0; i < edit.positions.size(); ++i) {
        r.tokens[static_cast<size_t>(edit.positions[i])] = edit.tokens[i];
        r.states[static_cast<size_t>(edit.positions[i])] = PositionState::Edited;
    }
    return appendEdit(std::move(r));
}

Status Session::setText(int position, const std::string &text, int *count)
{
    if (!d->tokenizer)
        return Status::failure("no tokenizer loaded: set token ids instead of text");
    std::vector<int32_t> ids = d->tokenizer->encode(text);
    if (ids.empty())
        return Status::failure("the text '" + text + "' has no tokens");
    Status s = setTokens(position, ids, text);
    if (s && count)
        *count = static_cast<int>(ids.size());
    return s;
}

Status Session::remask(const std::vector<int32_t> &positions)
{
    const StepRecord &cur = current();
    if (positions.empty())
        return Status::failure("no positions to remask");
    EditInfo edit;
    edit.type = EditInfo::Type::Remask;
    for (int32_t p : positions) {
        if (p < 0 || p >= cur.length())
            return Status::failure(positionError(p, "is outside the canvas"));
        const PositionState s = cur.states[static_cast<size_t>(p)];
        if (s == PositionState::Prompt)
            return Status::failure(positionError(p, "is part of the prompt and cannot be remasked"));
        if (cur.tokens[static_cast<size_t>(p)] == maskId())
            return Status::failure(positionError(p, "is already masked"));
        if (cur.flags[static_cast<size_t>(p)] & FlagLocked)
            return Status::failure(positionError(p, "is locked; unlock it first"));
        edit.positions.push_back(p);
    }
    StepRecord r = editRecordFrom(cur, edit);
    for (int32_t p : edit.positions) {
        r.tokens[static_cast<size_t>(p)] = maskId();
        r.states[static_cast<size_t>(p)] = PositionState::Masked;
    }
    return appendEdit(std::move(r));
}

Status Session::setLocked(const std::vector<int32_t> &positions, bool locked)
{
    const StepRecord &cur = current();
    if (positions.empty())
        return Status::failure("no positions to lock");
    EditInfo edit;
    edit.type = locked ? EditInfo::Type::Lock : EditInfo::Type::Unlock;
    for (int32_t p : positions) {
        if (p < 0 || p >= cur.length())
            return Status::failure(positionError(p, "is outside the canvas"));
        if (cur.states[static_cast<size_t>(p)] == PositionState::Prompt)
            return Status::failure(positionError(p, "is part of the prompt, which never changes"));
        if (locked && cur.tokens[static_cast<size_t>(p)] == maskId())
            return Status::failure(positionError(p, "is masked; only a position holding a token can be locked"));
        edit.positions.push_back(p);
    }
    StepRecord r = editRecordFrom(cur, edit);
    for (int32_t p : edit.positions) {
        uint8_t &f = r.flags[static_cast<size_t>(p)];
        f = locked ? static_cast<uint8_t>(f | FlagLocked) : static_cast<uint8_t>(f & ~FlagLocked);
    }
    return appendEdit(std::move(r));
}

} // namespace dlm
