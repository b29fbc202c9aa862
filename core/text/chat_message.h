#pragma once
// One turn of a conversation, shared by the chat template that renders it and the timeline that records it.

#include <string>

namespace dlm {

/** One turn of a conversation. */
struct ChatMessage
{
    std::string role; // "system", "user", "assistant", ...
    std::string content;

    bool operator==(const ChatMessage &other) const { return role == other.role && content == other.content; }
};

} // namespace dlm
