#include "ui/views/token_inspector.h"

#include "ui/document/timeline_document.h"
#include "ui/views/view_sync.h"
#include "ui/figures/color_maps.h"
#include "ui/views/plot_fitting.h"
#include "ui/views/plot_layout.h"
#include "ui/views/plot_theme.h"
#include "core/text/piece_text.h"

#include <qcustomplot.h>

#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace dlm {

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

enum Column { ColRank, ColToken, ColId, ColProbability, ColBar, ColNote, ColumnCount };

// A table cell cannot show a leading space or a newline; give them visible stand-ins.
QString visiblePiece(QString s)
{
    s.replace(QLatin1Char('\n'), QChar(0x21B5)).replace(QLatin1Char('\t'), QChar(0x21E5));
    if (s.startsWith(QLatin1Char(' ')))
        s[0] = QChar(0x2423);
    return s;
}

// A bar of block characters: works in every style and theme, needs no colour and survives copying.
QString probabilityBar(double p)
{
    constexpr int kCells = 10;
    const int eighths = static_cast<int>(std::lround(std::clamp(p, 0.0, 1.0) * kCells * 8));
    QString bar(eighths / 8, QChar(0x2588));
    if (eighths % 8 > 0)
        bar += QChar(0x2590 - eighths % 8); // U+2589..U+258F: seven to one eighths
    return bar;
}

} // namespace

TokenInspector::TokenInspector(QWidget *parent)
    : PlotView(parent)
    , m_header(new QLabel(this))
    , m_caption(new QLabel(this))
    , m_history(new QLabel(this))
    , m_askButton(new QPushButton(this))
    , m_table(new QTableWidget(0, ColumnCount, this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_header->setWordWrap(true);
    QFont bold = m_header->font();
    bold.setBold(true);
    m_header->setFont(bold);
    m_caption->setWordWrap(true);
    m_caption->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_history->setWordWrap(true);
    m_history->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_askButton->setText(tr("Ask the model here"));
    m_askButton->setToolTip(tr("Runs the model once on the canvas of the record shown and lists its top-k for "
                               "this position. Not a denoising step: nothing is recorded."));
    connect(m_askButton, &QPushButton::clicked, this,
        [this] { Q_EMIT predictionRequested(m_branch, m_current, m_position); });
    layout->addWidget(m_header);
    layout->addWidget(m_caption);
    layout->addWidget(m_askButton, 0, Qt::AlignLeft);
    layout->addWidget(m_table, 3);
    layout->addWidget(m_history);
    layout->addWidget(m_plot, 2);

    m_table->setHorizontalHeaderLabels({tr("#"), tr("token"), tr("id"), tr("p"), tr("p as a bar"), tr("note")});
    m_table->horizontalHeaderItem(ColNote)->setToolTip(
        tr("Which row is this step's candidate and which the final token"));
    m_table->verticalHeader()->setVisible(false);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    // The token is what the row is about: it keeps its width, and the note (also in its tooltip) gives way.
    m_table->horizontalHeader()->setSectionResizeMode(ColNote, QHeaderView::Stretch);
    m_table->setToolTip(tr("Double-click a candidate to use it as a replacement"));
    connect(m_table, &QTableWidget::cellDoubleClicked, this, &TokenInspector::onCellDoubleClicked);

    // Rows as tall as the text needs: the style's default row height leaves room for fewer of them.
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    // A short dock must still show a top-k of five without scrolling: the table keeps that height and the
    // chart under it gives way first.
    m_table->setMinimumHeight(m_table->horizontalHeader()->sizeHint().height()
        + 5 * m_table->verticalHeader()->defaultSectionSize() + 2 * m_table->frameWidth()
        + style()->pixelMetric(QStyle::PM_ScrollBarExtent));
    // An explicit width: QCustomPlot's own minimum is its legend in two columns, wider than a side dock, and
    // keepReadable re-flows the legend into one column when the dock is narrower.
    m_plot->setMinimumSize(220, 140); // room for the axes and a one-row legend
    keepReadable(m_plot);
    m_plot->xAxis->setLabel(tr("record"));
    setAxisTitles(m_plot->yAxis, tr("p(final token)"), tr("p"));
    m_plot->yAxis->setRange(0.0, 1.05);
    m_plot->yAxis2->setVisible(true);
    setAxisTitles(m_plot->yAxis2, tr("entropy (nats)"), tr("entropy"));
    m_plot->xAxis->setTicker(integerTicker());

    const QColor probColor = colors::kOkabeBlue;
    m_probGraph = m_plot->addGraph(m_plot->xAxis, m_plot->yAxis);
    m_probGraph->setName(tr("p(final token)"));
    m_probGraph->setPen(QPen(probColor, 2.0));
    m_probGraph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, probColor, probColor, 6));
    m_belowGraph = m_plot->addGraph(m_plot->xAxis, m_plot->yAxis);
    // Short names keep the three keys on one legend row in a side dock (keepReadable wraps them when narrower).
    m_belowGraph->setName(tr("below top-k"));
    m_belowGraph->setLineStyle(QCPGraph::lsNone);
    m_belowGraph->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssTriangleInverted, QPen(probColor, 1.5), Qt::NoBrush, 8));
    const QColor entropyColor = colors::kOkabeGreen;
    m_entropyGraph = m_plot->addGraph(m_plot->xAxis, m_plot->yAxis2);
    m_entropyGraph->setName(tr("entropy"));
    m_entropyGraph->setPen(QPen(entropyColor, 1.5, Qt::DashLine));
    m_entropyGraph->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssSquare, QPen(entropyColor, 1.2), QBrush(Qt::white), 5));
    // Below the chart, not over it: the curves fill the whole axis rect.
    putLegendBelow(m_plot, 1, 2);
    m_plot->legend->setWrap(3);

    m_currentLine = new QCPItemStraightLine(m_plot);
    m_currentLine->setPen(QPen(QColor(Qt::black), 1.5));
    m_currentLine->setSelectable(false);
    markAsInk(m_currentLine);

    rebuildSeries();
    rebuildTable();
    followPalette(); // after every item exists, so marked items get the ink too
}

