// Python's upper(), lower(), capitalize() and title() for the scripts chat content is mostly written in:
// ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic (see jinja_strings.h). Other characters keep their case.
#include "core/text/jinja_strings.h"

#include "core/base/utf8.h"

#include <cstdint>

namespace dlm::jinja {

namespace {

using CodePoint = uint32_t;

std::vector<CodePoint> decode(const std::string &s)
{
    std::vector<CodePoint> out;
    for (size_t pos = 0; pos < s.size(); pos += utf8CharLength(s, pos))
        out.push_back(static_cast<CodePoint>(utf8Decode(s, pos)));
    return out;
}

void encode(CodePoint cp, std::string &out)
{
    utf8Append(out, static_cast<char32_t>(cp));
}

// Latin Extended-A pairs letters as (upper, lower) = (even, odd) or, in two stretches, (odd, even).
bool extendedAUpperIsEven(CodePoint cp)
{
    return (cp >= 0x100 && cp <= 0x12F) || (cp >= 0x132 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177);
}

bool extendedAUpperIsOdd(CodePoint cp)
{
    return (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
}

// The upper-case form of one character; a few become two (ß -> SS).
void upper(CodePoint cp, std::string &out)
{
    CodePoint u = cp;
    if (cp >= 'a' && cp <= 'z')
        u = cp - 0x20;
    else if (cp == 0xB5)
        u = 0x39C;
    else if (cp == 0xDF) {
        out += "SS";
        return;
    } else if (cp >= 0xE0 && cp <= 0xFE && cp != 0xF7)
        u = cp - 0x20;
    else if (cp == 0xFF)
        u = 0x178;
    else if (cp == 0x131)
        u = 'I';
    else if (cp == 0x17F)
        u = 'S';
    else if ((extendedAUpperIsEven(cp) && cp % 2 == 1) || (extendedAUpperIsOdd(cp) && cp % 2 == 0))
        u = cp - 1;
    else if ((cp >= 0x3B1 && cp <= 0x3C1) || (cp >= 0x3C3 && cp <= 0x3CB))
        u = cp - 0x20;
    else if (cp == 0x3C2)
        u = 0x3A3;
    else if (cp == 0x3AC)
        u = 0x386;
    else if (cp >= 0x3AD && cp <= 0x3AF)
        u = cp - 0x25;
    else if (cp == 0x3CC)
        u = 0x38C;
    else if (cp == 0x3CD || cp == 0x3CE)
        u = cp - 0x3F;
    else if (cp >= 0x430 && cp <= 0x44F)
        u = cp - 0x20;
    else if (cp >= 0x450 && cp <= 0x45F)
        u = cp - 0x50;
    encode(u, out);
}

CodePoint lowerOf(CodePoint cp)
{
    if (cp >= 'A' && cp <= 'Z')
        return cp + 0x20;
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
        return cp + 0x20;
    if (cp == 0x178)
        return 0xFF;
    if ((extendedAUpperIsEven(cp) && cp % 2 == 0 && cp != 0x130) || (extendedAUpperIsOdd(cp) && cp % 2 == 1))
        return cp + 1;
    if ((cp >= 0x391 && cp <= 0x3A1) || (cp >= 0x3A3 && cp <= 0x3AB))
        return cp + 0x20;
    if (cp == 0x386)
        return 0x3AC;
    if (cp >= 0x388 && cp <= 0x38A)
        return cp + 0x25;
    if (cp == 0x38C)
        return 0x3CC;
    if (cp == 0x38E || cp == 0x38F)
        return cp + 0x3F;
    if (cp >= 0x410 && cp <= 0x42F)
        return cp + 0x20;
    if (cp >= 0x400 && cp <= 0x40F)
        return cp + 0x50;
    return cp;
}

bool isCased(CodePoint cp)
{
    std::string u;
    upper(cp, u);
    std::string self;
    encode(cp, self);
    return lowerOf(cp) != cp || u != self;
}

// Python lowers capital sigma to final sigma at the end of a word: after a cased letter, before none.
void lower(const std::vector<CodePoint> &cps, size_t i, std::string &out)
{
    const CodePoint cp = cps[i];
    if (cp == 0x130) {
        out += "i\xCC\x87"; // İ -> i + combining dot above
        return;
    }
    if (cp == 0x3A3 && i > 0 && isCased(cps[i - 1]) && (i + 1 >= cps.size() || !isCased(cps[i + 1]))) {
        encode(0x3C2, out);
        return;
    }
    encode(lowerOf(cp), out);
}

} // namespace

std::string pyUpper(std::string s)
{
    std::string out;
    for (CodePoint cp : decode(s))
        upper(cp, out);
    return out;
}

std::string pyLower(std::string s)
{
    const auto cps = decode(s);
    std::string out;
    for (size_t i = 0; i < cps.size(); ++i)
        lower(cps, i, out);
    return out;
}

std::string pyCapitalize(const std::string &s)
{
    const auto cps = decode(s);
    std::string out;
    for (size_t i = 0; i < cps.size(); ++i) {
        if (i == 0)
            upper(cps[i], out);
        else
            lower(cps, i, out);
    }
    return out;
}

std::string pyTitle(const std::string &s)
{
    const auto cps = decode(s);
    std::string out;
    bool previousCased = false;
    for (size_t i = 0; i < cps.size(); ++i) {
        const bool cased = isCased(cps[i]);
        if (cased && !previousCased)
            upper(cps[i], out);
        else if (cased)
            lower(cps, i, out);
        else
            encode(cps[i], out);
        previousCased = cased;
    }
    return out;
}

} // namespace dlm::jinja
