#include "ui/views/branch_list.h"

#include "ui/document/timeline_document.h"

#include <QHeaderView>
#include <QMenu>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <vector>

namespace dlm {

namespace {

constexpr int kIdRole = Qt::UserRole;

QString editSummary(const EditInfo &e, const TimelineDocument &doc)
{
    const int first = e.positions.empty() ? -1 : e.positions.front();
    switch (e.type) {
    case EditInfo::Type::SetTokens:
        if (!e.text.empty())
            return BranchList::tr("typed “%1” at %2").arg(QString::fromStdString(e.text)).arg(first);
        return BranchList::tr("%1 → “%2”")
            .arg(first)
            .arg(e.tokens.empty() ? QString() : doc.displayText(e.tokens.front()));
    case EditInfo::Type::Remask:
        return BranchList::tr("remasked %1").arg(first);
    case EditInfo::Type::Lock:
        return BranchList::tr("locked %1").arg(first);
    case EditInfo::Type::Unlock:
        return BranchList::tr("unlocked %1").arg(first);
    }
    return {};
}

} // namespace

BranchList::BranchList(TimelineDocument *document, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
{
    m_tree = new QTreeWidget;
    m_tree->setColumnCount(3);
    m_tree->setHeaderLabels({tr("Branch"), tr("Records"), tr("Forked by")});
    m_tree->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_tree->header()->setStretchLastSection(true);
    m_tree->setRootIsDecorated(true);
    m_tree->setUniformRowHeights(true);
    m_tree->setToolTip(tr("An edit made at an earlier step starts a branch; the original history is kept. "
                          "Click a branch to show it."));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tree);

    connect(m_tree, &QTreeWidget::itemActivated, this,
        [this](QTreeWidgetItem *item) { Q_EMIT branchActivated(item->data(0, kIdRole).toInt()); });
    connect(m_tree, &QTreeWidget::itemClicked, this,
        [this](QTreeWidgetItem *item) { Q_EMIT branchActivated(item->data(0, kIdRole).toInt()); });
    m_tree->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_tree, &QTreeWidget::customContextMenuRequested, this, &BranchList::showContextMenu);
    connect(m_document, &TimelineDocument::timelineReset, this, &BranchList::rebuild);
    connect(m_document, &TimelineDocument::historyChanged, this, &BranchList::rebuild);
    connect(m_document, &TimelineDocument::countChanged, this, &BranchList::markCurrent);
    connect(m_document, &TimelineDocument::currentChanged, this, &BranchList::markCurrent);
    rebuild();
}

QTreeWidgetItem *BranchList::itemFor(int id) const
{
    QTreeWidgetItemIterator it(m_tree);
    for (; *it; ++it) {
        if ((*it)->data(0, kIdRole).toInt() == id)
            return *it;
    }
    return nullptr;
}

void BranchList::showContextMenu(const QPoint &pos)
{
    QTreeWidgetItem *item = m_tree->itemAt(pos);
    if (!item)
        return;
    const int id = item->data(0, kIdRole).toInt();
    QMenu menu(this);
    QAction *show = menu.addAction(tr("Show this branch"));
    connect(show, &QAction::triggered, this, [this, id] { Q_EMIT branchActivated(id); });
    QAction *compare = menu.addAction(tr("Compare with current"));
    compare->setEnabled(id != m_document->branch());
    compare->setToolTip(tr("Side by side with the branch on screen: differing positions, first divergence, plots"));
    connect(compare, &QAction::triggered, this, [this, id] { Q_EMIT compareRequested(id); });
    menu.exec(m_tree->viewport()->mapToGlobal(pos));
}

QString BranchList::forkDescription(int id) const
{
    const Branch &b = m_document->timeline().branch(id);
    if (b.parent < 0)
        return tr("the first run");
    if (b.forkIndex == 0 && (b.size() == 1 || b.at(1).kind != RecordKind::Edit))
        return tr("run again from the prompt (branch %1's seed)").arg(b.parent);
    const int editIndex = b.forkIndex + 1;
    QString what;
    if (editIndex < b.size() && b.at(editIndex).kind == RecordKind::Edit)
        what = editSummary(b.at(editIndex).edit, *m_document);
    return tr("%1 at step %2 of branch %3").arg(what).arg(b.at(b.forkIndex).denoiseStep).arg(b.parent);
}

void BranchList::rebuild()
{
    m_tree->clear();
    if (m_document->isEmpty())
        return;
    const Timeline &t = m_document->timeline();
    std::vector<QTreeWidgetItem *> items(static_cast<size_t>(t.branchCount()), nullptr);
    // Parents always have smaller ids than their children (a fork appends), so one pass builds the tree.
    for (int id = 0; id < t.branchCount(); ++id) {
        const Branch &b = t.branch(id);
        auto *item = new QTreeWidgetItem;
        item->setData(0, kIdRole, id);
        item->setText(0, QString::fromStdString(b.label.empty() ? "branch " + std::to_string(id) : b.label));
        item->setText(2, forkDescription(id));
        item->setToolTip(2, item->text(2));
        if (b.parent >= 0 && b.parent < id && items[static_cast<size_t>(b.parent)])
            items[static_cast<size_t>(b.parent)]->addChild(item);
        else
            m_tree->addTopLevelItem(item);
        items[static_cast<size_t>(id)] = item;
    }
    m_tree->expandAll();
    markCurrent();
}

void BranchList::markCurrent()
{
    if (m_document->isEmpty())
        return;
    const Timeline &t = m_document->timeline();
    QTreeWidgetItemIterator it(m_tree);
    for (; *it; ++it) {
        const int id = (*it)->data(0, kIdRole).toInt();
        if (id >= t.branchCount())
            continue;
        QFont font = (*it)->font(0);
        font.setBold(id == m_document->branch());
        for (int c = 0; c < 3; ++c)
            (*it)->setFont(c, font);
        (*it)->setText(1, QString::number(t.branch(id).size()));
        if (id == m_document->branch())
            m_tree->setCurrentItem(*it);
    }
}

} // namespace dlm
