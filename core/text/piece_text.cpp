#include "core/text/piece_text.h"

namespace dlm {

namespace {

constexpr const char *kWordStart = "\xE2\x96\x81"; // U+2581, sentencepiece's visible space

int upperHex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/**
 * How many bytes the UTF-8 character starting at `bytes[at]` takes, or 0 when no valid character starts
 * there (a stray continuation byte, a cut sequence, an overlong form, a surrogate, beyond U+10FFFF). The
 * bounds follow RFC 3629's table of well-formed sequences, so the result is always valid UTF-8.
 */
size_t utf8Length(const std::vector<int> &bytes, size_t at)
{
    const int lead = bytes[at];
    size_t length = 0;
    int low = 0x80, high = 0xBF; // the allowed range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        low = lead == 0xE0 ? 0xA0 : 0x80;
        high = lead == 0xED ? 0x9F : 0xBF;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        low = lead == 0xF0 ? 0x90 : 0x80;
        high = lead == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if (at + length > bytes.size())
        return 0;
    for (size_t k = 1; k < length; ++k) {
        const int b = bytes[at + k];
        const int lo = k == 1 ? low : 0x80, hi = k == 1 ? high : 0xBF;
        if (b < lo || b > hi)
            return 0;
    }
    return length;
}

} // namespace

int pieceByte(const std::string &piece)
{
    if (piece.size() != 6 || piece.compare(0, 3, "<0x") != 0 || piece[5] != '>')
        return -1;
    const int high = upperHex(piece[3]), low = upperHex(piece[4]);
    return high < 0 || low < 0 ? -1 : high * 16 + low;
}

std::string pieceText(const std::string &piece)
{
    const int byte = pieceByte(piece);
    if (byte >= 0x80)
        return piece;
    if (byte >= 0)
        return std::string(1, static_cast<char>(byte));
    const std::string wordStart = kWordStart;
    std::string out;
    out.reserve(piece.size());
    size_t start = 0;
    for (size_t pos = piece.find(wordStart); pos != std::string::npos; pos = piece.find(wordStart, start)) {
        out.append(piece, start, pos - start);
        out += ' ';
        start = pos + wordStart.size();
    }
    out.append(piece, start, std::string::npos);
    return out;
}

std::vector<std::string> sequenceTexts(const std::vector<std::string> &pieces)
{
    std::vector<std::string> texts(pieces.size());
    std::vector<int> bytes(pieces.size());
    for (size_t i = 0; i < pieces.size(); ++i)
        bytes[i] = pieceByte(pieces[i]);
    for (size_t i = 0; i < pieces.size();) {
        // A non-byte piece reads -1, below every lead and continuation byte, so it ends a run by itself.
        const size_t length = bytes[i] >= 0x80 ? utf8Length(bytes, i) : 0;
        if (length == 0) {
            texts[i] = pieceText(pieces[i]);
            ++i;
            continue;
        }
        for (size_t k = 0; k < length; ++k)
            texts[i] += static_cast<char>(bytes[i + k]);
        i += length; // the continuing positions keep ""
    }
    return texts;
}

std::string sequenceText(const std::vector<std::string> &pieces)
{
    std::string out;
    for (const std::string &text : sequenceTexts(pieces))
        out += text;
    return out;
}

} // namespace dlm
