#include "ui/views/experts_view.h"

#include "ui/document/timeline_document.h"
#include "ui/figures/color_maps.h"

#include <QComboBox>
#include <QLabel>
#include <QPainter>
#include <QVBoxLayout>

#include <algorithm>

namespace dlm {

ExpertsView::ExpertsView(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    m_modeBox = new QComboBox;
    m_modeBox->addItem(tr("Selected position: router weight of each expert"));
    m_modeBox->addItem(tr("Whole step: share of positions routed to each expert"));
    m_caption = new QLabel;
    m_caption->setWordWrap(true);
    layout->addWidget(m_modeBox);
    layout->addWidget(m_caption);
    layout->addStretch(1);
    connect(m_modeBox, &QComboBox::currentIndexChanged, this,
        [this](int index) { setMode(index == 1 ? Mode::Step : Mode::Position); });
    setMinimumSize(200, 160);
    rebuild();
}

void ExpertsView::setTimelineBranch(const Timeline &timeline, int branchId)
{
    m_records = timeline.branch(branchId).records;
    // Columns for every expert the branch ever used, so the grid does not change width from step to step.
    int highest = -1;
    for (const auto &r : m_records)
        for (int16_t id : r->experts.ids)
            highest = std::max(highest, int(id));
    m_experts = highest + 1;
    m_current = std::min(m_current < 0 ? int(m_records.size()) - 1 : m_current, int(m_records.size()) - 1);
    rebuild();
}

void ExpertsView::clear()
{
    m_records.clear();
    m_current = -1;
    m_experts = 0;
    rebuild();
}

void ExpertsView::setMode(Mode mode)
{
    m_mode = mode;
    const QSignalBlocker block(m_modeBox);
    m_modeBox->setCurrentIndex(mode == Mode::Step ? 1 : 0);
    rebuild();
}

void ExpertsView::setCurrentIndex(int index)
{
    m_current = index;
    rebuild();
}

void ExpertsView::setPosition(int position)
{
    m_position = position;
    rebuild();
}

double ExpertsView::cell(int layer, int expert) const
{
    if (layer < 0 || layer >= m_layers || expert < 0 || expert >= m_experts)
        return 0.0;
    return m_cells[size_t(layer) * size_t(m_experts) + size_t(expert)];
}

QString ExpertsView::caption() const
{
    return m_caption->text();
}

void ExpertsView::rebuild()
{
    m_layers = 0;
    m_cells.clear();
    const StepRecord *r
        = m_current >= 0 && size_t(m_current) < m_records.size() ? m_records[size_t(m_current)].get() : nullptr;
    if (!r || r->experts.empty()) {
        m_caption->setText(
            r ? tr("This record has no expert routing (a dense model, or no forward pass).") : tr("No record."));
        update();
        return;
    }
    const ExpertRouting &e = r->experts;
    m_layers = e.layers;
    m_cells.assign(size_t(m_layers) * size_t(m_experts), 0.0);
    if (m_mode == Mode::Position) {
        if (m_position < 0 || m_position >= e.positions) {
            m_caption->setText(tr("Select a position to see its experts."));
            m_layers = 0;
            update();
            return;
        }
        for (int layer = 0; layer < e.layers; ++layer)
            for (int slot = 0; slot < e.k; ++slot)
                if (const int id = e.ids[e.index(layer, m_position, slot)]; id >= 0 && id < m_experts)
                    m_cells[size_t(layer) * size_t(m_experts) + size_t(id)]
                        = e.weights[e.index(layer, m_position, slot)];
        m_caption->setText(tr("Position %1, record %2: %3 experts per layer, colour = router weight")
                               .arg(m_position)
                               .arg(m_current)
                               .arg(e.k));
    } else {
        for (int layer = 0; layer < e.layers; ++layer)
            for (int p = 0; p < e.positions; ++p)
                for (int slot = 0; slot < e.k; ++slot)
                    if (const int id = e.ids[e.index(layer, p, slot)]; id >= 0 && id < m_experts)
                        m_cells[size_t(layer) * size_t(m_experts) + size_t(id)] += 1.0 / e.positions;
        m_caption->setText(tr("Record %1: share of the %2 positions routed to each expert, per layer")
                               .arg(m_current)
                               .arg(e.positions));
    }
    update();
}

QRect ExpertsView::gridRect() const
{
    const int top = m_caption->geometry().bottom() + 8;
    return QRect(36, top, std::max(0, width() - 44), std::max(0, height() - top - 8));
}

void ExpertsView::paintEvent(QPaintEvent *event)
{
    QWidget::paintEvent(event);
    if (m_layers == 0 || m_experts == 0)
        return;
    QPainter painter(this);
    const QRect area = gridRect();
    const double cw = double(area.width()) / m_experts, ch = double(area.height()) / m_layers;
    double highest = 0.0;
    for (double v : m_cells)
        highest = std::max(highest, v);
    for (int layer = 0; layer < m_layers; ++layer) {
        for (int expert = 0; expert < m_experts; ++expert) {
            const double v = cell(layer, expert);
            const QRectF box(area.left() + expert * cw, area.top() + layer * ch, cw, ch);
            painter.fillRect(box, v > 0 ? colors::viridis(highest > 0 ? v / highest : 0.0) : palette().base().color());
        }
        painter.setPen(palette().text().color());
        painter.drawText(QRectF(0, area.top() + layer * ch, area.left() - 4, ch), Qt::AlignRight | Qt::AlignVCenter,
            QString::number(layer));
    }
}

void ExpertsView::showBranch(const TimelineDocument &document)
{
    if (document.isEmpty())
        clear();
    else
        setTimelineBranch(document.timeline(), document.branch());
}

void ExpertsView::showCursor(const TimelineDocument &document)
{
    setCurrentIndex(document.index());
}

void ExpertsView::showSelection(int position)
{
    setPosition(position);
}

} // namespace dlm
