#pragma once
// The run as plain text: the record on screen decoded (masks as a visible glyph) and the last record of the
// branch, each with Copy, for pasting into notes and slides without retyping chips.

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace dlm {

class Timeline;
class TimelineDocument;
struct StepRecord;

/** Shows the current and the final decoded text of the document's branch. */
class TextView : public QWidget
{
    Q_OBJECT

public:
    /** What a masked position reads as (U+25A1, a white square): visible, and no character a model writes. */
    static constexpr QChar kMaskGlyph {0x25A1};

    explicit TextView(TimelineDocument *document, QWidget *parent = nullptr);

    /** The record's canvas as text: pieces joined as the tokenizer would, each mask as kMaskGlyph. */
    static QString recordText(const Timeline &timeline, const StepRecord &record);

    QString currentText() const;
    QString finalText() const;
    QPushButton *copyCurrentButton() const { return m_copyCurrent; }
    QPushButton *copyFinalButton() const { return m_copyFinal; }

private:
    void refresh();

    TimelineDocument *m_document;
    QLabel *m_currentTitle = nullptr;
    QLabel *m_finalTitle = nullptr;
    QPlainTextEdit *m_current = nullptr;
    QPlainTextEdit *m_final = nullptr;
    QPushButton *m_copyCurrent = nullptr;
    QPushButton *m_copyFinal = nullptr;
};

} // namespace dlm
