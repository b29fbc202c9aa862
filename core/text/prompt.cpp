#include "core/text/prompt.h"

namespace dlm {

namespace {

void appendEncoded(const Tokenizer &tok, const std::string &segment, std::vector<int32_t> &ids)
{
    if (segment.empty())
        return;
    const std::vector<int32_t> part = tok.encode(segment);
    ids.insert(ids.end(), part.begin(), part.end());
}

} // namespace

Result<std::vector<int32_t>> encodePrompt(
    const Tokenizer &tok, const std::string &text, int32_t maskId, const std::string &maskPiece)
{
    using R = Result<std::vector<int32_t>>;
    const std::string alias = kMaskAlias;
    std::vector<int32_t> ids;
    size_t start = 0;
    for (;;) {
        // The earliest of the two markers wins; on a tie (one marker a prefix of the other, possible only
        // for odd mask pieces) the longer one, so "[MASK]" is never split into a mask and leftovers.
        size_t at = std::string::npos;
        size_t length = 0;
        for (const std::string *marker : {&maskPiece, &alias}) {
            if (marker->empty())
                continue;
            const size_t pos = text.find(*marker, start);
            if (pos == std::string::npos)
                continue;
            if (pos < at || (pos == at && marker->size() > length)) {
                at = pos;
                length = marker->size();
            }
        }
        if (at == std::string::npos)
            break;
        // Only a marker needs a mask id, so plain prompts still work with models that have none.
        if (maskId < 0)
            return R::failure("prompt: it contains a mask marker (\"" + text.substr(at, length)
                + "\") but the model has no mask token");
        appendEncoded(tok, text.substr(start, at - start), ids);
        ids.push_back(maskId);
        start = at + length;
    }
    appendEncoded(tok, text.substr(start), ids);
    return ids;
}

} // namespace dlm
