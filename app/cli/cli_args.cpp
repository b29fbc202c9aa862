// parseCli: the program's CLI11 app (the commands are declared in cli_*_args.cpp), and one wording for
// every way a command line can be wrong.

#include "app/cli/cli_args.h"

#include "app/cli/cli_declare.h"
#include "app/cli/cli_options.h"

#include <CLI/CLI.hpp>

#include <set>
#include <sstream>

namespace dlm {

namespace {

const char *const kProgram = "dlmstudio-cli";

/**
 * CLI11's help, laid out for this program: usage first, then what the command does; an option's default,
 * and what it needs or excludes, after its description; in the command list, each command's first line only.
 */
class CliFormatter : public CLI::Formatter
{
public:
    std::string make_help(const CLI::App *app, std::string name, CLI::AppFormatMode mode) const override
    {
        std::string description = app->get_description();
        if (!description.empty())
            description = "\n" + description + "\n";
        std::string help = make_usage(app, name) + description + make_groups(app, mode) + make_subcommands(app, mode)
            + "\n" + make_footer(app);
        // CLI11 puts two blank lines before each named group of options; one is enough.
        for (size_t at = help.find("\n\n\n"); at != std::string::npos; at = help.find("\n\n\n", at))
            help.erase(at, 1);
        return help;
    }

    std::string make_subcommand(const CLI::App *sub) const override
    {
        const std::string &description = sub->get_description();
        std::ostringstream out;
        CLI::detail::format_help(
            out, sub->get_display_name(true), description.substr(0, description.find('\n')), get_column_width());
        return out.str();
    }

    std::string make_option_opts(const CLI::Option *opt) const override
    {
        return opt->get_type_size() != 0 && !opt->get_type_name().empty() ? " " + opt->get_type_name() : "";
    }

