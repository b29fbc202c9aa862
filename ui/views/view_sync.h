#pragma once
// Keeps every view of the timeline on the same branch, record and selected position, and turns clicks in
// one view into navigation for all of them.

#include <QObject>
#include <QTimer>

namespace dlm {

class CanvasView;
class DecisionChart;
class EditController;
class EngineController;
class HeatmapView;
class PlaybackController;
class RunPlots;
class ExpertsView;
class TimelineDocument;
class TokenInspector;

/** The views a window shows; any may be null (a window without that panel). */
struct TimelineViews
{
    CanvasView *canvas = nullptr;
    HeatmapView *heatmap = nullptr;
    DecisionChart *decisions = nullptr;
    TokenInspector *inspector = nullptr;
    RunPlots *plots = nullptr;
    ExpertsView *experts = nullptr; ///< mixture-of-experts routing (empty for other families)
};

/**
 * The canvas follows every record at once (it draws one record, well under a frame). The analysis views
 * rebuild from the whole branch, so while a run streams records they refresh at most every kRunRefreshMs.
 */
class ViewSync : public QObject
{
    Q_OBJECT

public:
    static constexpr int kRunRefreshMs = 60;

    ViewSync(TimelineDocument *document, PlaybackController *playback, EngineController *engine, EditController *edits,
        const TimelineViews &views, QObject *parent = nullptr);

    int selectedPosition() const { return m_selected; }
    /** Selects `position` in every view (-1: none). */
    void selectPosition(int position);
    /** Applies a pending refresh now (tests and screenshots call it before looking at the views). */
    void flush();

Q_SIGNALS:
    void selectionChanged(int position);

private:
    void scheduleRebuild();
    void scheduleCurrent();
    void refreshViews();
    void showCanvas();

    TimelineDocument *m_document;
    PlaybackController *m_playback;
    EngineController *m_engine;
    TimelineViews m_views;
    QTimer m_timer;
    bool m_rebuildPending = false;
    bool m_currentPending = false;
    int m_selected = -1;
};

} // namespace dlm
