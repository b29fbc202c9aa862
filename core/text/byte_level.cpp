#include "core/text/byte_level.h"

#include "core/base/utf8.h"

#include <array>

namespace dlm {

namespace {

struct ByteLevelTables
{
    std::array<std::string, 256> chars;
    std::array<int, 0x144> bytes; // indexed by code point; the map's image lies below U+0144

    ByteLevelTables()
    {
        bytes.fill(-1);
        int next = 0x100;
        for (int b = 0; b < 256; ++b) {
            const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            const int cp = printable ? b : next++;
            utf8Append(chars[b], static_cast<char32_t>(cp));
            bytes[cp] = b;
        }
    }
};

const ByteLevelTables &tables()
{
    static const ByteLevelTables t;
    return t;
}

} // namespace

const std::string &byteLevelChar(unsigned char byte)
{
    return tables().chars[byte];
}

int byteLevelByte(char32_t cp)
{
    return cp < 0x144 ? tables().bytes[cp] : -1;
}

std::string toByteLevel(const std::string &bytes)
{
    const ByteLevelTables &t = tables();
    std::string out;
    out.reserve(bytes.size() + bytes.size() / 4);
    for (char c : bytes)
        out += t.chars[static_cast<unsigned char>(c)];
    return out;
}

bool fromByteLevel(const std::string &text, std::string &out)
{
    out.clear();
    for (size_t i = 0; i < text.size();) {
        const int b = byteLevelByte(utf8Decode(text, i));
        if (b < 0)
            return false;
        out += static_cast<char>(b);
        i += utf8CharLength(text, i);
    }
    return true;
}

} // namespace dlm