    std::string make_option_desc(const CLI::Option *opt) const override
    {
        std::string description = opt->get_description();
        const auto names = [](const std::set<CLI::Option *> &options) {
            std::vector<std::string> list;
            for (const CLI::Option *o : options)
                list.push_back(o->get_name());
            return cli::listOfWords(list);
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

private:
    static constexpr size_t kDescriptionWidth = 90; // with the option column, lines stay under 120

    /** Breaks lines longer than `width` at spaces; a continuation keeps its line's indentation. */
    static std::string wrapped(const std::string &text, size_t width)
    {
        std::string out;
        std::istringstream lines(text);
        std::string line;
        bool first = true;
        while (std::getline(lines, line)) {
            out += first ? "" : "\n";
            first = false;
            const std::string indent(
                line.find_first_not_of(' ') == std::string::npos ? 0 : line.find_first_not_of(' '), ' ');
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
};

std::string inQuotes(const std::string &s)
{
    return "\"" + s + "\"";
}

bool startsWith(const std::string &s, const std::string &prefix)
{
    return s.compare(0, prefix.size(), prefix) == 0;
}

bool endsWith(const std::string &s, const std::string &suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/** The command-line app with every command declared; a successful parse leaves the command's struct in `result`. */
void declareApp(CLI::App &app, CliArgs &result)
{
    app.formatter(std::make_shared<CliFormatter>());
    app.get_formatter()->column_width(26);
    app.get_formatter()->label("SUBCOMMAND", "COMMAND");
    // Given twice, an option keeps its last value (scripts append overrides); commands inherit this.
    app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    app.set_help_flag("-h,--help", "show this help");
    app.set_version_flag("-V,--version", DLM_VERSION, "show the version");
    app.require_subcommand(1);
    // Unknown arguments are collected rather than thrown, so that they are reported before what they hide
    // (a misspelt --modle would otherwise be reported as a missing --model).
    app.allow_extras();
    cli::declareGenerate(app, result);
    cli::declareInfo(app, result);
    cli::declareForward(app, result);
    cli::declareBench(app, result);
    cli::declareTokenize(app, result);
    cli::declareTrain(app, result);
    cli::declareEval(app, result);
    cli::declareExport(app, result);
    for (CLI::App *command : app.get_subcommands([](CLI::App *) { return true; })) {
        command->allow_extras();
        command->group("Commands");
    }
    app.footer("`" + std::string(kProgram)
        + " COMMAND --help` lists a command's options.\n"
          "Exit status: 0 on success, 2 on bad input (options, model files, paths), 1 on an internal failure.");
}

std::string commandList(CLI::App &app)
{
    std::vector<std::string> names;
    for (CLI::App *command : app.get_subcommands([](CLI::App *) { return true; }))
        names.push_back(command->get_name());
    return cli::listOfWords(names);
}

/** An argument no command takes, or an empty string when there is none. */
std::string describeExtra(CLI::App &app)
{
    const std::vector<CLI::App *> chosen = app.get_subcommands();
    if (chosen.empty()) {
        const std::vector<std::string> extra = app.remaining();
        if (extra.empty())
            return {};
        if (startsWith(extra.front(), "-"))
            return "unknown option " + inQuotes(extra.front()) + " (commands: " + commandList(app) + ")";
        return "unknown command " + inQuotes(extra.front()) + " (expected " + commandList(app) + ")";
    }
    const CLI::App &command = *chosen.front();
    const std::vector<std::string> extra = command.remaining();
    if (extra.empty())
        return {};
    const std::string name = command.get_name();
    if (startsWith(extra.front(), "-"))
        return name + ": unknown option " + extra.front().substr(0, extra.front().find('=')) + " (see " + kProgram + " "
            + name + " --help)";
    return name + ": unexpected argument " + inQuotes(extra.front()) + " (options start with --)";
}

/** One line for a parse failure: the unknown argument first, else CLI11's message, reworded where it is terse. */
std::string describe(CLI::App &app, const CLI::ParseError &error)
{
    if (std::string extra = describeExtra(app); !extra.empty())
        return extra;
    const std::vector<CLI::App *> chosen = app.get_subcommands();
    if (chosen.empty())
        return "no command given (try " + std::string(kProgram) + " --help)";
    const CLI::App &command = *chosen.front();
    const std::string prefix = command.get_name() + ": ";
    std::string message = error.what();

    // "--model is required" -> "generate: --model DIR is required"
    if (dynamic_cast<const CLI::RequiredError *>(&error) && endsWith(message, " is required")) {
        const std::string name = message.substr(0, message.size() - std::string(" is required").size());
        if (const CLI::Option *option = command.get_option_no_throw(name))
            return prefix + name + " " + option->get_type_name() + " is required";
        return prefix + message;
    }
    if (dynamic_cast<const CLI::ArgumentMismatch *>(&error)) {
        // "show was given a disallowed flag override" -> "--show: takes no value"
        const std::string flagOverride = " was given a disallowed flag override";
        if (endsWith(message, flagOverride))
            return "--" + message.substr(0, message.size() - flagOverride.size()) + ": takes no value";
        // "--steps: 1 required N missing" -> "--steps: missing value"
        if (endsWith(message, " missing") && message.find(": ") != std::string::npos)
            return message.substr(0, message.find(": ")) + ": missing value";
    }
    if (dynamic_cast<const CLI::ExcludesError *>(&error) || dynamic_cast<const CLI::RequiresError *>(&error))
        return prefix + message;
    return message;
}

/** Whether -h or --help was given (as an option, not as another option's value). */
bool helpRequested(CLI::App &app)
{
    for (CLI::App *command : app.get_subcommands()) {
        if (command->get_help_ptr()->count() > 0)
            return true;
    }
    return app.get_help_ptr()->count() > 0;
}

} // namespace

Result<CliCommand> parseCli(const std::vector<std::string> &args)
{
    using R = Result<CliCommand>;
    if (args.empty())
        return R::failure("no command given (try " + std::string(kProgram) + " --help)");
    // `help generate` is a common spelling of `generate --help`.
    std::vector<std::string> spelled = args;
    if (args[0] == "help")
        spelled = args.size() > 1 ? std::vector<std::string> {args[1], "--help"} : std::vector<std::string> {"--help"};

    CliCommand command;
    CLI::App app("Headless front end of DLM Studio: run a masked diffusion language model (LLaDA format)\n"
                 "without a window.",
        kProgram);
    declareApp(app, command.args);
    try {
        app.parse(std::vector<std::string>(spelled.rbegin(), spelled.rend())); // CLI11 takes them reversed
        if (const std::string extra = describeExtra(app); !extra.empty())
            return R::failure(extra);
    } catch (const CLI::CallForHelp &) {
        command.args = HelpRequest {app.help()};
    } catch (const CLI::CallForVersion &) {
        command.args = VersionRequest {};
    } catch (const CLI::ParseError &e) {
        // CLI11 checks values before it looks at --help; help wins over anything wrong with the rest.
        if (helpRequested(app))
            command.args = HelpRequest {app.help()};
        else
            return R::failure(describe(app, e));
    }
    return command;
}

GenerationSettings applyCliSettings(const SettingsOverrides &o, GenerationSettings base)
{
    GenerationSettings s = applyOverrides(base, o);
    if (o.genLength) {
        // A shorter generation keeps the defaults' shape (one block, one token per step) instead of failing
        // validation with a block longer than the generation or wasting steps that commit nothing.
        if (!o.blockLength && s.blockLength > s.genLength)
            s.blockLength = s.genLength;
        if (!o.steps && s.steps > s.genLength)
            s.steps = s.genLength;
    }
    return s;
}

} // namespace dlm
