// The commands that check a model's text handling without running it: template.

#include "app/cli/cli_declare.h"
#include "app/cli/cli_options.h"

#include <memory>

namespace dlm::cli {

void declareTemplate(CLI::App &app, CliArgs &result)
{
    auto a = std::make_shared<TemplateArgs>();
    CLI::App *sub = app.add_subcommand("template",
        "print a conversation rendered with the model's chat template\n\n"
        "Renders the messages with the model directory's chat template (chat_template.jinja, else\n"
        "tokenizer_config.json's chat_template) as transformers' apply_chat_template(tokenize=False) does and\n"
        "prints the prompt exactly, without a newline added.");
    addModelDir(*sub, a->modelDir)->required();
    addPath(*sub, "--messages", a->messagesPath, "FILE",
        "JSON array of {\"role\": \"system|user|assistant\", \"content\": \"...\"}")
        ->required();
    auto noPromptFlag = std::make_shared<bool>(false); // outlives parsing, like `a`
    addFlag(*sub, "--no-generation-prompt", *noPromptFlag, "leave out the assistant header that asks for a reply");
    sub->final_callback([a, noPromptFlag, &result] {
        a->generationPrompt = !*noPromptFlag;
        result = std::move(*a);
    });
}

} // namespace dlm::cli
