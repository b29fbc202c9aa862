#include "ui/views/heatmap_view.h"

#include "ui/document/timeline_document.h"
#include "ui/views/view_sync.h"
#include "ui/figures/color_maps.h"
#include "ui/figures/measure_labels.h"
#include "ui/views/plot_fitting.h"
#include "ui/views/plot_layout.h"
#include "ui/views/plot_theme.h"
#include "core/text/piece_text.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QClipboard>
#include <QEvent>
#include <QMenu>
#include <QToolTip>

#include <algorithm>
#include <cmath>
#include <limits>

namespace dlm {

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

// QCustomPlot 2.1 has no viridis preset: sample the app's own map so the heatmap, the canvas tint and the
// exports can never drift apart.
QCPColorGradient viridisGradient()
{
    QCPColorGradient g;
    g.clearColorStops();
    constexpr int kStops = 10;
    for (int i = 0; i <= kStops; ++i) {
        const double t = static_cast<double>(i) / kStops;
        g.setColorStopAt(t, colors::viridis(t));
    }
    g.setColorInterpolation(QCPColorGradient::ciRGB);
    // Blank cells ("no prediction here") must not look like any confidence: a light neutral grey is outside
    // viridis' hue path.
    g.setNanHandling(QCPColorGradient::nhNanColor);
    g.setNanColor(QColor(0xE4, 0xE4, 0xE4));
    return g;
}

// Items must stay readable on both ends of viridis: a wide dark stroke under a thin light one.
QPen haloPen()
{
    return QPen(QColor(0, 0, 0, 200), 4.0);
}

QPen coreStroke()
{
    return QPen(QColor(Qt::white), 1.5);
}

// Block lines run mostly through blank cells, which are a shade off the background: the plot's ink (dark on
// light, light on dark) stands out from them in either theme.
QPen blockPen(const QColor &ink)
{
    return QPen(ink, 1.5, Qt::DashLine);
}

} // namespace

HeatmapView::HeatmapView(QWidget *parent)
    : PlotView(parent)
{
    // The colour bar's title runs along the map's height: below about 200 px even its brief form is cut.
    fillWithPlot(280, 200);

    setAxisTitles(m_plot->xAxis, tr("record (denoising step)"), tr("record"));
    m_plot->yAxis->setLabel(tr("position"));
    // Text reads top to bottom, so the first position sits on top.
    m_plot->yAxis->setRangeReversed(true);
    m_plot->xAxis->setTicker(integerTicker());
    m_plot->yAxis->setTicker(integerTicker());
    m_plot->xAxis->grid()->setVisible(false);
    m_plot->yAxis->grid()->setVisible(false);

    m_map = new QCPColorMap(m_plot->xAxis, m_plot->yAxis);
    m_map->setInterpolate(false);
    m_scale = new QCPColorScale(m_plot);
    // A linked scale pushes its own gradient onto the map, so the gradient belongs to the scale.
    m_scale->setGradient(viridisGradient());
    m_scale->setType(QCPAxis::atRight);
    m_scale->setBarWidth(12);
    // Map and colour bar share a row of their own, so the legend row below spans the whole width.
    QCPAxisRect *mapRect = m_plot->axisRect();
    m_plot->plotLayout()->take(mapRect);
    auto *mapRow = new QCPLayoutGrid;
    m_plot->plotLayout()->addElement(0, 0, mapRow);
    mapRow->addElement(0, 0, mapRect);
    mapRow->addElement(0, 1, m_scale);
    // The scale must be attached before any rescaleDataRange(), or the map rescales alone.
    m_map->setColorScale(m_scale);
    m_scale->setDataRange(QCPRange(0.0, 1.0));
    auto *margins = new QCPMarginGroup(m_plot);
    m_plot->axisRect()->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
    m_scale->setMarginGroup(QCP::msTop | QCP::msBottom, margins);

    m_commits = new QCPGraph(m_plot->xAxis, m_plot->yAxis);
    m_commits->setName(tr("committed here"));
    m_commits->setLineStyle(QCPGraph::lsNone);
    fitMarkers();

    // The legend explains the items too; entries for them come from empty graphs styled like the items.
    m_blockKey = new QCPGraph(m_plot->xAxis, m_plot->yAxis);
    m_blockKey->setName(tr("block boundary"));
    m_currentKey = new QCPGraph(m_plot->xAxis, m_plot->yAxis);
    m_currentKey->setName(tr("current step"));
    m_currentKey->setPen(QPen(QColor(Qt::black), 2.5));
    m_blankKey = new QCPGraph(m_plot->xAxis, m_plot->yAxis);
    m_blankKey->setName(tr("no prediction"));
    m_blankKey->setLineStyle(QCPGraph::lsNone);
    m_map->removeFromLegend();
    putLegendBelow(m_plot, 1);

    m_currentHalo = new QCPItemRect(m_plot);
    m_currentHalo->setPen(haloPen());
    m_currentBox = new QCPItemRect(m_plot);
    m_currentBox->setPen(coreStroke());
    m_selectedHalo = new QCPItemRect(m_plot);
    m_selectedHalo->setPen(QPen(QColor(0, 0, 0, 160), 3.0));
    m_selectedBox = new QCPItemRect(m_plot);
    m_selectedBox->setPen(QPen(QColor(Qt::white), 1.0, Qt::DashLine));
    for (QCPItemRect *r : {m_currentHalo, m_currentBox, m_selectedHalo, m_selectedBox}) {
        r->setBrush(Qt::NoBrush);
        r->setSelectable(false);
    }

    // Marker size follows the cell size, which is only known once the layout is done.
    connect(m_plot, &QCustomPlot::afterLayout, this, &HeatmapView::fitMarkers);
    rebuild();
    followPalette(); // after every item exists, so marked items get the ink too
    applyPalette();
}

