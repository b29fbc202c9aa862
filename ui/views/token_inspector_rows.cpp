#include "ui/views/token_inspector.h"
#include "ui/views/token_inspector_history.h"
#include "ui/views/prediction_notes.h"

#include "core/text/piece_text.h"

#include <QLabel>

#include <algorithm>
#include <cmath>

// Which prediction the token inspector's table shows for the selected position, and the position's
// history. The current record's own prediction wins; otherwise what explains the position best: the step
// that committed its token, the latest prediction of a masked position, or a one-pass answer on request.

namespace dlm {

namespace {

constexpr int kHistoryLines = 8;

QString number(double v)
{
    return std::isnan(v) ? TokenInspector::tr("?") : QString::number(v, 'f', 3);
}

} // namespace

TokenInspector::ShownRows TokenInspector::recordRows(int record, const QString &caption) const
{
    ShownRows rows;
    rows.caption = caption;
    rows.record = record;
    const StepRecord &rec = *m_records[static_cast<size_t>(record)];
    const size_t pos = static_cast<size_t>(m_position);
    const size_t k = static_cast<size_t>(std::max(rec.topK, 0));
    rows.candidate = rec.candidates[pos];
    for (size_t j = 0; j < k && pos * k + j < rec.topIds.size(); ++j) {
        if (rec.topIds[pos * k + j] < 0)
            continue; // padding when the vocabulary is smaller than k
        rows.ids.push_back(rec.topIds[pos * k + j]);
        rows.probs.push_back(rec.topProbs[pos * k + j]);
    }
    return rows;
}

TokenInspector::ShownRows TokenInspector::rowsToShow() const
{
    ShownRows none;
    const bool validRecord = m_current >= 0 && m_current < static_cast<int>(m_records.size());
    if (m_position < 0 || !validRecord)
        return none;
    const StepRecord &rec = *m_records[static_cast<size_t>(m_current)];
    if (m_position >= rec.length())
        return none;
    const size_t pos = static_cast<size_t>(m_position);
    auto entropyText = [&](const StepRecord &r) { return number(pos < r.entropy.size() ? r.entropy[pos] : NAN); };

    if (rec.kind == RecordKind::Denoise && rec.considered(m_position))
        return recordRows(m_current,
            tr("Top-%1 at record %2 (step %3)%4; entropy %5 nats")
                .arg(rec.topK)
                .arg(m_current)
                .arg(rec.denoiseStep)
                .arg(rec.laterPrediction(m_position) ? QStringLiteral(", ") + laterPredictionNote() : QString())
                .arg(entropyText(rec)));

    const PredictionReply &p = m_prediction;
    if (p.position == m_position && p.index == m_current && p.branch == m_branch) {
        ShownRows rows;
        rows.prediction = true;
        if (!p.ok) {
            rows.caption = tr("No one-pass prediction: %1").arg(p.error);
            return rows;
        }
        rows.ids = p.topIds;
        rows.probs.assign(p.topProbs.begin(), p.topProbs.end());
        rows.candidate = p.topIds.empty() ? -1 : p.topIds.front();
        rows.caption = tr("What the model would say here: one forward pass on the canvas of record %1, not a "
                          "denoising step and not recorded; entropy %2 nats")
                           .arg(m_current)
                           .arg(number(p.entropy));
        return rows;
    }

    const bool masked = rec.tokens[pos] == m_maskId;
    if (rec.states[pos] == PositionState::Prompt) {
        none.caption = tr("Position %1 is part of the prompt, which the run never predicts. \"Ask the model here\" "
                          "runs one forward pass on this canvas.")
                           .arg(m_position);
        return none;
    }
    if (!masked) {
        const int c = commitRecordFor(m_records, m_position, m_current, m_maskId);
        if (c >= 0) {
            const StepRecord &at = *m_records[static_cast<size_t>(c)];
            return recordRows(c,
                tr("Committed at record %1 (step %2) with p %3 and confidence %4; the alternatives it had then")
                    .arg(c)
                    .arg(at.denoiseStep)
                    .arg(number(pos < at.probability.size() ? at.probability[pos] : NAN))
                    .arg(number(pos < at.confidence.size() ? at.confidence[pos] : NAN)));
        }
        none.caption = tr("Position %1 holds a token set by an edit: the model made no prediction for it. \"Ask the "
                          "model here\" runs one forward pass on this canvas.")
                           .arg(m_position);
        return none;
    }
    const int latest = latestPredictionFor(m_records, m_position, m_current);
    const QString why = rec.kind == RecordKind::Denoise ? noPredictionReason(rec) : tr("no step");
    if (latest >= 0)
        return recordRows(latest,
            tr("Not predicted at record %1 (%2); the latest prediction, from record %3 (step %4)")
                .arg(m_current)
                .arg(why)
                .arg(latest)
                .arg(m_records[static_cast<size_t>(latest)]->denoiseStep));
    none.caption = rec.kind == RecordKind::Denoise
        ? tr("Position %1 has not been predicted yet (%2)").arg(m_position).arg(why)
        : tr("Record %1 is %2: no prediction yet")
              .arg(m_current)
              .arg(rec.kind == RecordKind::Initial ? tr("the initial canvas") : tr("a user edit"));
    return none;
}

QString TokenInspector::historyLines() const
{
    if (m_position < 0 || m_records.empty())
        return {};
    const std::vector<TokenEvent> events = positionHistory(m_records, m_position, m_maskId);
    QStringList lines;
    for (const TokenEvent &e : events) {
        QString line;
        const QString token = QStringLiteral("\u201C%1\u201D").arg(pieceText(e.token));
        switch (e.kind) {
        case TokenEvent::Kind::Committed:
            line = tr("record %1 (step %2): committed %3, p %4")
                       .arg(e.record)
                       .arg(e.denoiseStep)
                       .arg(token, number(e.probability));
            break;
        case TokenEvent::Kind::Edited:
            line = tr("record %1: edited to %2").arg(e.record).arg(token);
            break;
        case TokenEvent::Kind::Remasked:
            line = tr("record %1: sent back to the mask").arg(e.record);
            break;
        case TokenEvent::Kind::Locked:
            line = tr("record %1: locked").arg(e.record);
            break;
        case TokenEvent::Kind::Unlocked:
            line = tr("record %1: unlocked").arg(e.record);
            break;
        }
        if (e.record > m_current)
            line += tr(" (later)");
        lines << line;
    }
    if (lines.isEmpty())
        return {};
    const int dropped = std::max(0, static_cast<int>(lines.size()) - kHistoryLines);
    lines = lines.mid(dropped);
    if (dropped > 0)
        lines.prepend(tr("… %1 earlier").arg(dropped));
    return tr("History: ") + lines.join(QStringLiteral("; "));
}

void TokenInspector::mergePredictionPieces()
{
    // The answer may name tokens the run never met; the piece table is the one place pieceText looks.
    auto &pieces = m_pieceTable.pieces;
    for (size_t j = 0; j < m_prediction.topIds.size() && j < m_prediction.pieces.size(); ++j) {
        const int32_t id = m_prediction.topIds[j];
        auto it = std::lower_bound(pieces.begin(), pieces.end(), id,
            [](const std::pair<int32_t, std::string> &p, int32_t v) { return p.first < v; });
        if (it == pieces.end() || it->first != id)
            pieces.insert(it, {id, m_prediction.pieces[j]});
    }
}

void TokenInspector::setPrediction(const PredictionReply &reply)
{
    m_prediction = reply;
    mergePredictionPieces();
    rebuildTable();
}

QString TokenInspector::historyText() const
{
    return m_history->text();
}

} // namespace dlm
