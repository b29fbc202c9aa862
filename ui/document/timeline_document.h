#pragma once
// The GUI thread's copy of the session's timeline and the record on screen. Records are the engine's own
// immutable records (shared, not copied), so going back and forth is instant and needs no engine call.

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

    /** Replaces everything with a new session's timeline; the engine holds the same session (live). */
    void reset(const SessionSnapshot &snapshot);
    /**
     * Replaces everything with a timeline read from `file`, with no engine session behind it: history can
     * be replayed and exported, but stepping past the end and editing need a model attached (then reset()).
     */
    void loadReplay(const Timeline &timeline, const QString &file);
    void clear();
    /**
     * Takes a record the engine moved to. A new record is appended; a known one is only revisited. The
     * cursor follows when it sat on the record before it, so a user who went back is not yanked forward.
     */
    void applyUpdate(const RecordUpdate &update);
    /** Takes the engine's whole timeline after history was dropped (undo); the cursor moves with it. */
    void replaceHistory(const SessionSnapshot &snapshot);

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
     * where the token came from the prompt or an edit, or the position is masked.
     */
    std::vector<float> committedProbabilities(int index) const;

Q_SIGNALS:
    /** A new session (or none) replaced the timeline. */
    void timelineReset();
    /** The same session's records changed other than by growing: a branch came or went, history was dropped. */
    void historyChanged();
    /** Records were added to the current branch. */
    void countChanged(int count);
    /** The record on screen changed. */
    void currentChanged(int branch, int index);

private:
    /** Shows `snapshot`, announcing it with `what` (timelineReset or historyChanged). */
    void take(const SessionSnapshot &snapshot, void (TimelineDocument::*what)());

    Timeline m_timeline;
    bool m_live = false;
    QString m_fileName;
    int m_branch = 0;
    int m_index = 0;
};

} // namespace dlm
