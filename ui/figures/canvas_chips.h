#pragma once
// The sequence view's rules, apart from any widget: which chip each position of a record becomes (kind,
// text, word gap, line break, tint, glyphs) and how the chips wrap like text into a width. The canvas
// figure and animation frames use them; they are CanvasView's rules, written once.

#include "core/timeline/step_record.h"
#include "ui/figures/token_chip.h"

#include <QRectF>
#include <QString>

#include <cstdint>
#include <functional>
#include <vector>

namespace dlm {

/** How a canvas spells token ids. */
struct ChipSpelling
{
    /** One token on its own ("▁" already a space): candidates, and tokens without raw pieces. */
    std::function<QString(int32_t)> pieceText;
    /** The tokenizer's spelling; with it the canvas is spelled as a sequence, so byte pieces that together
     *  form a character show it. May be empty. */
    std::function<QString(int32_t)> rawPiece;
    int32_t maskId = -1;
    /** Special ids (bos, <|eot_id|>): their prompt chips get the special style. May be empty. */
    std::function<bool(int32_t)> isSpecial;
};

/** Margin around the chips, in pixels (a figure's title lines up with the first chip). */
constexpr int kCanvasMargin = 8;
/** What a chip shows when its byte piece continues a character that the chip before it shows whole. */
constexpr QChar kChipContinuationMark {0x25CC};

/**
 * The chips of record `r`: prompt tokens as plain text, masks as boxes with this step's candidate, committed
 * tokens tinted by `committedProbability` (p when committed per position, NaN none; when empty only this
 * step's commits are tinted, from the record). Text mode spells chips as the decoded text does (spaces kept,
 * newlines as breaks). `maskedChips`, when given, receives the number of mask chips.
 */
std::vector<TokenChip> canvasChips(const StepRecord &r, const ChipSpelling &spelling,
    const std::vector<float> &committedProbability, bool textMode = false, int *maskedChips = nullptr);

/**
 * Wraps chips of widths `widths` and height `chipHeight` into `width` pixels, as text wraps; stores each
 * chip's place in `rects` when given. Returns the height the chips need, margins included.
 */
int layoutCanvasChips(const std::vector<TokenChip> &chips, const std::vector<qreal> &widths, qreal chipHeight,
    int width, std::vector<QRectF> *rects = nullptr);

} // namespace dlm