void TokenInspector::setTimelineBranch(const Timeline &timeline, int branchId)
{
    if (timeline.empty() || branchId < 0 || branchId >= timeline.branchCount()) {
        clear();
        return;
    }
    const Branch &branch = timeline.branch(branchId);
    m_records.assign(branch.records.begin(), branch.records.end());
    m_pieceTable.pieces = timeline.pieces;
    mergePredictionPieces();
    m_maskId = timeline.model.maskId;
    m_branch = branchId;
    rebuildSeries();
    rebuildTable();
}

void TokenInspector::clear()
{
    m_records.clear();
    m_pieceTable.pieces.clear();
    rebuildSeries();
    rebuildTable();
}

void TokenInspector::setCurrentIndex(int index)
{
    m_current = index;
    rebuildTable();
    updateCurrentLine();
}

void TokenInspector::setPosition(int position)
{
    m_position = position;
    rebuildSeries();
    rebuildTable();
}

QString TokenInspector::pieceText(int32_t id) const
{
    return visiblePiece(QString::fromStdString(dlm::pieceText(m_pieceTable.pieceOf(id))));
}

void TokenInspector::rebuildSeries()
{
    const size_t n = m_records.size();
    m_finalProbability.assign(n, kNan);
    m_belowBound.assign(n, kNan);
    m_entropy.assign(n, kNan);
    m_finalToken = -1;
    m_commitRecord = -1;
    const bool valid = n > 0 && m_position >= 0 && m_position < m_records.back()->length();
    const size_t pos = static_cast<size_t>(std::max(m_position, 0));
    if (valid && m_records.back()->tokens[pos] != m_maskId)
        m_finalToken = m_records.back()->tokens[pos];

    for (size_t r = 0; valid && r < n; ++r) {
        const StepRecord &rec = *m_records[r];
        if (rec.kind != RecordKind::Denoise || !rec.considered(m_position))
            continue;
        if (pos < rec.entropy.size())
            m_entropy[r] = rec.entropy[pos];
        if (std::find(rec.committed.begin(), rec.committed.end(), m_position) != rec.committed.end()
            && rec.candidates[pos] == m_finalToken)
            m_commitRecord = static_cast<int>(r);
        if (m_finalToken < 0)
            continue;
        // The top-k is exact for every token in it; the candidate's probability covers a sampled candidate
        // outside it; anything else is only known to lie below the k-th probability.
        const size_t k = static_cast<size_t>(std::max(rec.topK, 0));
        bool found = false;
        for (size_t j = 0; j < k && pos * k + j < rec.topIds.size(); ++j) {
            if (rec.topIds[pos * k + j] == m_finalToken) {
                m_finalProbability[r] = rec.topProbs[pos * k + j];
                found = true;
                break;
            }
        }
        if (!found && rec.candidates[pos] == m_finalToken && pos < rec.probability.size()) {
            m_finalProbability[r] = rec.probability[pos];
            found = true;
        }
        if (!found && k > 0 && pos * k + k - 1 < rec.topProbs.size())
            m_belowBound[r] = rec.topProbs[pos * k + k - 1];
    }

    QVector<double> keys, probs, belowKeys, below, entropyKeys, entropy;
    double maxEntropy = 1.0;
    for (size_t r = 0; r < n; ++r) {
        // NaN entries keep the line broken where the record made no prediction.
        keys.push_back(static_cast<double>(r));
        probs.push_back(m_finalProbability[r]);
        if (!std::isnan(m_belowBound[r])) {
            belowKeys.push_back(static_cast<double>(r));
            below.push_back(m_belowBound[r]);
        }
        if (!std::isnan(m_entropy[r])) {
            entropyKeys.push_back(static_cast<double>(r));
            entropy.push_back(m_entropy[r]);
            maxEntropy = std::max(maxEntropy, m_entropy[r]);
        }
    }
    m_probGraph->setData(keys, probs, true);
    m_belowGraph->setData(belowKeys, below, true);
    m_entropyGraph->setData(entropyKeys, entropy, true);
    m_plot->yAxis2->setRange(0.0, maxEntropy * 1.1);
    m_plot->xAxis->setRange(-0.5, std::max<double>(static_cast<double>(n), 1.0) - 0.5);

    if (!valid) {
        m_header->setText(m_position < 0 ? tr("Click a position to inspect it")
                                         : tr("Position %1 is not on the canvas").arg(m_position));
    } else if (m_finalToken < 0) {
        m_header->setText(tr("Position %1: still masked at the last record").arg(m_position));
    } else {
        QString text
            = tr("Position %1 became \"%2\" (id %3)").arg(m_position).arg(pieceText(m_finalToken)).arg(m_finalToken);
        if (m_commitRecord >= 0)
            text += tr(", committed at record %1").arg(m_commitRecord);
        m_header->setText(text);
    }
    updateCurrentLine();
}

