#pragma once
// The branches of the session as a tree: every edit made in the past forks a branch off its parent, and
// the user switches between them here.

#include <QWidget>

class QTreeWidget;
class QTreeWidgetItem;

namespace dlm {

class TimelineDocument;

/** A tree of branches (children under the branch they forked from), the current one in bold. */
class BranchList : public QWidget
{
    Q_OBJECT

public:
    explicit BranchList(TimelineDocument *document, QWidget *parent = nullptr);

    QTreeWidget *tree() const { return m_tree; }
    /** The item that shows branch `id`, or null. */
    QTreeWidgetItem *itemFor(int id) const;

Q_SIGNALS:
    /** The user picked a branch (click or Enter). */
    void branchActivated(int id);
    /** The user chose "Compare with current" on branch `id` (context menu). */
    void compareRequested(int id);

private:
    void showContextMenu(const QPoint &pos);
    void rebuild();
    void markCurrent();
    QString forkDescription(int id) const;

    TimelineDocument *m_document;
    QTreeWidget *m_tree;
};

} // namespace dlm
