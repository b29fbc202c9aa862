#include "core/text/unicode_props.h"

#include "core/base/utf8.h"

#include <unicode/bytestream.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <stdexcept>

namespace dlm {

std::string normalizeUnicode(const std::string &text, NormalForm form)
{
    if (isAscii(text))
        return text;
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2 *normalizer = nullptr;
    switch (form) {
    case NormalForm::NFC:
        normalizer = icu::Normalizer2::getNFCInstance(status);
        break;
    case NormalForm::NFD:
        normalizer = icu::Normalizer2::getNFDInstance(status);
        break;
    case NormalForm::NFKC:
        normalizer = icu::Normalizer2::getNFKCInstance(status);
        break;
    case NormalForm::NFKD:
        normalizer = icu::Normalizer2::getNFKDInstance(status);
        break;
    }
    if (U_FAILURE(status) || !normalizer)
        throw std::runtime_error(std::string("ICU normalizer unavailable: ") + u_errorName(status));
    if (normalizer->isNormalizedUTF8(text, status) && U_SUCCESS(status))
        return text;
    status = U_ZERO_ERROR;
    std::string out;
    icu::StringByteSink<std::string> sink(&out, static_cast<int32_t>(text.size()));
    normalizer->normalizeUTF8(0, text, sink, nullptr, status);
    if (U_FAILURE(status))
        return text; // only malformed UTF-8 gets here; the model then sees the bytes as they came
    return out;
}

std::string lowercaseUnicode(const std::string &text)
{
    if (isAscii(text)) {
        std::string out = text;
        for (char &c : out)
            if (c >= 'A' && c <= 'Z')
                c = static_cast<char>(c - 'A' + 'a');
        return out;
    }
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(text);
    u.toLower(icu::Locale::getRoot());
    std::string out;
    u.toUTF8String(out);
    return out;
}

bool isUnicodeWhitespace(char32_t cp)
{
    return u_isUWhiteSpace(static_cast<UChar32>(cp));
}

bool isUnicodePunctuation(char32_t cp)
{
    if (cp < 0x80)
        return (cp >= 0x21 && cp <= 0x2F) || (cp >= 0x3A && cp <= 0x40) || (cp >= 0x5B && cp <= 0x60)
            || (cp >= 0x7B && cp <= 0x7E);
    return u_ispunct(static_cast<UChar32>(cp));
}

bool isUnicodeWordChar(char32_t cp)
{
    const UChar32 c = static_cast<UChar32>(cp);
    return u_isalnum(c) || u_hasBinaryProperty(c, UCHAR_ALPHABETIC) || (U_GET_GC_MASK(c) & U_GC_M_MASK) || cp == '_';
}

} // namespace dlm
