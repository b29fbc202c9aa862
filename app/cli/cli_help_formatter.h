#pragma once
// How dlmstudio-cli lays out the help CLI11 generates. Internal to the CLI library.

#include <CLI/CLI.hpp>

#include <string>

namespace dlm::cli {

/**
 * CLI11's help, laid out for this program: usage first, then what the command does; an option's default,
 * and what it needs or excludes, after its description, wrapped to fit 120 columns; in the command list, each
 * command's first line only (the rest is the command's own help).
 */
class HelpFormatter : public CLI::Formatter
{
public:
    std::string make_help(const CLI::App *app, std::string name, CLI::AppFormatMode mode) const override;
    std::string make_subcommand(const CLI::App *sub) const override;
    std::string make_option_opts(const CLI::Option *opt) const override;
    std::string make_option_desc(const CLI::Option *opt) const override;
};

} // namespace dlm::cli
