#pragma once
// Python's str methods as chat templates call them (`content.strip()`, `.split('</think>')`, ...), on UTF-8
// text. Case mapping (jinja_case.cpp) covers ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic; other
// characters keep their case.

#include "core/text/jinja_value.h"

#include <cstddef>
#include <string>
#include <vector>

namespace dlm::jinja {

/** str.strip / lstrip / rstrip; `chars` undefined or none means whitespace. */
std::string pyStrip(const std::string &s, const Value &chars, bool left, bool right);
/** str.split(sep, maxsplit); `sep` undefined or none splits on runs of whitespace. */
std::vector<std::string> pySplit(const std::string &s, const Value &sep, int64_t maxSplit);
/** str.replace(old, new, count); fails when the result would be over `maxBytes` (0: unbounded). */
std::string pyReplace(
    const std::string &s, const std::string &from, const std::string &to, int64_t count, size_t maxBytes);
std::string pyUpper(std::string s);
std::string pyLower(std::string s);
std::string pyCapitalize(const std::string &s);
/** str.title(): a letter after a letter is lower case, any other letter upper case. */
std::string pyTitle(const std::string &s);

bool isStringMethod(const std::string &name);
Value callStringMethod(
    const std::string &s, const std::string &name, const ValueList &args, const KeywordArgs &kwargs, size_t maxBytes);

} // namespace dlm::jinja
