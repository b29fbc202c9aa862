#pragma once
// The canvas of one record drawn as token chips that wrap like text. It draws only from the record and a
// piece lookup, never from a model, so a saved timeline looks exactly like a live run.

#include "ui/engine/engine_types.h"
#include "ui/views/timeline_view.h"
#include "ui/figures/canvas_chips.h"
#include "ui/figures/token_chip.h"

#include <QString>
#include <QWidget>

class QMenu;

#include <functional>
#include <vector>

namespace dlm {

/**
 * Shows one StepRecord: prompt tokens as plain text, masks as boxes (with the model's current candidate
 * faint inside when the step proposed one), committed tokens filled by their confidence. Hovering a chip
 * shows its details; the context menu copies them. Meant to sit in a QScrollArea (height-for-width).
 */
class CanvasView : public QWidget, public TimelineView
{
    Q_OBJECT

public:
    /** Maps a token id to the text shown for it ("▁" already turned into a space). */
    using PieceText = std::function<QString(int32_t)>;
    /**
     * What a chip shows when its byte piece continues a character that the chip before it shows whole
     * (U+25CC, the dotted circle that stands for "part of the character before").
     */
    static constexpr QChar kContinuationMark = kChipContinuationMark;
    /** Adds actions for position `pos` to the context menu (editing lives outside the view). */
    using MenuBuilder = std::function<void(QMenu &menu, int pos)>;

    explicit CanvasView(QWidget *parent = nullptr);

    /**
     * `pieceText` spells one token on its own (tooltips, candidates); with `rawPiece` (the tokenizer's
     * spelling) the canvas is spelled as a sequence, so byte pieces that together form a character show it.
     */
    void setPieceText(PieceText pieceText, PieceText rawPiece = {});
    void setMaskId(int32_t maskId);
    /** Tells which ids are special tokens (bos, <|eot_id|>, ...): prompt chips of those get the special style. */
    void setSpecialTest(std::function<bool(int32_t)> isSpecial);
    /**
     * Text mode: chips read as the decoded text does, spaces kept where the text has them and newlines as
     * line breaks (no ↵ stand-in), instead of word gaps and visible stand-ins.
     */
    void setTextMode(bool on);
    bool textMode() const { return m_textMode; }
    /**
     * Shows `record`. `committedProbability` holds p(token) at commit time per position (NaN: none); when
     * empty, only this step's commits are tinted, from the record itself.
     */
    void setRecord(RecordPtr record, std::vector<float> committedProbability = {});
    /** Shows nothing but `text` (e.g. how to pick a model). */
    void setPlaceholder(const QString &text);
    /** Outlines position `pos` as the selection (-1: none); other views select the same position. */
    void setSelectedPosition(int pos);
    int selectedPosition() const { return m_selected; }
    void setMenuBuilder(MenuBuilder builder) { m_menuBuilder = std::move(builder); }

    RecordPtr record() const { return m_record; }
    /** Chips drawn as mask boxes; equals the record's masked count when the view is consistent. */
    int maskedCount() const { return m_maskedChips; }
    int chipCount() const { return static_cast<int>(m_chips.size()); }
    /** Where position `pos` is drawn; empty if it is not on the canvas. */
    QRectF chipRect(int pos) const;
    const TokenChip *chip(int pos) const;
    /** The canvas position under `point`, or -1. */
    int positionAt(const QPointF &point) const;
    /** What the tooltip shows for position `pos`, as rich text or plain text (for copying). */
    QString details(int pos, bool rich) const;

    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

    // TimelineView: a record view, given every record the document's cursor reaches at once.
    Follows follows() const override { return Follows::Record; }
    void showCursor(const TimelineDocument &document) override;
    void showSelection(int position) override;
    void connectTo(ViewSync &sync) override;

Q_SIGNALS:
    /** A chip was clicked (it is then the selection). */
    void positionClicked(int pos);

protected:
    void changeEvent(QEvent *event) override;
    bool event(QEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    void rebuildChips();
    /** Wraps the chips into `width` (layoutCanvasChips); stores their rects when `store`. Returns the height needed. */
    int layoutChips(int width, bool store) const;
    void ensureLayout() const;

    TokenChipPainter m_painter;
    ChipSpelling m_spelling;
    bool m_textMode = false;
    RecordPtr m_record;
    std::vector<float> m_committedProbability;
    QString m_placeholder;
    mutable std::vector<TokenChip> m_chips; ///< rects are a layout cache, refreshed on resize
    std::vector<qreal> m_chipWidths;
    int m_maskedChips = 0;
    int m_selected = -1;
    MenuBuilder m_menuBuilder;
    mutable int m_layoutWidth = -1; ///< width the chip rects were laid out for
};

} // namespace dlm
