#pragma once
// The marks of the "predict, then reveal" game drawn over the canvas: the class's guesses while they guess,
// then hits, misses and wrong guesses once the step is revealed. It passes every click on to the canvas.

#include <QSet>
#include <QWidget>

namespace dlm {

class CanvasView;

/** A transparent layer over a CanvasView that rings positions. */
class GuessOverlay : public QWidget
{
    Q_OBJECT

public:
    explicit GuessOverlay(CanvasView *canvas);

    /** While guessing: rings around `guesses`. */
    void showGuesses(const QSet<int> &guesses);
    /** After Reveal: hits (guessed and committed), misses (committed, not guessed), wrong guesses. */
    void showResult(const QSet<int> &hits, const QSet<int> &misses, const QSet<int> &wrong);
    void clearMarks();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;

private:
    CanvasView *m_canvas;
    QSet<int> m_guesses, m_hits, m_misses, m_wrong;
};

} // namespace dlm
