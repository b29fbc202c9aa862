#pragma once
// One position under the microscope: what the model proposed there at the current step, and across the
// branch how likely it found the token the position finally became, so a user sees when the model "knew".

#include "ui/engine/engine_types.h"
#include "core/timeline/timeline.h"
#include "ui/views/plot_view.h"
#include "ui/views/timeline_view.h"

#include <vector>

class QCPGraph;
class QCPItemStraightLine;
class QLabel;
class QPushButton;
class QTableWidget;

namespace dlm {

/**
 * The selected position's top-k candidates (a table), and a chart over all records of the branch of
 * p(final token) and the entropy of the prediction. The table shows the current record's prediction; for a
 * committed token the alternatives of the step that committed it; for a masked position outside the block
 * the latest prediction; on request (any position, the prompt's included) one forward pass on the current
 * canvas. Under it, the position's history: commits, edits, remasks, locks. p(final token) comes from the top-k
 * when the token is among them, else from the candidate's probability when it was the candidate; when it
 * was neither, the chart shows a down-pointing marker at the k-th probability, an upper bound.
 */
class TokenInspector : public PlotView, public TimelineView
{
    Q_OBJECT

public:
    explicit TokenInspector(QWidget *parent = nullptr);

    /** Takes branch `branchId` of `timeline`; record pointers are shared, so the timeline may change later. */
    void setTimelineBranch(const Timeline &timeline, int branchId);
    void clear();

    QTableWidget *table() const { return m_table; }
    int position() const { return m_position; }
    int currentIndex() const { return m_current; }
    /** The token the position holds at the branch's last record; -1 while masked or with no position. */
    int32_t finalToken() const { return m_finalToken; }
    /** The last record that committed the final token there, or -1. */
    int commitRecord() const { return m_commitRecord; }

    /** p(final token) at a record; NaN where the record made no prediction or the token was below the top-k. */
    double finalProbability(int recordIndex) const;
    /** The k-th probability where the final token was outside the top-k (p is at most this); NaN elsewhere. */
    double belowTopKBound(int recordIndex) const;
    /** Entropy of the position's prediction at a record, in nats; NaN where it made none. */
    double entropyAt(int recordIndex) const;
    /** What the chart draws, for tests: the p(final token) and entropy graphs' point counts. */
    int plottedProbabilityPoints() const;
    int plottedEntropyPoints() const;

    /** Rows of the top-k table (0 where the current record has no prediction for the position). */
    int topKRowCount() const;
    int32_t topKId(int row) const;
    double topKProbability(int row) const;
    QString topKText(int row) const;
    /** Why the table is empty, or a one-line caption above it. */
    QString tableCaption() const;
    /** The record whose prediction the table shows (-1: none, or a one-pass prediction). */
    int shownRecord() const { return m_shownRecord; }
    /** True when the table shows the answer of a one-pass prediction request. */
    bool showsPrediction() const { return m_showsPrediction; }
    /** The position's history along the branch, one line per change. */
    QString historyText() const;
    QPushButton *askButton() const { return m_askButton; }

    /** The engine's answer to predictionRequested; shown while it matches the branch, record and position. */
    void setPrediction(const PredictionReply &reply);

    // TimelineView: ViewSync keeps the view on the document's branch, record and selection.
    void showBranch(const TimelineDocument &document) override;
    void showCursor(const TimelineDocument &document) override;
    void showSelection(int position) override;
    void connectTo(ViewSync &sync) override;

public Q_SLOTS:
    void setCurrentIndex(int index);
    /** Selects the position to inspect; -1 shows nothing. */
    void setPosition(int position);

Q_SIGNALS:
    /** A user double-clicked a top-k row: ViewSync turns it into an edit that puts this token there. */
    void candidateActivated(int position, int tokenId);
    /** The user asked what the model would say at `position` of record `index` of `branch` (one pass). */
    void predictionRequested(int branch, int index, int position);

private:
    /** What the table shows and why (token_inspector_rows.cpp). */
    struct ShownRows
    {
        std::vector<int32_t> ids;
        std::vector<double> probs;
        int32_t candidate = -1;
        QString caption;
        int record = -1;
        bool prediction = false;
    };
    ShownRows rowsToShow() const;
    ShownRows recordRows(int record, const QString &caption) const;
    QString historyLines() const;
    void mergePredictionPieces();

    void rebuildSeries();
    void rebuildTable();
    void updateCurrentLine();
    void onCellDoubleClicked(int row, int column);
    QString pieceText(int32_t id) const;

    QLabel *m_header = nullptr;
    QLabel *m_caption = nullptr;
    QLabel *m_history = nullptr;
    QPushButton *m_askButton = nullptr;
    QTableWidget *m_table = nullptr;
    QCPGraph *m_probGraph = nullptr;
    QCPGraph *m_belowGraph = nullptr;
    QCPGraph *m_entropyGraph = nullptr;
    QCPItemStraightLine *m_currentLine = nullptr;

    std::vector<RecordPtr> m_records;
    Timeline m_pieceTable; ///< only `pieces` is filled, so Timeline::pieceOf serves the lookups
    int32_t m_maskId = -1;
    int m_branch = -1;
    int m_position = -1;
    int m_shownRecord = -1;
    bool m_showsPrediction = false;
    PredictionReply m_prediction; ///< the last answer; position -1 when none
    int m_current = -1;
    int32_t m_finalToken = -1;
    int m_commitRecord = -1;
    std::vector<double> m_finalProbability;
    std::vector<double> m_belowBound;
    std::vector<double> m_entropy;
    std::vector<int32_t> m_rowIds;
    std::vector<double> m_rowProbs;
};

} // namespace dlm
