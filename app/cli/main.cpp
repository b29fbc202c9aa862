// dlmstudio-cli: the headless front end. Everything testable lives in the dlmcli library; this file only
// connects it to the process: arguments, the terminal, exit status.

#include "app/cli/cli_args.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "core/base/compute_environment.h"

#include <cstdlib>
#include <cstring>
#include <iostream>

#include <sys/ioctl.h>
#include <unistd.h>

namespace {

dlm::TerminalInfo stdoutTerminal()
{
    dlm::TerminalInfo terminal;
    const char *term = std::getenv("TERM");
    terminal.stdoutIsTerminal = isatty(STDOUT_FILENO) && !(term && std::strcmp(term, "dumb") == 0);
    winsize ws {};
    if (terminal.stdoutIsTerminal && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        terminal.width = ws.ws_col;
    return terminal;
}

/** Commands that run a model or train one: they need the engine's OpenMP policy. */
bool computes(const dlm::CliArgs &args)
{
    return std::holds_alternative<dlm::GenerateArgs>(args) || std::holds_alternative<dlm::ForwardArgs>(args) ||
           std::holds_alternative<dlm::BenchArgs>(args) || std::holds_alternative<dlm::EvalArgs>(args) ||
           std::holds_alternative<dlm::TrainArgs>(args);
}

} // namespace

int main(int argc, char **argv)
{
    std::ios::sync_with_stdio(false);
    auto parsed = dlm::parseCli(std::vector<std::string>(argv + 1, argv + argc));
    if (!parsed)
        return dlm::reportFailure(std::cerr, dlm::ExitBadInput, parsed.error());
    dlm::CliCommand command = std::move(*parsed);
    // Before any computing: libgomp reads its wait policy when it is loaded, so this may re-execute the
    // program (parsing has no side effects). Commands that never compute skip the cost of a second start.
    if (computes(command.args))
        dlm::prepareComputeEnvironment(argv);
    command.terminal = stdoutTerminal();
    const int code = dlm::runCommand(command, std::cout, std::cerr);
    std::cout.flush();
    return code;
}
