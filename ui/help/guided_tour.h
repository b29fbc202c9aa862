#pragma once
// The guided tour: one screen per part of the window, each dimming everything but that part and explaining
// it on a card with Back, Next and Skip. Its words come from glossary_text's view entries.

#include <QPointer>
#include <QRect>
#include <QString>
#include <QWidget>

#include <functional>
#include <vector>

class QLabel;
class QPushButton;

namespace dlm {

/** One screen of the tour: which help entry it shows and where the part it explains is, in window coordinates. */
struct TourStop
{
    QString key; ///< a "view.*" entry of glossary_text
    std::function<QRect()> area; ///< empty rect: the part is not on screen (the card is centred)
};

/** The rectangle `widget` covers in `window`'s coordinates; empty when it is hidden. */
QRect areaInWindow(const QWidget *window, const QWidget *widget);

/** A translucent overlay over a window that walks through `stops`; it deletes itself when it ends. */
class GuidedTour : public QWidget
{
    Q_OBJECT

public:
    GuidedTour(QWidget *window, std::vector<TourStop> stops);

    int currentIndex() const { return m_index; }
    int stopCount() const { return static_cast<int>(m_stops.size()); }
    QString currentKey() const;
    /** The part shown now, in window coordinates (as the overlay's own coordinates: it covers the window). */
    QRect highlightRect() const { return m_highlight; }
    /** The text card, for tests and screenshots. */
    QWidget *card() const { return m_card; }
    QPushButton *nextButton() const { return m_next; }
    QPushButton *backButton() const { return m_back; }
    QPushButton *skipButton() const { return m_skip; }

public Q_SLOTS:
    void next();
    void back();
    /** Ends the tour early. */
    void skip();

Q_SIGNALS:
    /** The tour closed: `completed` when the last Next was pressed, false when skipped. */
    void finished(bool completed);

protected:
    bool event(QEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void paintEvent(QPaintEvent *event) override;

private:
    void showStop(int index);
    void relayout();
    void finish(bool completed);

    QPointer<QWidget> m_window;
    std::vector<TourStop> m_stops;
    int m_index = 0;
    QRect m_highlight;
    QWidget *m_card = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_text = nullptr;
    QLabel *m_counter = nullptr;
    QPushButton *m_back = nullptr;
    QPushButton *m_next = nullptr;
    QPushButton *m_skip = nullptr;
};

} // namespace dlm