void HeatmapView::setTimelineBranch(const Timeline &timeline, int branchId)
{
    if (timeline.empty() || branchId < 0 || branchId >= timeline.branchCount()) {
        clear();
        return;
    }
    const Branch &branch = timeline.branch(branchId);
    m_records.assign(branch.records.begin(), branch.records.end());
    m_settings = timeline.settings;
    m_promptLength = static_cast<int>(timeline.promptIds.size());
    m_pieceTable.pieces = timeline.pieces;
    rebuild();
}

void HeatmapView::clear()
{
    m_records.clear();
    m_pieceTable.pieces.clear();
    m_promptLength = 0;
    rebuild();
}

void HeatmapView::rebuild()
{
    const int n = recordCount();
    m_cells = heatmapCells(m_records, m_promptLength, m_settings);
    const int rows = m_cells.rows();

    // QCustomPlot draws a one-cell dimension with zero width, so a lone column or row gets a blank neighbour
    // outside the visible range.
    QCPColorMapData *data = m_map->data();
    const int keys = std::max(n, 2);
    const int values = std::max(rows, 2);
    data->setSize(keys, values);
    data->setRange(QCPRange(0, keys - 1), QCPRange(m_cells.firstPosition, m_cells.firstPosition + values - 1));
    data->fill(kNan);
    m_commits->data()->clear();
    for (int r = 0; r < n; ++r) {
        for (int p = m_cells.firstPosition; p < m_cells.endPosition; ++p) {
            const double c = m_cells.valueAt(r, p);
            if (!std::isnan(c))
                data->setCell(r, p - m_cells.firstPosition, c);
        }
    }
    for (const auto &[r, p] : m_cells.commits)
        m_commits->addData(r, p);

    setAxisTitles(m_scale->axis(), measureTitle(m_settings.measure), measureBriefTitle(m_settings.measure));
    // Probabilities and margins have a natural [0, 1] scale that keeps colours comparable between runs;
    // minus the entropy has none, so it spans what the run produced.
    if (m_settings.measure == ConfidenceMeasure::Entropy && m_cells.anyValue())
        m_map->rescaleDataRange(true);
    else
        m_scale->setDataRange(QCPRange(0.0, 1.0));

    for (QCPItemStraightLine *line : m_blockLines)
        m_plot->removeItem(line);
    m_blockLines.clear();
    for (int start : m_cells.blockStarts) {
        auto *line = new QCPItemStraightLine(m_plot);
        line->setPen(blockPen(plotInk(palette())));
        line->setSelectable(false);
        line->point1->setCoords(0.0, start - 0.5);
        line->point2->setCoords(1.0, start - 0.5);
        m_blockLines.push_back(line);
    }

    m_plot->xAxis->setRange(-0.5, std::max(n, 1) - 0.5);
    m_plot->yAxis->setRange(
        m_cells.firstPosition - 0.5, std::max(m_cells.endPosition, m_cells.firstPosition + 1) - 0.5);
    if (m_current >= n)
        m_current = n - 1;
    if (m_selected >= m_cells.endPosition)
        m_selected = -1;
    updateHighlights();
}