void TokenInspector::rebuildTable()
{
    const ShownRows shown = rowsToShow();
    m_rowIds = shown.ids;
    m_rowProbs = shown.probs;
    m_shownRecord = shown.record;
    m_showsPrediction = shown.prediction;
    m_caption->setText(shown.caption);
    const QString history = historyLines();
    m_history->setText(history);
    m_history->setVisible(!history.isEmpty());
    const bool onCanvas = m_position >= 0 && m_current >= 0 && m_current < static_cast<int>(m_records.size())
        && m_position < m_records[static_cast<size_t>(m_current)]->length();
    m_askButton->setVisible(onCanvas);
    const int32_t candidate = shown.candidate;

    m_table->setRowCount(static_cast<int>(m_rowIds.size()));
    for (int row = 0; row < static_cast<int>(m_rowIds.size()); ++row) {
        const int32_t id = m_rowIds[static_cast<size_t>(row)];
        const double p = m_rowProbs[static_cast<size_t>(row)];
        QStringList notes;
        if (id == candidate)
            notes << tr("candidate");
        if (id == m_finalToken)
            notes << tr("final");
        const QString cells[ColumnCount] = {QString::number(row + 1), pieceText(id), QString::number(id),
            QString::number(p, 'f', 4), probabilityBar(p), notes.join(QStringLiteral(", "))};
        for (int c = 0; c < ColumnCount; ++c) {
            auto *item = new QTableWidgetItem(cells[c]);
            if (c == ColId || c == ColProbability || c == ColRank)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            if (c == ColBar)
                item->setForeground(colors::kOkabeBlue);
            if (c == ColNote || c == ColToken)
                item->setToolTip(cells[c]); // the column may be too narrow for the whole text
            if (id == m_finalToken) {
                QFont f = item->font();
                f.setBold(true);
                item->setFont(f);
            }
            m_table->setItem(row, c, item);
        }
    }
}

