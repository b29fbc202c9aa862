#include "ui/views/compare_view.h"

#include "core/text/piece_text.h"
#include "ui/figures/color_maps.h"
#include "ui/views/compare_plot.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace dlm {

namespace {

constexpr int kPositionRole = Qt::UserRole;
constexpr int kDiffersRole = Qt::UserRole + 1;

QString branchName(const Timeline &t, int id)
{
    const Branch &b = t.branch(id);
    return QString::fromStdString(b.label.empty() ? "branch " + std::to_string(id) : b.label);
}

} // namespace

CompareView::CompareView(QWidget *parent)
    : QWidget(parent)
    , m_pickA(new QComboBox(this))
    , m_pickB(new QComboBox(this))
    , m_divergence(new QLabel(this))
    , m_settings(new QLabel(this))
    , m_table(new QTableWidget(0, ColumnCount, this))
    , m_plot(new ComparePlot(this))
{
    auto *pickers = new QHBoxLayout;
    pickers->addWidget(new QLabel(tr("A:"), this));
    pickers->addWidget(m_pickA, 1);
    pickers->addWidget(new QLabel(tr("B:"), this));
    pickers->addWidget(m_pickB, 1);
    m_pickA->setToolTip(tr("The branch shown in column A"));
    m_pickB->setToolTip(tr("The branch shown in column B"));
    for (QLabel *label : {m_divergence, m_settings}) {
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    QFont bold = m_divergence->font();
    bold.setBold(true);
    m_divergence->setFont(bold);

    m_table->setHorizontalHeaderLabels({tr("pos"), tr("A"), tr("B"), tr("differs")});
    m_table->horizontalHeaderItem(ColMark)->setToolTip(tr("\u2260 where the two final canvases differ"));
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(ColA, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(ColB, QHeaderView::Stretch);
    m_table->setToolTip(tr("Each branch's last record, position by position; double-click a row to inspect it"));
    connect(m_table, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
        if (const QTableWidgetItem *item = m_table->item(row, ColPosition))
            Q_EMIT positionActivated(m_a, item->data(kPositionRole).toInt());
    });

    m_split = new QSplitter(Qt::Vertical, this);
    m_split->addWidget(m_table);
    m_split->addWidget(m_plot);
    m_split->setStretchFactor(0, 3);
    m_split->setStretchFactor(1, 2);
    m_split->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(pickers);
    layout->addWidget(m_divergence);
    layout->addWidget(m_settings);
    layout->addWidget(m_split, 1);

    auto picked = [this] { setBranches(m_pickA->currentData().toInt(), m_pickB->currentData().toInt()); };
    connect(m_pickA, &QComboBox::activated, this, picked);
    connect(m_pickB, &QComboBox::activated, this, picked);
    clear();
}

void CompareView::setTimeline(const Timeline &timeline)
{
    m_timeline = timeline;
    if (m_timeline.empty()) {
        clear();
        return;
    }
    const int count = m_timeline.branchCount();
    if (m_a < 0 || m_a >= count)
        m_a = 0;
    if (m_b < 0 || m_b >= count)
        m_b = count - 1;
    rebuild();
}

void CompareView::setBranches(int a, int b)
{
    if (m_timeline.empty() || a < 0 || b < 0 || a >= m_timeline.branchCount() || b >= m_timeline.branchCount())
        return;
    m_a = a;
    m_b = b;
    rebuild();
}

void CompareView::setPlotsOrientation(Qt::Orientation orientation)
{
    m_split->setOrientation(orientation);
}

void CompareView::clear()
{
    m_timeline = Timeline();
    m_diff = TimelineDiff();
    m_a = m_b = -1;
    m_pickA->clear();
    m_pickB->clear();
    m_table->setRowCount(0);
    m_divergence->setText(tr("Nothing to compare yet: run, then pick two branches (or use Compare > Run again "
                             "with the panel's settings)."));
    m_settings->clear();
    m_plot->clear();
}

void CompareView::fillPickers()
{
    for (QComboBox *box : {m_pickA, m_pickB}) {
        const QSignalBlocker block(box);
        box->clear();
        for (int id = 0; id < m_timeline.branchCount(); ++id)
            box->addItem(tr("%1 (%2 records)").arg(branchName(m_timeline, id)).arg(m_timeline.branch(id).size()), id);
    }
    m_pickA->setCurrentIndex(m_a);
    m_pickB->setCurrentIndex(m_b);
}

void CompareView::rebuild()
{
    fillPickers();
    m_diff = diffBranches(m_timeline, m_a, m_b);
    const Divergence &d = m_diff.divergence;
    QString text;
    if (m_a == m_b)
        text = tr("Pick two different branches.");
    else if (d.found)
        text = tr("First diverge at record %1 / denoise step %2, position %3; %4 of %5 positions differ at the end")
                   .arg(d.record)
                   .arg(d.denoiseStep)
                   .arg(d.position)
                   .arg(m_diff.differing.size())
                   .arg(m_diff.positions.size());
    else
        text = tr("No divergence: the canvases agree record by record (%1 and %2 records)")
                   .arg(m_timeline.branch(m_a).size())
                   .arg(m_timeline.branch(m_b).size());
    m_divergence->setText(text);
    QStringList settings;
    for (const std::string &s : m_diff.settingsDifferences)
        settings << QString::fromStdString(s);
    m_settings->setText(settings.isEmpty() ? tr("Same settings.")
                                           : tr("Settings (A vs B): %1").arg(settings.join(QStringLiteral("; "))));
    fillTable();
    // Open on the first difference: the prompt rows above it are the same in both.
    const int firstRow = m_diff.differing.empty() ? -1 : m_diff.differing.front();
    if (firstRow >= 0 && m_table->item(firstRow, ColPosition))
        m_table->scrollToItem(m_table->item(firstRow, ColPosition), QAbstractItemView::PositionAtTop);
    m_plot->setBranches(m_timeline, m_a, m_b, d.found ? d.record : -1);
}

QString CompareView::tokenText(int32_t id) const
{
    if (id < 0)
        return tr("(none)");
    if (id == m_timeline.model.maskId)
        return tr("[mask]");
    QString s = QString::fromStdString(pieceText(m_timeline.pieceOf(id)));
    s.replace(QLatin1Char('\n'), QChar(0x21B5));
    if (s.startsWith(QLatin1Char(' ')))
        s[0] = QChar(0x2423);
    return s.isEmpty() ? QStringLiteral("#%1").arg(id) : s;
}

void CompareView::fillTable()
{
    m_table->setRowCount(static_cast<int>(m_diff.positions.size()));
    const QColor tint = [] {
        QColor c = colors::kOkabeVermillion;
        c.setAlpha(60);
        return c;
    }();
    int row = 0;
    for (const PositionDiff &p : m_diff.positions) {
        const bool prompt = p.stateA == PositionState::Prompt && p.stateB == PositionState::Prompt;
        const QString cells[ColumnCount] = {QString::number(p.position), tokenText(p.tokenA), tokenText(p.tokenB),
            p.differs ? QStringLiteral("\u2260") : QString()};
        for (int c = 0; c < ColumnCount; ++c) {
            auto *item = new QTableWidgetItem(cells[c]);
            item->setData(kPositionRole, p.position);
            item->setData(kDiffersRole, p.differs);
            if (c == ColPosition || c == ColMark)
                item->setTextAlignment(Qt::AlignCenter);
            if (p.differs) {
                item->setBackground(tint);
                QFont f = item->font();
                f.setBold(true);
                item->setFont(f);
            } else if (prompt) {
                item->setForeground(palette().color(QPalette::Disabled, QPalette::Text));
                item->setToolTip(tr("prompt"));
            }
            m_table->setItem(row, c, item);
        }
        ++row;
    }
}

std::vector<int> CompareView::markedPositions() const
{
    std::vector<int> out;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const QTableWidgetItem *mark = m_table->item(row, ColMark);
        if (mark && !mark->text().isEmpty())
            out.push_back(mark->data(kPositionRole).toInt());
    }
    return out;
}

QString CompareView::divergenceText() const
{
    return m_divergence->text();
}

QString CompareView::settingsText() const
{
    return m_settings->text();
}

} // namespace dlm
