#include "ui/help/predict_reveal.h"

#include "ui/document/timeline_document.h"
#include "ui/help/guess_overlay.h"
#include "ui/views/canvas_view.h"
#include "ui/views/decision_chart.h"

#include <QLabel>

namespace dlm {

GuessScore scoreGuess(const StepRecord &record, const QSet<int> &guesses)
{
    GuessScore s;
    QSet<int> committed;
    for (int32_t pos : record.committed)
        committed.insert(pos);
    for (int pos : guesses)
        (committed.contains(pos) ? s.hits : s.wrong).insert(pos);
    for (int pos : committed) {
        if (!guesses.contains(pos))
            s.misses.insert(pos);
    }
    return s;
}

PredictReveal::PredictReveal(const PresentedViews &views, QObject *parent)
    : QObject(parent)
    , m_views(views)
{
    // Connected after ViewSync (made by the window before this), so on a new record the canvas is first
    // given the record and then, here, the one before it.
    connect(views.document, &TimelineDocument::currentChanged, this, &PredictReveal::onCurrentChanged);
    connect(views.canvas, &CanvasView::positionClicked, this, &PredictReveal::toggleGuess);
}

QString PredictReveal::scoreText() const
{
    if (m_committed == 0 && m_wrong == 0)
        return tr("Step, then click the positions you think the step committed, then Reveal.");
    return tr("Score: %1 of %2 commits guessed, %3 wrong guesses").arg(m_hits).arg(m_committed).arg(m_wrong);
}

void PredictReveal::setOn(bool on)
{
    if (on == isOn())
        return;
    m_guesses.clear();
    m_last = {};
    m_heldIndex = -1;
    if (on) {
        m_hits = m_committed = m_wrong = 0;
        if (!m_overlay)
            m_overlay = new GuessOverlay(m_views.canvas);
        m_overlay->clearMarks();
        m_overlay->show();
        m_phase = Phase::Waiting;
    } else {
        if (m_overlay)
            m_overlay->hide();
        coverDecisions(false);
        // Back to what every other view shows.
        TimelineDocument *doc = m_views.document;
        if (RecordPtr r = doc->currentRecord())
            m_views.canvas->setRecord(r, doc->committedProbabilities(doc->index()));
        m_phase = Phase::Off;
    }
    Q_EMIT phaseChanged(m_phase);
    Q_EMIT scoreChanged(scoreText());
}

void PredictReveal::onCurrentChanged()
{
    if (!isOn())
        return;
    TimelineDocument *doc = m_views.document;
    const RecordPtr r = doc->currentRecord();
    if (r && r->kind == RecordKind::Denoise && doc->index() > 0) {
        m_heldIndex = doc->index();
        m_guesses.clear();
        hideStep();
        m_phase = Phase::Guessing;
    } else {
        m_heldIndex = -1;
        m_overlay->clearMarks();
        coverDecisions(false);
        m_phase = Phase::Waiting;
    }
    Q_EMIT phaseChanged(m_phase);
}

void PredictReveal::hideStep()
{
    TimelineDocument *doc = m_views.document;
    const int before = m_heldIndex - 1;
    m_views.canvas->setRecord(doc->recordAt(before), doc->committedProbabilities(before));
    m_overlay->showGuesses(m_guesses);
    coverDecisions(true);
}

void PredictReveal::toggleGuess(int position)
{
    if (m_phase != Phase::Guessing)
        return;
    const RecordPtr before = m_views.document->recordAt(m_heldIndex - 1);
    if (!before || position < 0 || position >= before->length())
        return;
    const PositionState state = before->states[static_cast<size_t>(position)];
    if (state != PositionState::Masked && state != PositionState::Remasked)
        return; // only a mask can be committed
    if (!m_guesses.remove(position))
        m_guesses.insert(position);
    m_overlay->showGuesses(m_guesses);
}

void PredictReveal::reveal()
{
    if (m_phase != Phase::Guessing)
        return;
    TimelineDocument *doc = m_views.document;
    const RecordPtr held = doc->recordAt(m_heldIndex);
    if (!held)
        return;
    m_views.canvas->setRecord(held, doc->committedProbabilities(m_heldIndex));
    m_last = scoreGuess(*held, m_guesses);
    m_hits += static_cast<int>(m_last.hits.size());
    m_committed += static_cast<int>(held->committed.size());
    m_wrong += static_cast<int>(m_last.wrong.size());
    m_overlay->showResult(m_last.hits, m_last.misses, m_last.wrong);
    coverDecisions(false);
    m_phase = Phase::Revealed;
    Q_EMIT phaseChanged(m_phase);
    Q_EMIT scoreChanged(scoreText());
}

void PredictReveal::coverDecisions(bool cover)
{
    // The decision chart would give the answer away: it ranks the very commits the class is guessing.
    DecisionChart *chart = m_views.decisions;
    if (cover && !m_decisionCover) {
        m_decisionCover = new QLabel(tr("Hidden until Reveal"), chart);
        m_decisionCover->setObjectName(QStringLiteral("decisionCover"));
        m_decisionCover->setAlignment(Qt::AlignCenter);
        m_decisionCover->setAutoFillBackground(true);
    }
    if (m_decisionCover) {
        m_decisionCover->setGeometry(chart->rect());
        m_decisionCover->setVisible(cover);
        m_decisionCover->raise();
    }
}

} // namespace dlm
