#pragma once
// The timeline the window shows and saves, and the record on screen. For a live session it is always the
// engine's latest state, taken whole (records are shared, not copied), never rebuilt from increments; going
// back and forth in it is instant and needs no engine call.

#include "ui/engine/engine_types.h"
#include "core/timeline/timeline.h"

#include <QObject>
#include <QString>

#include <vector>

namespace dlm {

/** The timeline shown in the window and the cursor into it (branch, record index). */
class TimelineDocument : public QObject
{
    Q_OBJECT

public:
    explicit TimelineDocument(QObject *parent = nullptr);

    /**
     * Shows the engine's new state. A new session replaces everything; after an edit, undo, redo or move the
     * view goes where the engine's cursor went; after a step it follows only if it sat where the step began,
     * so a user who went back meanwhile is not yanked forward (the move request they made follows).
     */
    void applyState(const EngineState &state);
    /**
     * Replaces everything with a timeline read from `file`, with no engine session behind it: history can
     * be replayed and exported, but stepping past the end and editing need a model attached (then the
     * engine's state replaces it).
     */
    void loadReplay(const Timeline &timeline, const QString &file);
    void clear();

    bool isEmpty() const { return m_timeline.empty(); }
    /** True when the engine holds this timeline's session (stepping and editing work). */
    bool isLive() const { return m_live && !isEmpty(); }
    /** The file a replay came from (or was last saved to); empty for an unsaved session. */
    QString fileName() const { return m_fileName; }
    void setFileName(const QString &file) { m_fileName = file; }
    const Timeline &timeline() const { return m_timeline; }
    int branch() const { return m_branch; }
    int index() const { return m_index; }
    /** Records on the current branch. */
    int count() const;
    bool atTip() const { return !isEmpty() && m_index == count() - 1; }
    RecordPtr currentRecord() const { return recordAt(m_index); }
    RecordPtr recordAt(int index) const;
    int32_t maskId() const { return m_timeline.model.maskId; }
    /** True when the current record still has a masked position. */
    bool hasMasks() const;
    /** Moves the cursor on the current branch; returns false for an index outside it. */
    bool setIndex(int index);
    /** Shows record `index` (-1: the last) of another branch; returns false if there is no such record. */
    bool setBranch(int branch, int index = -1);

    /** The text a view shows for a token id ("▁" as a space), from the timeline's own piece table. */
    QString displayText(int32_t id) const;
    /** The raw piece of a token id, empty if unknown. */
    QString rawPiece(int32_t id) const;
    /**
     * For every position of record `index`: p(token) at the step that committed the token it holds, NaN
     * where the token came from the prompt or an edit, or the position is masked (committedProbabilities of
     * ui/figures on the document's branch).
     */
    std::vector<float> committedProbabilities(int index) const;

Q_SIGNALS:
    /** A new session (or none) replaced the timeline. */
    void timelineReset();
    /** The same session's records changed other than by the shown branch growing: a branch came or went,
     *  history was dropped or put back, another branch grew. */
    void historyChanged();
    /** Records were added to the current branch. */
    void countChanged(int count);
    /** The record on screen changed. */
    void currentChanged(int branch, int index);

private:
    /** Moves the cursor, then announces what changed: the history, the branch's size, the record on screen. */
    void moveCursor(int branch, int index, int oldCount, bool historyChanged);

    Timeline m_timeline;
    bool m_live = false;
    QString m_fileName;
    int m_branch = 0;
    int m_index = 0;
};

} // namespace dlm
