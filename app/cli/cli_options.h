#pragma once
// How dlmstudio-cli declares an option on CLI11. A value parser both checks the text (as a CLI11 validator,
// so a bad value is reported as "--option: what was wrong") and turns it into the value the option's
// callback stores. Numbers are parsed here rather than by CLI11, which reads "010" as octal and "-1" as a
// huge unsigned number. Internal to the CLI library.

#include "core/sampling/generation_settings.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dlm::cli {

/** Turns an option's text into a value; returns what is wrong with the text (without the option's name). */
template<typename V> using ValueParser = std::function<std::string(const std::string &text, V *value)>;

/** An integer in [lo, hi], base 10. */
ValueParser<long long> integerIn(long long lo, long long hi);
/** A finite number in [lo, hi]; with `aboveLo`, lo itself is refused. */
ValueParser<double> numberIn(double lo, double hi, bool aboveLo = false);
/** A seed: the whole unsigned 64-bit range. */
ValueParser<uint64_t> seedValue();
/** Any text but the empty string (file and directory names). */
ValueParser<std::string> nonEmpty();
/** Comma-separated integers in [lo, hi] (spaces after commas allowed); `what` names them in the message. */
std::string parseIntegerList(
    const std::string &text, long long lo, long long hi, const std::string &what, std::vector<long long> *out);

/** "a, b or c": the words a choice accepts, as messages list them. */
std::string listOfWords(const std::vector<std::string> &words);
/** "a|b|c": the words a choice accepts, as the help shows its value. */
std::string joinWords(const std::vector<std::string> &words, const std::string &separator);

/** The value type an option stores into `T` (an optional's value type, else T itself). */
template<typename T> struct Stored
{
    using type = T;
};
template<typename T> struct Stored<std::optional<T>>
{
    using type = T;
};

/** Declares option `name` storing into `target` what `parse` makes of its text; `target` must outlive parsing. */
template<typename T, typename V>
CLI::Option *addOption(CLI::App &app, const std::string &name, T &target, ValueParser<V> parse,
    const std::string &typeName, const std::string &help)
{
    const auto store = [&target, parse](const std::string &text) {
        V value {};
        parse(text, &value); // checked by the validator below before the callback runs
        target = static_cast<typename Stored<T>::type>(value);
    };
    const auto check = [parse](std::string &text) {
        V value {};
        return parse(text, &value);
    };
    return app.add_option_function<std::string>(name, store, help)
        ->type_name(typeName)
        ->check(CLI::Validator(check, std::string()));
}

template<typename T>
CLI::Option *addInteger(
    CLI::App &app, const std::string &name, T &target, long long lo, long long hi, const std::string &help)
{
    return addOption(app, name, target, integerIn(lo, hi), "N", help);
}

template<typename T>
CLI::Option *addNumber(CLI::App &app, const std::string &name, T &target, double lo, double hi, const std::string &help,
    bool aboveLo = false)
{
    return addOption(app, name, target, numberIn(lo, hi, aboveLo), "F", help);
}

template<typename T> CLI::Option *addSeed(CLI::App &app, const std::string &name, T &target, const std::string &help)
{
    return addOption(app, name, target, seedValue(), "N", help);
}

inline CLI::Option *addPath(
    CLI::App &app, const std::string &name, std::string &target, const std::string &typeName, const std::string &help)
{
    return addOption(app, name, target, nonEmpty(), typeName, help);
}

/** Any text, the empty string included (prompts). */
template<typename T> CLI::Option *addText(CLI::App &app, const std::string &name, T &target, const std::string &help)
{
    const ValueParser<std::string> any = [](const std::string &text, std::string *value) {
        *value = text;
        return std::string();
    };
    return addOption(app, name, target, any, "TEXT", help);
}

/**
 * One of a fixed set of words, each standing for a value; the help shows them as "a|b|c". Only the first
 * `listed` words are shown and named in messages; the rest are accepted spellings (aliases).
 */
template<typename T, typename V>
CLI::Option *addChoice(CLI::App &app, const std::string &name, T &target,
    const std::vector<std::pair<std::string, V>> &choices, const std::string &help, size_t listed = SIZE_MAX)
{
    std::vector<std::string> words;
    for (size_t i = 0; i < choices.size() && i < listed; ++i)
        words.push_back(choices[i].first);
    const ValueParser<V> parse = [choices, words](const std::string &text, V *value) -> std::string {
        for (const auto &choice : choices) {
            if (choice.first == text) {
                *value = choice.second;
                return {};
            }
        }
        return "expected " + listOfWords(words) + ", got \"" + text + "\"";
    };
    return addOption(app, name, target, parse, joinWords(words, "|"), help);
}

/** Comma-separated integers in [lo, hi] as a vector of I; `what` names them in the message. */
template<typename I> ValueParser<std::vector<I>> integerList(long long lo, long long hi, const std::string &what)
{
    return [lo, hi, what](const std::string &text, std::vector<I> *value) {
        std::vector<long long> numbers;
        const std::string error = parseIntegerList(text, lo, hi, what, &numbers);
        value->assign(numbers.begin(), numbers.end());
        return error;
    };
}

/** A flag; "--flag=value" is refused rather than read as true or false. */
CLI::Option *addFlag(CLI::App &app, const std::string &name, bool &target, const std::string &help);

/** --model DIR, shared by the commands that load a model. */
CLI::Option *addModelDir(CLI::App &app, std::string &target);

/** The remasking measures by name, for addChoice. */
std::vector<std::pair<std::string, ConfidenceMeasure>> measureChoices();

/** A default as the help shows it ("0.001", "128"). */
std::string shown(double value);

} // namespace dlm::cli
