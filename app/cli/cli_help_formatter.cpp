#include "app/cli/cli_help_formatter.h"

#include "app/cli/cli_options.h"

#include <algorithm>
#include <set>
#include <sstream>

namespace dlm::cli {

namespace {

constexpr size_t kDescriptionWidth = 90; // with the option column, lines stay under 120

/** Breaks lines longer than `width` at spaces; a continuation keeps its line's indentation. */
std::string wrapped(const std::string &text, size_t width)
{
    std::string out;
    std::istringstream lines(text);
    std::string line;
    bool first = true;
    while (std::getline(lines, line)) {
        out += first ? "" : "\n";
        first = false;
        const std::string indent(std::min(line.find_first_not_of(' '), line.size()), ' ');
        while (line.size() > width) {
            const size_t cut = line.rfind(' ', width);
            if (cut == std::string::npos || cut <= indent.size())
                break;
            out += line.substr(0, cut) + "\n";
            line = indent + line.substr(cut + 1);
        }
        out += line;
    }
    return out;
}

} // namespace

std::string HelpFormatter::make_help(const CLI::App *app, std::string name, CLI::AppFormatMode mode) const
{
    std::string description = app->get_description();
    if (!description.empty())
        description = "\n" + description + "\n";
    std::string help = make_usage(app, name) + description + make_groups(app, mode) + make_subcommands(app, mode) + "\n"
        + make_footer(app);
    // CLI11 puts two blank lines before each named group of options; one is enough.
    for (size_t at = help.find("\n\n\n"); at != std::string::npos; at = help.find("\n\n\n", at))
        help.erase(at, 1);
    return help;
}

std::string HelpFormatter::make_subcommand(const CLI::App *sub) const
{
    const std::string &description = sub->get_description();
    std::ostringstream out;
    CLI::detail::format_help(
        out, sub->get_display_name(true), description.substr(0, description.find('\n')), get_column_width());
    return out.str();
}

std::string HelpFormatter::make_option_opts(const CLI::Option *opt) const
{
    return opt->get_type_size() != 0 && !opt->get_type_name().empty() ? " " + opt->get_type_name() : "";
}

std::string HelpFormatter::make_option_desc(const CLI::Option *opt) const
{
    std::string description = opt->get_description();
    const auto names = [](const std::set<CLI::Option *> &options) {
        std::vector<std::string> list;
        for (const CLI::Option *o : options)
            list.push_back(o->get_name());
        return listOfWords(list);
    };
    if (opt->get_required())
        description += " (required)";
    if (!opt->get_default_str().empty())
        description += " (default " + opt->get_default_str() + ")";
    if (!opt->get_needs().empty())
        description += " (needs " + names(opt->get_needs()) + ")";
    if (!opt->get_excludes().empty())
        description += " (not with " + names(opt->get_excludes()) + ")";
    return wrapped(description, kDescriptionWidth);
}

} // namespace dlm::cli