void HeatmapView::setCurrentIndex(int index)
{
    m_current = index;
    updateHighlights();
}

void HeatmapView::setSelectedPosition(int position)
{
    m_selected = position;
    updateHighlights();
}

void HeatmapView::updateHighlights()
{
    const int n = recordCount();
    const bool showCurrent = m_current >= 0 && m_current < n;
    for (QCPItemRect *r : {m_currentHalo, m_currentBox}) {
        r->setVisible(showCurrent);
        r->topLeft->setCoords(m_current - 0.5, m_cells.firstPosition - 0.5);
        r->bottomRight->setCoords(m_current + 0.5, m_cells.endPosition - 0.5);
    }
    const bool showSelected = m_selected >= m_cells.firstPosition && m_selected < m_cells.endPosition && n > 0;
    for (QCPItemRect *r : {m_selectedHalo, m_selectedBox}) {
        r->setVisible(showSelected);
        r->topLeft->setCoords(-0.5, m_selected - 0.5);
        r->bottomRight->setCoords(n - 0.5, m_selected + 0.5);
    }
    requestReplot();
}

void HeatmapView::fitMarkers()
{
    // A marker never covers more than its own cell, so dense maps stay readable.
    const QRect area = m_plot->axisRect()->rect();
    const int n = std::max(recordCount(), 1);
    const int rows = std::max(m_cells.endPosition - m_cells.firstPosition, 1);
    const double cell = std::min(area.width() / static_cast<double>(n), area.height() / static_cast<double>(rows));
    const double size = std::clamp(cell * 0.7, 3.0, 8.0);
    m_commits->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssDiamond, QPen(QColor(Qt::black), 1.0), QBrush(Qt::white), size));
}

double HeatmapView::valueAt(int recordIndex, int position) const
{
    if (recordIndex < 0 || recordIndex >= recordCount() || position < m_cells.firstPosition
        || position >= m_cells.endPosition)
        return kNan;
    return m_map->data()->cell(recordIndex, position - m_cells.firstPosition);
}

std::vector<int> HeatmapView::commitRecords(int position) const
{
    std::vector<int> out;
    for (auto it = m_commits->data()->constBegin(); it != m_commits->data()->constEnd(); ++it) {
        if (static_cast<int>(std::lround(it->value)) == position)
            out.push_back(static_cast<int>(std::lround(it->key)));
    }
    return out;
}

int HeatmapView::commitMarkerCount() const
{
    return m_commits->data()->size();
}

std::pair<double, double> HeatmapView::dataRange() const
{
    const QCPRange r = m_map->dataRange();
    return {r.lower, r.upper};
}

bool HeatmapView::cellAt(const QPointF &pixel, int *recordIndex, int *position) const
{
    if (!m_plot->axisRect()->rect().contains(pixel.toPoint()))
        return false;
    const int r = static_cast<int>(std::lround(m_plot->xAxis->pixelToCoord(pixel.x())));
    const int p = static_cast<int>(std::lround(m_plot->yAxis->pixelToCoord(pixel.y())));
    if (r < 0 || r >= recordCount() || p < m_cells.firstPosition || p >= m_cells.endPosition)
        return false;
    *recordIndex = r;
    *position = p;
    return true;
}

