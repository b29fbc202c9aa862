#pragma once
// Two branches of the timeline side by side: their canvases aligned position by position with the
// positions that differ marked, where the two histories first part, the settings that differ, and their
// run plots overlaid. Drawn from the timeline alone (timeline_diff), so it works on a saved file too.

#include "core/timeline/timeline.h"
#include "core/timeline/timeline_diff.h"

#include <QWidget>

#include <vector>

class QComboBox;
class QLabel;
class QSplitter;
class QTableWidget;

namespace dlm {

class ComparePlot;

/**
 * A table with one row per canvas position (columns: position, branch A's token, branch B's token, a mark
 * where they differ), above it the branch pickers and the first divergence, below it the overlaid plots.
 * It compares each branch's last record.
 */
class CompareView : public QWidget
{
    Q_OBJECT

public:
    enum Column { ColPosition, ColA, ColB, ColMark, ColumnCount };

    explicit CompareView(QWidget *parent = nullptr);

    /** Takes the timeline (records are shared); keeps the chosen branches where they still exist. */
    void setTimeline(const Timeline &timeline);
    /** Compares branch `a` with branch `b`. */
    void setBranches(int a, int b);
    void clear();
    /** Qt::Horizontal puts the plots beside the table (a wide dock), Qt::Vertical under it (a tall one). */
    void setPlotsOrientation(Qt::Orientation orientation);

    int branchA() const { return m_a; }
    int branchB() const { return m_b; }
    const TimelineDiff &diff() const { return m_diff; }
    /** Positions whose rows are marked as differing in the table (read back from the table). */
    std::vector<int> markedPositions() const;
    QString divergenceText() const;
    QString settingsText() const;
    QTableWidget *table() const { return m_table; }
    ComparePlot *plots() const { return m_plot; }
    QComboBox *pickerA() const { return m_pickA; }
    QComboBox *pickerB() const { return m_pickB; }

Q_SIGNALS:
    /** A user double-clicked a row: show that position (and branch A) in the main views. */
    void positionActivated(int branch, int position);

private:
    void rebuild();
    void fillPickers();
    void fillTable();
    QString tokenText(int32_t id) const;

    Timeline m_timeline;
    TimelineDiff m_diff;
    int m_a = -1, m_b = -1;
    QComboBox *m_pickA = nullptr;
    QComboBox *m_pickB = nullptr;
    QLabel *m_divergence = nullptr;
    QLabel *m_settings = nullptr;
    QTableWidget *m_table = nullptr;
    ComparePlot *m_plot = nullptr;
    QSplitter *m_split = nullptr;
};

} // namespace dlm
