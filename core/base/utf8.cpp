#include "core/base/utf8.h"

namespace dlm {

size_t utf8CharLength(const std::string &text, size_t pos)
{
    const unsigned char lead = static_cast<unsigned char>(text[pos]);
    size_t length = 1;
    if (lead >= 0xF0)
        length = 4;
    else if (lead >= 0xE0)
        length = 3;
    else if (lead >= 0xC0)
        length = 2;
    return pos + length > text.size() ? text.size() - pos : length;
}

char32_t utf8Decode(const std::string &text, size_t pos)
{
    const size_t length = utf8CharLength(text, pos);
    const unsigned char lead = static_cast<unsigned char>(text[pos]);
    if (length == 1)
        return lead < 0x80 ? lead : 0xFFFD;
    char32_t cp = lead & (0x7F >> length);
    for (size_t k = 1; k < length; ++k) {
        const unsigned char b = static_cast<unsigned char>(text[pos + k]);
        if ((b & 0xC0) != 0x80)
            return 0xFFFD;
        cp = (cp << 6) | (b & 0x3F);
    }
    return cp;
}

void utf8Append(std::string &out, char32_t cp)
{
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

bool isAscii(const std::string &text)
{
    for (char c : text)
        if (static_cast<unsigned char>(c) >= 0x80)
            return false;
    return true;
}

Utf8Lead utf8Lead(unsigned char lead)
{
    Utf8Lead l;
    if (lead < 0x80) {
        l.length = 1;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
        l.length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        l.length = 3;
        l.low = lead == 0xE0 ? 0xA0 : 0x80; // no overlong forms
        l.high = lead == 0xED ? 0x9F : 0xBF; // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        l.length = 4;
        l.low = lead == 0xF0 ? 0x90 : 0x80; // no overlong forms
        l.high = lead == 0xF4 ? 0x8F : 0xBF; // nothing past U+10FFFF
    }
    return l;
}

size_t utf8WellFormedLength(const unsigned char *bytes, size_t size, size_t at)
{
    const Utf8Lead l = utf8Lead(bytes[at]);
    if (l.length == 0 || at + l.length > size)
        return 0;
    for (size_t k = 1; k < l.length; ++k) {
        const unsigned char b = bytes[at + k];
        if (b < (k == 1 ? l.low : 0x80) || b > (k == 1 ? l.high : 0xBF))
            return 0;
    }
    return l.length;
}

bool isValidUtf8(const std::string &bytes)
{
    const auto *data = reinterpret_cast<const unsigned char *>(bytes.data());
    size_t i = 0;
    while (i < bytes.size()) {
        const size_t length = utf8WellFormedLength(data, bytes.size(), i);
        if (length == 0)
            return false;
        i += length;
    }
    return true;
}

} // namespace dlm

namespace dlm {

std::string utf8Lossy(const std::string &bytes)
{
    if (isValidUtf8(bytes))
        return bytes;
    std::string out;
    out.reserve(bytes.size() + 8);
    size_t i = 0;
    while (i < bytes.size()) {
        const unsigned char lead = static_cast<unsigned char>(bytes[i]);
        if (lead < 0x80) {
            out += static_cast<char>(lead);
            ++i;
            continue;
        }
        const Utf8Lead l = utf8Lead(lead);
        const size_t length = l.length;
        const unsigned char low = l.low, high = l.high;
        // Take as many bytes as still fit a well-formed sequence; a complete one is copied, a cut one is one U+FFFD.
        size_t taken = 1;
        while (length > 0 && taken < length && i + taken < bytes.size()) {
            const unsigned char b = static_cast<unsigned char>(bytes[i + taken]);
            if (b < (taken == 1 ? low : 0x80) || b > (taken == 1 ? high : 0xBF))
                break;
            ++taken;
        }
        if (length > 0 && taken == length)
            out.append(bytes, i, length);
        else
            out += "\xEF\xBF\xBD";
        i += taken;
    }
    return out;
}

} // namespace dlm
