#pragma once
// Positions x records as a colour map of the confidence the model had in each position's candidate: a user
// sees at a glance where and when the model became sure, which block it worked on and when every token was
// committed. It reads the records only; it never changes them.

#include "ui/engine/engine_types.h"
#include "core/timeline/timeline.h"
#include "ui/figures/heatmap_figure.h"
#include "ui/views/plot_view.h"
#include "ui/views/timeline_view.h"

#include <vector>

class QCPColorMap;
class QCPColorScale;
class QCPGraph;
class QCPItemRect;
class QCPItemStraightLine;
class QMouseEvent;

namespace dlm {

/**
 * The confidence heatmap of one branch. Columns are record indices (so they line up with the step slider
 * and the run plots), rows are canvas positions from the first non-prompt position down. Cells of records
 * that made no prediction for a position (prompt, already committed, right of the block, initial and edit
 * records) are blank. Commits are marked, block boundaries are lines, the current record is outlined.
 */
class HeatmapView : public PlotView, public TimelineView
{
    Q_OBJECT

public:
    explicit HeatmapView(QWidget *parent = nullptr);

    /** Shows branch `branchId` of `timeline`. Record pointers are shared, so the timeline may change later. */
    void setTimelineBranch(const Timeline &timeline, int branchId);
    void clear();

    int recordCount() const { return static_cast<int>(m_records.size()); }
    /** The first canvas position shown (the top row). */
    int firstPosition() const { return m_cells.firstPosition; }
    /** One past the last canvas position shown. */
    int endPosition() const { return m_cells.endPosition; }
    int currentIndex() const { return m_current; }
    int selectedPosition() const { return m_selected; }

    /** The value the colour map holds for a cell: NaN where the record made no prediction or off the map. */
    double valueAt(int recordIndex, int position) const;
    /** Records at which `position` received its candidate, in order. */
    std::vector<int> commitRecords(int position) const;
    int commitMarkerCount() const;
    /** Lines drawn between blocks (block count - 1 when all blocks lie on the map). */
    int blockLineCount() const { return static_cast<int>(m_blockLines.size()); }
    /** Positions where a block starts and a line is drawn above it. */
    std::vector<int> blockLinePositions() const { return m_cells.blockStarts; }
    /** The colour map's data range (lower, upper). */
    std::pair<double, double> dataRange() const;

    /** The cell under `pixel` (plot() coordinates); false outside the map. */
    bool cellAt(const QPointF &pixel, int *recordIndex, int *position) const;
    /** The centre of a cell in plot() coordinates, as last laid out. */
    QPointF cellCenter(int recordIndex, int position) const;

    // TimelineView: ViewSync keeps the view on the document's branch, record and selection.
    void showBranch(const TimelineDocument &document) override;
    void showCursor(const TimelineDocument &document) override;
    void showSelection(int position) override;
    void connectTo(ViewSync &sync) override;

public Q_SLOTS:
    /** Outlines the column of record `index`. */
    void setCurrentIndex(int index);
    /** Outlines the row of `position`, or nothing for -1. */
    void setSelectedPosition(int position);

Q_SIGNALS:
    /** A user clicked a cell: ViewSync shows that record and selects that position. */
    void cellClicked(int recordIndex, int position);

protected:
    void changeEvent(QEvent *event) override;

private:
    /** Colours that follow the theme: blank cells and the legend keys for them and the current step. */
    void applyPalette();
    void rebuild();
    void updateHighlights();
    void fitMarkers();
    void plotMousePress(QMouseEvent *event) override;
    void plotMouseMove(QMouseEvent *event) override;
    QString cellDetails(int recordIndex, int position) const;

    QCPColorMap *m_map = nullptr;
    QCPColorScale *m_scale = nullptr;
    QCPGraph *m_blankKey = nullptr;
    QCPGraph *m_blockKey = nullptr;
    QCPGraph *m_currentKey = nullptr;
    QCPGraph *m_commits = nullptr;
    QCPItemRect *m_currentHalo = nullptr;
    QCPItemRect *m_currentBox = nullptr;
    QCPItemRect *m_selectedHalo = nullptr;
    QCPItemRect *m_selectedBox = nullptr;
    std::vector<QCPItemStraightLine *> m_blockLines;

    std::vector<RecordPtr> m_records;
    GenerationSettings m_settings;
    int m_promptLength = 0;
    HeatmapCells m_cells; ///< what the map shows (heatmapCells), the figure's cells
    Timeline m_pieceTable; ///< only `pieces` is filled, so Timeline::pieceOf serves the lookups
    int m_current = -1;
    int m_selected = -1;
};

} // namespace dlm
