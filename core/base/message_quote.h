#pragma once
// Quoting text from a file inside an error message, which must stay one line of valid UTF-8 of modest size
// whatever bytes the file held (the fuzz targets check every loader's messages for it).
#include <cstddef>
#include <string>

namespace dlm {

/**
 * `text` made safe to quote in a one-line message: ill-formed UTF-8 replaced by U+FFFD, control characters
 * (line breaks included) as spaces, and cut to about `maxBytes` on a character boundary, with "..." when cut.
 */
std::string messageQuote(const std::string &text, size_t maxBytes = 200);

} // namespace dlm
