#include "core/text/piece_text.h"

#include "core/text/byte_level.h"
#include "core/base/utf8.h"

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
 * The bytes a piece stands for when it reads as a byte-level BPE piece ("Ġthe", "Ċ", "æĪ"): every character is
 * in GPT-2's byte map and no byte is a control other than tab, newline and carriage return. A sentencepiece
 * piece fails the test through its "▁" or a letter outside the map, and a Latin Extended-A letter such as "ą"
 * through the control byte it would stand for, so those keep their sentencepiece reading.
 */
bool byteLevelBytes(const std::string &piece, std::string &bytes)
{
    if (piece.empty() || !fromByteLevel(piece, bytes))
        return false;
    for (char c : bytes) {
        const unsigned char b = static_cast<unsigned char>(c);
        if ((b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7F)
            return false;
    }
    return true;
}

/** The bytes of a piece for joining with its neighbours: a byte piece's byte, or byte-level bytes. */
bool pieceBytes(const std::string &piece, std::string &bytes)
{
    const int byte = pieceByte(piece);
    if (byte >= 0) {
        bytes.assign(1, static_cast<char>(byte));
        return true;
    }
    return byteLevelBytes(piece, bytes);
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
    // A byte-level piece whose bytes are whole characters is shown as them ("Ġthe" is " the"); one that holds
    // part of a character stays as spelled, since alone it has no text.
    std::string bytes;
    if (!isAscii(piece) && byteLevelBytes(piece, bytes))
        return isValidUtf8(bytes) ? bytes : piece;
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
    std::string bytes;
    for (size_t i = 0; i < pieces.size();) {
        // A run of pieces that all stand for bytes (byte pieces, byte-level pieces) is read as one UTF-8 text;
        // each character goes to the piece where it starts. Any other piece, or an empty one, ends a run.
        std::string runBytes;
        std::vector<size_t> owner; // piece index of each byte of the run
        size_t end = i;
        while (end < pieces.size() && pieceBytes(pieces[end], bytes)) {
            runBytes += bytes;
            owner.insert(owner.end(), bytes.size(), end);
            ++end;
        }
        if (end == i) {
            texts[i] = pieceText(pieces[i]);
            ++i;
            continue;
        }
        const auto *data = reinterpret_cast<const unsigned char *>(runBytes.data());
        std::vector<bool> broken(pieces.size(), false);
        for (size_t k = 0; k < runBytes.size();) {
            const size_t length = utf8WellFormedLength(data, runBytes.size(), k);
            if (length == 0) {
                broken[owner[k]] = true; // part of a character cut off by a gap or the sequence's end
                ++k;
                continue;
            }
            texts[owner[k]].append(runBytes, k, length);
            k += length;
        }
        for (size_t p = i; p < end; ++p)
            if (broken[p])
                texts[p] = pieceText(pieces[p]);
        i = end;
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
