#include "core/text/prompt.h"

#include <cctype>

namespace dlm {

namespace {

// SentencePiece's word-start mark (U+2581) at the front of a piece.
const std::string kWordStart = "\xE2\x96\x81";

bool isSpace(char c)
{
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}

/**
 * Encodes the text between markers. Whitespace before a marker is dropped: the mask stands for whole
 * tokens, the space of its first word included, so a byte-level tokenizer must not leave a lone space token
 * before it. A segment glued to the marker before it ("[MASK]." or "[MASK]ing") continues that word: a
 * tokenizer that starts every text with a word-start ("▁.") would otherwise put a stray space chip there,
 * so the word-start is taken off (the piece without it when the vocabulary has one, else dropped when it
 * stands alone).
 */
void appendEncoded(
    const Tokenizer &tok, std::string segment, bool afterMarker, bool beforeMarker, std::vector<int32_t> &ids)
{
    if (beforeMarker) {
        while (!segment.empty() && isSpace(segment.back()))
            segment.pop_back();
    }
    if (segment.empty())
        return;
    std::vector<int32_t> part = tok.encode(segment);
    if (afterMarker && !isSpace(segment.front()) && !part.empty()) {
        const std::string first = tok.piece(part.front());
        if (first == kWordStart) {
            part.erase(part.begin());
        } else if (first.size() > kWordStart.size() && first.compare(0, kWordStart.size(), kWordStart) == 0) {
            const int32_t bare = tok.pieceToId(first.substr(kWordStart.size()));
            if (bare >= 0 && bare != tok.unkId())
                part.front() = bare;
        }
    }
    ids.insert(ids.end(), part.begin(), part.end());
}

struct Marker
{
    size_t at = std::string::npos;
    size_t length = 0;
    int count = 1; ///< masks this marker stands for
};

/** Parses "[MASK:N]" at `at`; the message names the marker and what is wrong with it. */
Result<Marker> parseCountedMask(const std::string &text, size_t at, int lengthLimit)
{
    const size_t digits = at + std::string(kMaskCountPrefix).size();
    const size_t close = text.find(']', digits);
    const std::string limit = "a whole number from 1 to " + std::to_string(lengthLimit);
    if (close == std::string::npos || close - at > 16)
        return Result<Marker>::failure(
            "prompt: \"" + text.substr(at, 12) + "\" has no closing ']' (write [MASK:N], N " + limit + ")");
    const std::string marker = text.substr(at, close + 1 - at);
    const std::string number = text.substr(digits, close - digits);
    bool ok = !number.empty() && number.size() <= 9;
    for (char c : number)
        ok = ok && std::isdigit(static_cast<unsigned char>(c)) != 0;
    const long n = ok ? std::stol(number) : 0;
    if (!ok || n < 1 || n > lengthLimit)
        return Result<Marker>::failure("prompt: \"" + marker + "\": N must be " + limit);
    return Marker {at, marker.size(), static_cast<int>(n)};
}

/** The earliest marker at or after `start`; at == npos when none is left. */
Result<Marker> nextMarker(const std::string &text, size_t start, const std::string &maskPiece, int lengthLimit)
{
    Marker best;
    for (const std::string &marker : {maskPiece, std::string(kMaskAlias)}) {
        if (marker.empty())
            continue;
        const size_t pos = text.find(marker, start);
        // On a tie (one marker a prefix of the other, possible only for odd mask pieces) the longer one, so
        // "[MASK]" is never split into a mask and leftovers.
        if (pos != std::string::npos && (pos < best.at || (pos == best.at && marker.size() > best.length)))
            best = Marker {pos, marker.size(), 1};
    }
    const size_t counted = text.find(kMaskCountPrefix, start);
    if (counted != std::string::npos && counted < best.at)
        return parseCountedMask(text, counted, lengthLimit);
    return best;
}

} // namespace

Result<std::vector<int32_t>> encodePrompt(
    const Tokenizer &tok, const std::string &text, int32_t maskId, const std::string &maskPiece, int lengthLimit)
{
    using R = Result<std::vector<int32_t>>;
    std::vector<int32_t> ids;
    size_t start = 0;
    bool afterMarker = false;
    for (;;) {
        const auto marker = nextMarker(text, start, maskPiece, lengthLimit);
        if (!marker)
            return R::failure(marker.error());
        if (marker->at == std::string::npos)
            break;
        // Only a marker needs a mask id, so plain prompts still work with models that have none.
        if (maskId < 0)
            return R::failure("prompt: it contains a mask marker (\"" + text.substr(marker->at, marker->length)
                + "\") but the model has no mask token");
        appendEncoded(tok, text.substr(start, marker->at - start), afterMarker, true, ids);
        ids.insert(ids.end(), static_cast<size_t>(marker->count), maskId);
        start = marker->at + marker->length;
        afterMarker = true;
    }
    appendEncoded(tok, text.substr(start), afterMarker, false, ids);
    return ids;
}

} // namespace dlm