void TokenInspector::updateCurrentLine()
{
    const bool show = m_current >= 0 && m_current < static_cast<int>(m_records.size());
    m_currentLine->setVisible(show);
    m_currentLine->point1->setCoords(m_current, 0.0);
    m_currentLine->point2->setCoords(m_current, 1.0);
    requestReplot();
}

void TokenInspector::onCellDoubleClicked(int row, int)
{
    if (row >= 0 && row < topKRowCount())
        Q_EMIT candidateActivated(m_position, m_rowIds[static_cast<size_t>(row)]);
}

double TokenInspector::finalProbability(int recordIndex) const
{
    return recordIndex >= 0 && recordIndex < static_cast<int>(m_finalProbability.size())
        ? m_finalProbability[static_cast<size_t>(recordIndex)]
        : kNan;
}

double TokenInspector::belowTopKBound(int recordIndex) const
{
    return recordIndex >= 0 && recordIndex < static_cast<int>(m_belowBound.size())
        ? m_belowBound[static_cast<size_t>(recordIndex)]
        : kNan;
}

double TokenInspector::entropyAt(int recordIndex) const
{
    return recordIndex >= 0 && recordIndex < static_cast<int>(m_entropy.size())
        ? m_entropy[static_cast<size_t>(recordIndex)]
        : kNan;
}

int TokenInspector::plottedProbabilityPoints() const
{
    int count = 0;
    for (auto it = m_probGraph->data()->constBegin(); it != m_probGraph->data()->constEnd(); ++it)
        count += std::isnan(it->value) ? 0 : 1;
    return count;
}

int TokenInspector::plottedEntropyPoints() const
{
    return m_entropyGraph->data()->size();
}

int TokenInspector::topKRowCount() const
{
    return static_cast<int>(m_rowIds.size());
}

int32_t TokenInspector::topKId(int row) const
{
    return m_rowIds.at(static_cast<size_t>(row));
}

double TokenInspector::topKProbability(int row) const
{
    return m_rowProbs.at(static_cast<size_t>(row));
}

QString TokenInspector::topKText(int row) const
{
    return m_table->item(row, ColToken) ? m_table->item(row, ColToken)->text() : QString();
}

QString TokenInspector::tableCaption() const
{
    return m_caption->text();
}

void TokenInspector::showBranch(const TimelineDocument &document)
{
    if (document.isEmpty())
        clear();
    else
        setTimelineBranch(document.timeline(), document.branch());
}

void TokenInspector::showCursor(const TimelineDocument &document)
{
    setCurrentIndex(document.index());
}

void TokenInspector::showSelection(int position)
{
    setPosition(position);
}

void TokenInspector::connectTo(ViewSync &sync)
{
    connect(this, &TokenInspector::candidateActivated, &sync, &ViewSync::replaceToken);
}

} // namespace dlm
