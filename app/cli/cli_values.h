#pragma once
// Strict parsing of option values, shared by every subcommand's parser. Each *Option function returns an
// empty string on success, else the message to print ("--steps: expected a positive integer, got \"x\"").

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dlm {

std::string quoted(const std::string &s);

/** The whole string is an integer (optionally signed) in range of long long. */
bool parseInt64(const std::string &text, long long *out);
/** The whole string is a finite number. */
bool parseDouble(const std::string &text, double *out);

/** An integer option in [lo, hi]. */
std::string intOption(const std::string &name, const std::string &text, long long lo, long long hi, long long *out);
/** A number option of at least `lo`. */
std::string doubleOption(const std::string &name, const std::string &text, double lo, double *out);
/** A seed: the full unsigned 64-bit range. */
std::string seedOption(const std::string &name, const std::string &text, uint64_t *out);

/** Splits one argument of subcommand `cmd` into an option name and an inline "=value". Returns the message
 *  for an argument that is not an option (every subcommand takes options only). */
std::string splitOptionArgument(
    const std::string &cmd, const std::string &arg, std::string *name, std::optional<std::string> *inlineValue);

/**
 * The value of option `name` found at args[*i]: the inline "=value", else the next argument (advancing *i).
 * Returns the message for a missing value, or for a value given to an option that takes none.
 */
std::string takeOptionValue(const std::vector<std::string> &args, size_t *i, const std::string &name,
    const std::optional<std::string> &inlineValue, bool takesValue, std::string *value);

} // namespace dlm
