#include "core/text/added_vocabulary.h"

#include "core/text/unicode_props.h"
#include "core/base/utf8.h"

namespace dlm {

namespace {

/** The code point that ends just before `pos`. */
char32_t charBefore(const std::string &text, size_t pos)
{
    size_t start = pos - 1;
    while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80)
        --start;
    return utf8Decode(text, start);
}

size_t previousCharStart(const std::string &text, size_t pos)
{
    size_t start = pos - 1;
    while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80)
        --start;
    return start;
}

} // namespace

void AddedVocabulary::add(const AddedToken &token, const std::string &matchedContent)
{
    if (matchedContent.empty())
        return;
    m_tokens.push_back(token);
    Trie &trie = token.normalized ? m_normalized : m_raw;
    trie.firstByte[static_cast<unsigned char>(matchedContent[0])] = true;
    int node = 0;
    for (char c : matchedContent) {
        const unsigned char b = static_cast<unsigned char>(c);
        const auto it = trie.nodes[node].next.find(b);
        if (it != trie.nodes[node].next.end()) {
            node = it->second;
        } else {
            trie.nodes.emplace_back();
            const int created = static_cast<int>(trie.nodes.size()) - 1;
            trie.nodes[node].next[b] = created;
            node = created;
        }
    }
    // A later entry with the same content replaces the earlier one, as a later key does in tokenizers.
    trie.nodes[node].token = static_cast<int>(m_tokens.size()) - 1;
}

std::pair<int, size_t> AddedVocabulary::longestAt(const Trie &trie, const std::string &text, size_t pos) const
{
    std::pair<int, size_t> best {-1, 0};
    int node = 0;
    for (size_t i = pos; i < text.size(); ++i) {
        const auto it = trie.nodes[node].next.find(static_cast<unsigned char>(text[i]));
        if (it == trie.nodes[node].next.end())
            break;
        node = it->second;
        if (trie.nodes[node].token >= 0)
            best = {trie.nodes[node].token, i + 1 - pos};
    }
    return best;
}

std::vector<TextSegment> AddedVocabulary::split(const std::string &text, bool normalizedPass) const
{
    const Trie &trie = normalizedPass ? m_normalized : m_raw;
    std::vector<TextSegment> out;
    size_t plainStart = 0; // where the pending plain text begins
    size_t pos = 0;
    while (pos < text.size()) {
        if (!trie.firstByte[static_cast<unsigned char>(text[pos])]) {
            ++pos;
            continue;
        }
        const auto [index, length] = longestAt(trie, text, pos);
        if (index < 0) {
            ++pos;
            continue;
        }
        const AddedToken &token = m_tokens[index];
        size_t start = pos, stop = pos + length;
        if (token.singleWord
            && ((start > 0 && isUnicodeWordChar(charBefore(text, start)))
                || (stop < text.size() && isUnicodeWordChar(utf8Decode(text, stop))))) {
            pos += utf8CharLength(text, pos);
            continue;
        }
        if (token.lstrip)
            while (start > plainStart && isUnicodeWhitespace(charBefore(text, start)))
                start = previousCharStart(text, start);
        if (token.rstrip)
            while (stop < text.size() && isUnicodeWhitespace(utf8Decode(text, stop)))
                stop += utf8CharLength(text, stop);
        if (start > plainStart)
            out.push_back({text.substr(plainStart, start - plainStart), -1, plainStart});
        out.push_back({token.content, token.id, start});
        plainStart = pos = stop;
    }
    if (plainStart < text.size())
        out.push_back({text.substr(plainStart), -1, plainStart});
    return out;
}

} // namespace dlm
