#pragma once
// One position under the microscope: what the model proposed there at the current step, and across the
// branch how likely it found the token the position finally became, so a user sees when the model "knew".

#include "ui/engine/engine_types.h"
#include "core/timeline/timeline.h"

#include <QWidget>

#include <vector>

class QCPGraph;
class QCPItemStraightLine;
class QCustomPlot;
class QLabel;
class QTableWidget;

namespace dlm {

/**
 * The selected position's top-k candidates at the current record (a table), and a chart over all records
 * of the branch of p(final token) and the entropy of the prediction. p(final token) comes from the top-k
 * when the token is among them, else from the candidate's probability when it was the candidate; when it
 * was neither, the chart shows a down-pointing marker at the k-th probability, an upper bound.
 */
class TokenInspector : public QWidget
{
    Q_OBJECT

public:
    explicit TokenInspector(QWidget *parent = nullptr);

    /** Takes branch `branchId` of `timeline`; record pointers are shared, so the timeline may change later. */
    void setTimelineBranch(const Timeline &timeline, int branchId);
    void clear();

    QTableWidget *table() const { return m_table; }
    QCustomPlot *plot() const { return m_plot; }
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

public Q_SLOTS:
    void setCurrentIndex(int index);
    /** Selects the position to inspect; -1 shows nothing. */
    void setPosition(int position);

Q_SIGNALS:
    /** A user double-clicked a top-k row: ViewSync turns it into an edit that puts this token there. */
    void candidateActivated(int position, int tokenId);

private:
    void rebuildSeries();
    void rebuildTable();
    void updateCurrentLine();
    void onCellDoubleClicked(int row, int column);
    QString pieceText(int32_t id) const;

    QLabel *m_header = nullptr;
    QLabel *m_caption = nullptr;
    QTableWidget *m_table = nullptr;
    QCustomPlot *m_plot = nullptr;
    QCPGraph *m_probGraph = nullptr;
    QCPGraph *m_belowGraph = nullptr;
    QCPGraph *m_entropyGraph = nullptr;
    QCPItemStraightLine *m_currentLine = nullptr;

    std::vector<RecordPtr> m_records;
    Timeline m_pieceTable; ///< only `pieces` is filled, so Timeline::pieceOf serves the lookups
    int32_t m_maskId = -1;
    int m_position = -1;
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