QPointF HeatmapView::cellCenter(int recordIndex, int position) const
{
    return {m_plot->xAxis->coordToPixel(recordIndex), m_plot->yAxis->coordToPixel(position)};
}

QString HeatmapView::cellDetails(int recordIndex, int position) const
{
    const StepRecord &rec = *m_records[static_cast<size_t>(recordIndex)];
    QString s = tr("record %1 (%2, step %3), position %4")
                    .arg(recordIndex)
                    .arg(QString::fromLatin1(recordKindName(rec.kind)))
                    .arg(rec.denoiseStep)
                    .arg(position);
    if (!rec.considered(position))
        return s + QLatin1Char('\n') + tr("no prediction for this position here");
    const int32_t id = rec.candidates[static_cast<size_t>(position)];
    const QString piece = QString::fromStdString(pieceText(m_pieceTable.pieceOf(id)));
    s += QLatin1Char('\n') + tr("candidate \"%1\" (id %2)").arg(piece).arg(id);
    s += QLatin1Char('\n') + tr("confidence %1").arg(rec.confidence[static_cast<size_t>(position)], 0, 'f', 4);
    const bool committed = std::find(rec.committed.begin(), rec.committed.end(), position) != rec.committed.end();
    s += QLatin1Char('\n') + (committed ? tr("committed at this step") : tr("sent back to the mask"));
    return s;
}

void HeatmapView::plotMousePress(QMouseEvent *event)
{
    int r = -1, p = -1;
    if (!cellAt(event->position(), &r, &p))
        return;
    if (event->button() == Qt::LeftButton) {
        Q_EMIT cellClicked(r, p);
    } else if (event->button() == Qt::RightButton) {
        // Hover text vanishes with the mouse; the menu makes the same numbers copyable.
        QMenu menu(this);
        const QString details = cellDetails(r, p);
        QAction *copy = menu.addAction(tr("Copy cell details"));
        if (menu.exec(event->globalPosition().toPoint()) == copy)
            QApplication::clipboard()->setText(details);
    }
}

void HeatmapView::plotMouseMove(QMouseEvent *event)
{
    int r = -1, p = -1;
    if (cellAt(event->position(), &r, &p))
        QToolTip::showText(event->globalPosition().toPoint(), cellDetails(r, p), m_plot);
    else
        QToolTip::hideText();
}

void HeatmapView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange) {
        applyPalette();
        requestReplot();
    }
    QWidget::changeEvent(event);
}

void HeatmapView::applyPalette()
{
    // Blank cells stay a neutral grey just off the background, outside viridis' hue path in either theme.
    const QColor base = palette().color(QPalette::Base);
    const QColor blank = isDarkPalette(palette()) ? base.lighter(135) : QColor(0xE4, 0xE4, 0xE4);
    QCPColorGradient g = viridisGradient();
    g.setNanColor(blank);
    m_scale->setGradient(g);
    // Outlined in the ink, so the key shows even where its fill is a shade off the background.
    QColor outline = plotInk(palette());
    outline.setAlpha(150);
    m_blankKey->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssSquare, outline, blank, 9));
    m_currentKey->setPen(QPen(plotInk(palette()), 2.5));
    m_blockKey->setPen(blockPen(plotInk(palette())));
    for (QCPItemStraightLine *line : m_blockLines)
        line->setPen(blockPen(plotInk(palette())));
}

void HeatmapView::showBranch(const TimelineDocument &document)
{
    if (document.isEmpty())
        clear();
    else
        setTimelineBranch(document.timeline(), document.branch());
}

void HeatmapView::showCursor(const TimelineDocument &document)
{
    setCurrentIndex(document.index());
}

void HeatmapView::showSelection(int position)
{
    setSelectedPosition(position);
}

void HeatmapView::connectTo(ViewSync &sync)
{
    connect(this, &HeatmapView::cellClicked, &sync, [&sync](int recordIndex, int position) {
        sync.goTo(recordIndex);
        sync.selectPosition(position);
    });
}

} // namespace dlm
