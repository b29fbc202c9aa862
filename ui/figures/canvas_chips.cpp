#include "ui/figures/canvas_chips.h"

#include "core/text/piece_text.h"

#include <algorithm>
#include <cmath>

namespace dlm {

namespace {

constexpr qreal kWordGap = 6.0; // between chips where the second piece starts a word
constexpr qreal kPieceGap = 2.0; // between pieces of one word: close, but the boxes stay apart
constexpr qreal kLineGap = 6.0;

// Newlines and tabs get visible stand-ins, other control characters their code: a chip must never be blank.
QString visibleText(QString s, bool *breakAfter)
{
    *breakAfter = s.endsWith(QLatin1Char('\n'));
    s.replace(QLatin1Char('\n'), QChar(0x21B5)).replace(QLatin1Char('\t'), QChar(0x21E5));
    QString out;
    for (QChar c : std::as_const(s)) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7F)
            out += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
        else
            out += c;
    }
    return out;
}

/** Text mode's spelling of a chip: `shown` as the text has it, newlines as a break after the chip. */
void setTextModeText(TokenChip &chip, QString shown)
{
    // Newlines end the line (a piece that is nothing but newlines keeps ↵ so it can still be clicked);
    // spaces stay inside the chip, as the text has them.
    chip.breakAfter = shown.endsWith(QLatin1Char('\n'));
    while (shown.endsWith(QLatin1Char('\n')))
        shown.chop(1);
    bool unused = false;
    chip.text = shown.isEmpty() ? QString(QChar(0x21B5)) : visibleText(shown, &unused);
}

QString text(const ChipSpelling &s, int32_t id)
{
    QString t = s.pieceText ? s.pieceText(id) : QString();
    return t.isEmpty() ? QStringLiteral("#%1").arg(id) : t;
}

/** Each position's text spelled with its neighbours (empty where there are no raw pieces or a mask). */
std::vector<QString> spellSequence(const StepRecord &r, const ChipSpelling &s)
{
    // Byte pieces that spell one character together need their neighbours, which the per-id lookup lacks:
    // with the raw pieces the whole canvas is spelled at once (masks end a run, as gaps in the text).
    std::vector<QString> out(static_cast<size_t>(r.length()));
    if (!s.rawPiece)
        return out;
    std::vector<std::string> pieces(out.size());
    for (size_t i = 0; i < pieces.size(); ++i) {
        if (r.tokens[i] != s.maskId)
            pieces[i] = s.rawPiece(r.tokens[i]).toStdString();
    }
    const std::vector<std::string> texts = sequenceTexts(pieces);
    for (size_t i = 0; i < out.size(); ++i) {
        if (!pieces[i].empty())
            out[i] = texts[i].empty() ? QString(kChipContinuationMark) : QString::fromStdString(texts[i]);
    }
    return out;
}

} // namespace

std::vector<TokenChip> canvasChips(const StepRecord &r, const ChipSpelling &spelling,
    const std::vector<float> &committedProbability, bool textMode, int *maskedChips)
{
    std::vector<TokenChip> chips;
    int masked = 0;
    const std::vector<QString> spelled = spellSequence(r, spelling);
    chips.reserve(static_cast<size_t>(r.length()));
    for (int pos = 0; pos < r.length(); ++pos) {
        const size_t i = static_cast<size_t>(pos);
        const int32_t token = r.tokens[i];
        const PositionState state = i < r.states.size() ? r.states[i] : PositionState::Committed;
        TokenChip chip;
        chip.position = pos;
        chip.locked = i < r.flags.size() && (r.flags[i] & FlagLocked);
        QString shown;
        if (token == spelling.maskId) {
            chip.kind = TokenChip::Kind::Mask;
            chip.remasked = state == PositionState::Remasked;
            if (r.considered(pos))
                shown = text(spelling, r.candidates[i]);
            ++masked;
        } else {
            chip.kind = state == PositionState::Prompt ? TokenChip::Kind::Prompt : TokenChip::Kind::Token;
            chip.special = chip.kind == TokenChip::Kind::Prompt && spelling.isSpecial && spelling.isSpecial(token);
            chip.newThisStep = state == PositionState::CommittedThisStep;
            chip.edited = state == PositionState::Edited;
            shown = spelled[i].isEmpty() ? text(spelling, token) : spelled[i];
            if (i < committedProbability.size())
                chip.tint = committedProbability[i];
            else if (chip.newThisStep && i < r.probability.size())
                chip.tint = r.probability[i];
        }
        if (textMode) {
            setTextModeText(chip, shown);
        } else {
            chip.wordStart = shown.startsWith(QLatin1Char(' '));
            if (chip.wordStart && shown.size() > 1)
                shown.remove(0, 1);
            else if (chip.wordStart)
                shown = QChar(0x2423); // a lone space piece: show the open-box space sign
            chip.text = visibleText(shown, &chip.breakAfter);
        }
        chips.push_back(chip);
    }
    if (maskedChips)
        *maskedChips = masked;
    return chips;
}

int layoutCanvasChips(const std::vector<TokenChip> &chips, const std::vector<qreal> &widths, qreal chipHeight,
    int width, std::vector<QRectF> *rects)
{
    if (rects)
        rects->assign(chips.size(), QRectF());
    if (chips.empty())
        return 2 * kCanvasMargin + static_cast<int>(chipHeight);
    const qreal h = chipHeight;
    const qreal right = std::max<qreal>(width - kCanvasMargin, kCanvasMargin + 1);
    qreal x = kCanvasMargin, y = kCanvasMargin;
    bool lineStart = true;
    for (size_t i = 0; i < chips.size(); ++i) {
        const TokenChip &c = chips[i];
        const qreal w = widths[i];
        // Prompt text is plain, so pieces of one word join up; chips keep a hairline apart to stay boxes.
        const bool plainJoin = c.kind == TokenChip::Kind::Prompt && !c.special && i > 0
            && chips[i - 1].kind == TokenChip::Kind::Prompt && !chips[i - 1].special;
        qreal gap = lineStart ? 0.0 : (c.wordStart ? kWordGap : (plainJoin ? 0.0 : kPieceGap));
        if (!lineStart && x + gap + w > right) {
            x = kCanvasMargin;
            y += h + kLineGap;
            gap = 0.0;
        }
        if (rects)
            (*rects)[i] = QRectF(x + gap, y, w, h);
        x += gap + w;
        lineStart = false;
        if (c.breakAfter) {
            x = kCanvasMargin;
            y += h + kLineGap;
            lineStart = true;
        }
    }
    return static_cast<int>(std::ceil(y + (lineStart ? 0.0 : h) + kCanvasMargin));
}

} // namespace dlm
