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

int main(int argc, char **argv)
{
    std::ios::sync_with_stdio(false);
    const std::vector<std::string> args(argv + 1, argv + argc);
    auto parsed = dlm::parseCli(args);
    if (!parsed)
        return dlm::reportFailure(std::cerr, dlm::ExitBadInput, parsed.error());

    dlm::CliCommand command = *parsed;
    // Before any computing: libgomp reads its wait policy when it is loaded, so this may re-execute the
    // program (parsing has no side effects). Commands that never compute skip the cost of a second start.
    using K = dlm::CliCommandKind;
    if (command.helpText.empty()
        && (command.kind == K::Generate || command.kind == K::Forward || command.kind == K::Bench
            || command.kind == K::Eval || command.kind == K::Train))
        dlm::prepareComputeEnvironment(argv);
    const char *term = std::getenv("TERM");
    command.stdoutIsTerminal = isatty(STDOUT_FILENO) && !(term && std::strcmp(term, "dumb") == 0);
    winsize ws {};
    if (command.stdoutIsTerminal && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        command.terminalWidth = ws.ws_col;

    // LibTorch starts with a single thread on small machines; use the requested count (0 = one per core)
    // before any model is loaded.
    if (command.kind == dlm::CliCommandKind::Generate || command.kind == dlm::CliCommandKind::Forward
        || command.kind == dlm::CliCommandKind::Bench) {
        try {
            if (command.helpText.empty())
                dlm::setThreads(command.overrides.threads.value_or(0));
        } catch (const std::exception &e) {
            return dlm::reportFailure(std::cerr, dlm::ExitInternal, std::string("cannot set threads: ") + e.what());
        }
    }

    const int code = dlm::runCommand(command, std::cout, std::cerr);
    std::cout.flush();
    return code;
}
