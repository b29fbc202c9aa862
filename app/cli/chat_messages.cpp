#include "app/cli/chat_messages.h"

#include "core/base/file_util.h"
#include "core/base/json_reader.h"

namespace dlm {

Result<std::vector<ChatMessage>> readChatMessages(const std::string &path)
{
    using Messages = Result<std::vector<ChatMessage>>;
    auto text = readTextFile(path);
    if (!text)
        return Messages::failure(text.error());
    auto json = parseJson(*text, path);
    if (!json)
        return Messages::failure(json.error());
    JsonReader reader(path);
    const std::string root = JsonReader::root();
    if (!reader.expectArray(*json, root))
        return Messages::failure(reader.error() + " (expected [{\"role\": ..., \"content\": ...}, ...])");
    std::vector<ChatMessage> messages;
    for (size_t i = 0; i < json->size(); ++i) {
        const Json &entry = (*json)[i];
        const std::string at = JsonReader::child(root, i);
        ChatMessage m;
        if (!reader.expectObject(entry, at) || !reader.readString(entry, at, "role", &m.role, Need::Required)
            || !reader.readString(entry, at, "content", &m.content, Need::Required))
            return Messages::failure(reader.error());
        messages.push_back(std::move(m));
    }
    if (messages.empty())
        return Messages::failure(path + ": " + root + ": no messages");
    return messages;
}

Result<std::string> renderChat(
    const std::string &modelDir, const std::vector<ChatMessage> &messages, bool addGenerationPrompt)
{
    auto chat = ChatTemplate::fromModelDirectory(modelDir);
    if (!chat)
        return Result<std::string>::failure(chat.error());
    // The render's message already starts with the template's origin (file and field) and names its line.
    return chat->render(messages, addGenerationPrompt);
}

} // namespace dlm
