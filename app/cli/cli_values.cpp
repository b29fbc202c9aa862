#include "app/cli/cli_values.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace dlm {

std::string quoted(const std::string &s)
{
    return "\"" + s + "\"";
}

// Strict integer parsing: the whole string must be digits (optionally signed), in range.
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

bool parseDouble(const std::string &text, double *out)
{
    if (text.empty() || std::isspace(static_cast<unsigned char>(text[0])))
        return false;
    errno = 0;
    char *end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (errno == ERANGE || end != text.c_str() + text.size() || !std::isfinite(v))
        return false;
    *out = v;
    return true;
}

std::string intOption(const std::string &name, const std::string &text, long long lo, long long hi, long long *out)
{
    const char *expected = lo >= 1 ? "a positive integer" : "a non-negative integer";
    long long v = 0;
    if (!parseInt64(text, &v)) {
        // Distinguish "not a number" from "a number too large for any integer type".
        const bool digitsOnly = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
        if (digitsOnly)
            return name + ": " + text + " is out of range (" + std::to_string(lo) + ".." + std::to_string(hi) + ")";
        return name + ": expected " + expected + ", got " + quoted(text);
    }
    if (v < 0 || (lo == 1 && v == 0))
        return name + ": expected " + expected + ", got " + quoted(text);
    if (v < lo || v > hi)
        return name + ": " + text + " is out of range (" + std::to_string(lo) + ".." + std::to_string(hi) + ")";
    *out = v;
    return {};
}

std::string doubleOption(const std::string &name, const std::string &text, double lo, double *out)
{
    double v = 0;
    if (!parseDouble(text, &v))
        return name + ": expected a number, got " + quoted(text);
    if (v < lo)
        return name + ": must be at least " + std::to_string(static_cast<int>(lo)) + ", got " + text;
    *out = v;
    return {};
}

std::string seedOption(const std::string &name, const std::string &text, uint64_t *out)
{
    // Seeds use the full unsigned 64-bit range, so they are parsed apart from the signed options.
    errno = 0;
    char *end = nullptr;
    const bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
    const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
    if (!digits)
        return name + ": expected a non-negative integer, got " + quoted(text);
    if (errno == ERANGE)
        return name + ": " + text + " is out of range (0..18446744073709551615)";
    *out = static_cast<uint64_t>(v);
    return {};
}

std::string splitOptionArgument(
    const std::string &cmd, const std::string &arg, std::string *name, std::optional<std::string> *inlineValue)
{
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0)
        return cmd + ": unexpected argument " + quoted(arg) + " (options start with --)";
    const size_t eq = arg.find('=');
    *name = arg.substr(0, eq);
    if (eq != std::string::npos)
        *inlineValue = arg.substr(eq + 1);
    else
        inlineValue->reset();
    return {};
}

std::string takeOptionValue(const std::vector<std::string> &args, size_t *i, const std::string &name,
    const std::optional<std::string> &inlineValue, bool takesValue, std::string *value)
{
    value->clear();
    if (!takesValue)
        return inlineValue ? name + ": takes no value, got " + quoted(*inlineValue) : std::string();
    if (inlineValue) {
        *value = *inlineValue;
        return {};
    }
    if (*i + 1 >= args.size())
        return name + ": missing value";
    *value = args[++*i];
    return {};
}

} // namespace dlm
