#pragma once
// Keeps every view of the timeline on the same branch, record and selected position, and turns clicks in
// one view into navigation for all of them.

#include <QObject>
#include <QTimer>

#include <cstdint>
#include <vector>

namespace dlm {

class EditController;
class EngineController;
class PlaybackController;
class TimelineDocument;
class TimelineView;

/**
 * Drives the views registered with addView (timeline_view.h) and never names one. Record views follow every
 * record at once (the canvas draws one record, well under a frame); branch views rebuild from the whole
 * branch, so while a run streams records they refresh at most every kRunRefreshMs.
 */
class ViewSync : public QObject
{
    Q_OBJECT

public:
    static constexpr int kRunRefreshMs = 60;

    /** `edits` may be null (a window without editing): candidates chosen in a view then change nothing. */
    ViewSync(TimelineDocument *document, PlaybackController *playback, EngineController *engine, EditController *edits,
        QObject *parent = nullptr);

    /** Keeps `view` in step from now on and connects its requests; `view` must outlive the next refresh. */
    void addView(TimelineView *view);

    int selectedPosition() const { return m_selected; }
    /** Selects `position` in every view (-1: none). */
    void selectPosition(int position);
    /** Shows record `index` of the branch on screen (a view's click on a record). */
    void goTo(int index);
    /** Puts `tokenId` at `position` as an edit (a candidate chosen in a view). */
    void replaceToken(int position, int32_t tokenId);
    /** Applies a pending refresh now (tests and screenshots call it before looking at the views). */
    void flush();

Q_SIGNALS:
    void selectionChanged(int position);

private:
    void scheduleRebuild();
    void scheduleCurrent();
    void refreshViews();
    void showRecordViews();

    TimelineDocument *m_document;
    PlaybackController *m_playback;
    EngineController *m_engine;
    EditController *m_edits;
    std::vector<TimelineView *> m_views;
    QTimer m_timer;
    bool m_rebuildPending = false;
    bool m_currentPending = false;
    int m_selected = -1;
};

} // namespace dlm
