#pragma once
// The one interface ViewSync drives: a view of the document's branch, record and selected position. A view
// implements it and is registered once (MainWindow registers every docked widget that implements it), so
// ViewSync never names a view and adding one touches neither ViewSync nor the window's wiring.

namespace dlm {

class TimelineDocument;
class ViewSync;

/**
 * What ViewSync needs of a view. A branch view (the heatmap, the charts, the inspector) draws the whole
 * branch: showBranch when the branch's records change, showCursor when the cursor moves; while a run
 * streams records both come at most every ViewSync::kRunRefreshMs. A record view (the canvas) draws the
 * current record alone, cheap enough for every record: showCursor then showSelection at each move.
 * The theme needs nothing here: views follow the palette Qt propagates (plot_theme.h, changeEvent).
 */
class TimelineView
{
public:
    enum class Follows { Branch, Record };

    virtual ~TimelineView() = default;

    virtual Follows follows() const { return Follows::Branch; }
    /** A branch view shows the document's branch, or nothing when the document is empty. */
    virtual void showBranch(const TimelineDocument &document);
    /** Shows the document's cursor: its record (a record view) or that record marked on the branch. */
    virtual void showCursor(const TimelineDocument &document) = 0;
    /** Marks the selected canvas position; -1: none. */
    virtual void showSelection(int position);
    /** Connects the view's own requests (a clicked position or record, a chosen candidate) to `sync`. */
    virtual void connectTo(ViewSync &sync);

protected:
    TimelineView() = default;
    TimelineView(const TimelineView &) = default;
    TimelineView &operator=(const TimelineView &) = default;
};

} // namespace dlm
