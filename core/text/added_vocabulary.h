#pragma once
// The added tokens of a Hugging Face tokenizer.json (<|im_start|>, <|mdm_mask|>, ...): they are found in the
// text before the model sees it, longest match first, and never split into pieces.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace dlm {

/** One entry of tokenizer.json's "added_tokens". */
struct AddedToken
{
    std::string content;
    int32_t id = -1;
    bool special = false;
    bool normalized = false; ///< matched in the normalized text rather than the raw one
    bool lstrip = false; ///< swallows the whitespace before it
    bool rstrip = false; ///< swallows the whitespace after it
    bool singleWord = false; ///< only where no letter or digit touches it
};

/** A stretch of text: either an added token (`id` >= 0) or plain text for the model (`id` == -1). */
struct TextSegment
{
    std::string text;
    int32_t id = -1;
    size_t offset = 0; ///< byte offset in the text that was split
};

/** Finds added tokens in text. Thread-safe for concurrent const calls. */
class AddedVocabulary
{
public:
    /** Adds a token; `matchedContent` is what is looked for (the content normalized, for normalized tokens). */
    void add(const AddedToken &token, const std::string &matchedContent);

    /** Cuts `text` at every match of the tokens added with `normalized` equal to `normalizedPass`. */
    std::vector<TextSegment> split(const std::string &text, bool normalizedPass) const;

    bool empty() const { return m_tokens.empty(); }

private:
    struct Node
    {
        std::unordered_map<unsigned char, int> next;
        int token = -1; // index into m_tokens of the token ending here
    };
    struct Trie
    {
        std::vector<Node> nodes {Node()};
        bool firstByte[256] = {};
    };
    /** The longest token starting at `pos`, as (index into m_tokens, length); (-1, 0) when none. */
    std::pair<int, size_t> longestAt(const Trie &trie, const std::string &text, size_t pos) const;

    std::vector<AddedToken> m_tokens;
    Trie m_raw;
    Trie m_normalized;
};

} // namespace dlm
