#pragma once
// Conversations for the commands that use a model's chat template (template, generate --chat): read from a
// messages file or made from one prompt, and rendered with the template of a model directory.

#include "core/base/result.h"
#include "core/text/chat_template.h"

#include <string>
#include <vector>

namespace dlm {

/**
 * Reads a messages file: a JSON array of {"role": "...", "content": "..."} objects (other keys are ignored).
 * The message names the file and the JSON path of what is wrong.
 */
Result<std::vector<ChatMessage>> readChatMessages(const std::string &path);

/**
 * Renders `messages` with `modelDir`'s chat template as transformers' apply_chat_template(tokenize=False)
 * does. Fails naming the file when the model has no template or it does not render.
 */
Result<std::string> renderChat(
    const std::string &modelDir, const std::vector<ChatMessage> &messages, bool addGenerationPrompt);

} // namespace dlm
