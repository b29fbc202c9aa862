// `template`: a conversation rendered with the model's chat template, to check what the model will be fed.

#include "app/cli/chat_messages.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"

namespace dlm {

int runTemplate(const TemplateArgs &args, std::ostream &out, std::ostream &err)
{
    const Status exists = checkModelDirectory(args.modelDir);
    if (!exists)
        return reportFailure(err, ExitBadInput, exists.error());
    auto messages = readChatMessages(args.messagesPath);
    if (!messages)
        return reportFailure(err, ExitBadInput, "--messages: " + messages.error());
    auto rendered = renderChat(args.modelDir, *messages, args.generationPrompt);
    if (!rendered)
        return reportFailure(err, ExitBadInput, "--model: " + rendered.error());
    // Exactly the prompt: no newline added, so `template ... | xxd` shows what the model sees.
    out << *rendered;
    return ExitOk;
}

} // namespace dlm
