#include "app/cli/cli_options.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace dlm::cli {

namespace {

std::string inQuotes(const std::string &s)
{
    return "\"" + s + "\"";
}

bool allDigits(const std::string &text)
{
    return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

// Strict integer parsing: the whole string must be digits (optionally signed), in range of long long.
bool parseInt64(const std::string &text, long long *out)
{
    if (text.empty() || std::isspace(static_cast<unsigned char>(text[0])))
        return false;
    errno = 0;
    char *end = nullptr;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (errno == ERANGE || end != text.c_str() + text.size())
        return false;
    *out = v;
    return true;
}

std::string range(long long lo, long long hi)
{
    return " is out of range (" + std::to_string(lo) + ".." + std::to_string(hi) + ")";
}

} // namespace

ValueParser<long long> integerIn(long long lo, long long hi)
{
    return [lo, hi](const std::string &text, long long *value) -> std::string {
        const std::string expected
            = std::string("expected ") + (lo >= 1 ? "a positive integer" : "a non-negative integer") + ", got ";
        long long v = 0;
        if (!parseInt64(text, &v)) // digits alone that do not parse are too large for any integer type
            return allDigits(text) ? text + range(lo, hi) : expected + inQuotes(text);
        if (v < 0 || (lo == 1 && v == 0))
            return expected + inQuotes(text);
        if (v < lo || v > hi)
            return text + range(lo, hi);
        *value = v;
        return {};
    };
}

ValueParser<double> numberIn(double lo, double hi, bool aboveLo)
{
    return [lo, hi, aboveLo](const std::string &text, double *value) -> std::string {
        double v = 0;
        char *end = nullptr;
        errno = 0;
        if (!text.empty() && !std::isspace(static_cast<unsigned char>(text[0])))
            v = std::strtod(text.c_str(), &end);
        if (end != text.c_str() + text.size() || text.empty() || errno == ERANGE || !std::isfinite(v))
            return "expected a number, got " + inQuotes(text);
        if (v < lo || v > hi || (aboveLo && v == lo)) {
            std::string words = aboveLo ? "above " + shown(lo)
                : std::isfinite(hi)     ? "from " + shown(lo)
                                        : "of at least " + shown(lo);
            if (std::isfinite(hi))
                words += (aboveLo ? " and at most " : " to ") + shown(hi);
            return "expected a number " + words + ", got " + inQuotes(text);
        }
        *value = v;
        return {};
    };
}

ValueParser<uint64_t> seedValue()
{
    return [](const std::string &text, uint64_t *value) -> std::string {
        if (!allDigits(text))
            return "expected a non-negative integer, got " + inQuotes(text);
        errno = 0;
        const unsigned long long v = std::strtoull(text.c_str(), nullptr, 10);
        if (errno == ERANGE)
            return text + " is out of range (0.." + std::to_string(std::numeric_limits<uint64_t>::max()) + ")";
        *value = static_cast<uint64_t>(v);
        return {};
    };
}

ValueParser<std::string> nonEmpty()
{
    return [](const std::string &text, std::string *value) -> std::string {
        if (text.empty())
            return "expected a name, got an empty string";
        *value = text;
        return {};
    };
}

std::string parseIntegerList(
    const std::string &text, long long lo, long long hi, const std::string &what, std::vector<long long> *out)
{
    out->clear();
    size_t start = 0;
    while (true) {
        const size_t comma = text.find(',', start);
        std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        // Tolerate spaces around items ("0, 4, 8" from copy-paste).
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        long long v = 0;
        if (!parseInt64(item, &v) || v < lo || v > hi)
            return "expected comma-separated " + what + ", got " + inQuotes(item) + " in " + inQuotes(text);
        out->push_back(v);
        if (comma == std::string::npos)
            return {};
        start = comma + 1;
    }
}

std::string listOfWords(const std::vector<std::string> &words)
{
    std::string list;
    for (size_t i = 0; i < words.size(); ++i)
        list += (i == 0 ? "" : i + 1 == words.size() ? " or " : ", ") + words[i];
    return list;
}

std::string joinWords(const std::vector<std::string> &words, const std::string &separator)
{
    std::string joined;
    for (size_t i = 0; i < words.size(); ++i)
        joined += (i == 0 ? "" : separator) + words[i];
    return joined;
}

CLI::Option *addFlag(CLI::App &app, const std::string &name, bool &target, const std::string &help)
{
    return app.add_flag(name, target, help)->disable_flag_override();
}

CLI::Option *addModelDir(CLI::App &app, std::string &target)
{
    return addPath(app, "--model", target, "DIR", "model directory (config.json, safetensors, tokenizer.model)");
}

std::vector<std::pair<std::string, ConfidenceMeasure>> measureChoices()
{
    std::vector<std::pair<std::string, ConfidenceMeasure>> choices;
    for (auto m : {ConfidenceMeasure::LowConfidence, ConfidenceMeasure::Random, ConfidenceMeasure::Margin,
             ConfidenceMeasure::Entropy})
        choices.emplace_back(measureName(m), m);
    return choices;
}

std::string shown(double value)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", value);
    return buf;
}

} // namespace dlm::cli
