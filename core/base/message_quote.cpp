#include "core/base/message_quote.h"

#include "core/base/utf8.h"

namespace dlm {

std::string messageQuote(const std::string &text, size_t maxBytes)
{
    const bool cut = text.size() > maxBytes;
    std::string out = utf8Lossy(cut ? text.substr(0, maxBytes) : text);
    if (cut) {
        // The cut may have split a character, which utf8Lossy turned into U+FFFD: drop that one.
        if (out.size() >= 3 && out.compare(out.size() - 3, 3, "\xEF\xBF\xBD") == 0)
            out.resize(out.size() - 3);
        out += "...";
    }
    for (char &c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            c = ' ';
    return out;
}

} // namespace dlm
