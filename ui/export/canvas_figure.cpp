#include "ui/export/canvas_figure.h"

#include "ui/views/canvas_view.h"
#include "ui/document/committed_probabilities.h"
#include "ui/document/timeline_document.h"

#include <QFontMetrics>
#include <QPainter>

#include <algorithm>

namespace dlm {

namespace {

constexpr int kMargin = 8; // the same as CanvasView's, so the title lines up with the first chip

} // namespace

QPalette figurePalette()
{
    // Every role set, so nothing falls back to the application's (possibly dark) palette.
    const QColor ink(Qt::black), paper(Qt::white);
    QPalette p(ink, paper, paper, QColor(0x80, 0x80, 0x80), QColor(0xA0, 0xA0, 0xA0), ink, paper, paper, paper);
    p.setColor(QPalette::PlaceholderText, QColor(0x80, 0x80, 0x80));
    p.setColor(QPalette::Highlight, QColor(0x00, 0x72, 0xB2));
    return p;
}

CanvasFigure::CanvasFigure(const Timeline &timeline, int branch)
    : m_document(std::make_unique<TimelineDocument>())
    , m_view(std::make_unique<CanvasView>())
{
    m_document->loadReplay(timeline, QString());
    m_document->setBranch(branch, 0);
    const TimelineDocument *doc = m_document.get();
    m_view->setAttribute(Qt::WA_DontShowOnScreen);
    m_view->setPalette(figurePalette());
    m_view->setPieceText(
        [doc](int32_t id) { return doc->displayText(id); }, [doc](int32_t id) { return doc->rawPiece(id); });
    m_view->setMaskId(timeline.model.maskId);
    m_view->setSpecialTest([doc](int32_t id) { return doc->timeline().isSpecial(id); });
    m_titleFont = m_view->font();
    m_titleFont.setBold(true);
    // The planned count, as the step controls show it; threshold runs decide their count as they go, so
    // there the branch's own last step is the total.
    const Branch &b = timeline.branch(branch);
    m_plannedSteps = timeline.settings.useThreshold || b.records.empty() ? 0 : timeline.settings.steps;
    if (!b.records.empty())
        m_plannedSteps = std::max(m_plannedSteps, b.last().denoiseStep);
    setRecord(0);
}

CanvasFigure::~CanvasFigure() = default;

int CanvasFigure::recordCount() const
{
    return m_document->count();
}

void CanvasFigure::setRecord(int index)
{
    // Animations walk the records in order: carrying the probabilities one record forward keeps a GIF of n
    // records O(n) (recomputing them from the first record made it O(n^2): 131 s before the first frame of
    // a 100k-record GIF).
    const RecordPtr record = m_document->recordAt(index);
    if (record && index == m_probabilitiesIndex + 1 && record->length() == static_cast<int>(m_probabilities.size()))
        applyCommittedProbabilities(*record, m_probabilities);
    else
        m_probabilities = m_document->committedProbabilities(index);
    m_probabilitiesIndex = index;
    m_index = index;
    m_view->setRecord(record, m_probabilities);
}

QString CanvasFigure::title() const
{
    const RecordPtr r = m_document->recordAt(m_index);
    if (!r)
        return {};
    const QString kind = r->kind == RecordKind::Edit ? QStringLiteral(", edit") : QString();
    return QStringLiteral("step %1 / %2%3 \u2014 %4 masked")
        .arg(r->denoiseStep)
        .arg(m_plannedSteps)
        .arg(kind)
        .arg(r->maskedCount(m_document->maskId()));
}

int CanvasFigure::titleHeight() const
{
    return kMargin + QFontMetrics(m_titleFont).height();
}

int CanvasFigure::heightForWidth(int width) const
{
    return titleHeight() + m_view->heightForWidth(width);
}

void CanvasFigure::paint(QPainter *painter, const QSize &size) const
{
    painter->save();
    painter->fillRect(QRect(QPoint(0, 0), size), Qt::white);
    painter->setPen(Qt::black);
    painter->setFont(m_titleFont);
    painter->drawText(QRect(kMargin, kMargin, size.width() - 2 * kMargin, titleHeight() - kMargin),
        Qt::AlignLeft | Qt::AlignVCenter, title());
    const int top = titleHeight();
    m_view->resize(size.width(), std::max(1, size.height() - top));
    // The background is already white; rendering only the view's own painting keeps SVG and PDF free of
    // a second full-size rectangle.
    m_view->render(painter, QPoint(0, top), QRegion(), QWidget::DrawChildren);
    painter->restore();
}

} // namespace dlm
