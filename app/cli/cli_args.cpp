// parseCli: the program's CLI11 app (the commands are declared in cli_*_args.cpp), and one wording for
// every way a command line can be wrong.

#include "app/cli/cli_args.h"

#include "app/cli/cli_declare.h"
#include "app/cli/cli_help_formatter.h"
#include "app/cli/cli_options.h"

#include <CLI/CLI.hpp>

namespace dlm {

namespace {

const char *const kProgram = "dlmstudio-cli";

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
    app.formatter(std::make_shared<cli::HelpFormatter>());
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
    cli::declareTemplate(app, result);
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
    std::vector<std::string> extra = command.remaining();
    if (extra.empty()) // e.g. positionals after "--", which CLI11 hands back to the program
        extra = app.remaining();
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
