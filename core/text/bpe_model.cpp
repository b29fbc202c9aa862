#include "core/text/bpe_model.h"

#include <algorithm>

#include "core/text/hf_json.h"
#include "core/base/utf8.h"

#include <cstdio>
#include <queue>

namespace dlm {

namespace {

constexpr size_t kCacheLimit = 200000; // entries; the cache is cleared when it grows past this
constexpr size_t kCachedWordLimit = 256; // bytes; longer words are rare and not worth keeping

uint64_t pairKey(int32_t left, int32_t right)
{
    return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right);
}

/** A merge: "a b" (older files) or ["a", "b"] (newer ones). */
std::pair<std::string, std::string> parseMerge(const nlohmann::json &merge, const std::string &path)
{
    if (merge.is_string()) {
        const std::string line = merge.get<std::string>();
        const size_t space = line.find(' ');
        if (space == std::string::npos || space == 0 || space + 1 >= line.size())
            hfFail(path, "expected \"left right\", got \"" + line + "\"");
        return {line.substr(0, space), line.substr(space + 1)};
    }
    if (merge.is_array() && merge.size() == 2 && merge[0].is_string() && merge[1].is_string())
        return {merge[0].get<std::string>(), merge[1].get<std::string>()};
    hfFail(path, "expected \"left right\" or [\"left\", \"right\"]");
}

} // namespace

BpeModel::BpeModel(const nlohmann::json &model, const std::string &path)
{
    const std::string type = hfStringOr(model, path, "type", "BPE");
    if (type != "BPE")
        hfFail(hfPath(path, "type"), "model type '" + type + "' is not supported (only BPE is)");
    const nlohmann::json &vocab = hfRequire(model, path, "vocab");
    if (!vocab.is_object())
        hfFail(hfPath(path, "vocab"), "expected an object of token: id");
    // The table below is indexed by id, so a vocabulary whose ids run far past its size (a corrupt file) is
    // refused before it is allocated; real vocabularies are dense, and test fixtures put a few special tokens
    // at their published ids (LLaDA: 126,336 and up) over a small vocabulary.
    int64_t largest = -1;
    for (const auto &[token, id] : vocab.items())
        largest = std::max<int64_t>(largest, hfId(id, hfPath(path, "vocab") + "." + token));
    const int64_t allowed = 2 * static_cast<int64_t>(vocab.size()) + (int64_t(1) << 20);
    if (largest >= allowed)
        hfFail(hfPath(path, "vocab"), "ids run to " + std::to_string(largest) + " for " + std::to_string(vocab.size())
                + " tokens (more than twice the size plus 1048576): not a vocabulary");
    m_tokens.resize(static_cast<size_t>(largest + 1));
    m_hasToken.resize(static_cast<size_t>(largest + 1), false);
    for (const auto &[token, id] : vocab.items()) {
        const int32_t value = hfId(id, hfPath(path, "vocab") + "." + token);
        m_vocab[token] = value;
        m_tokens[value] = token;
        m_hasToken[value] = true;
    }
    m_unkToken = hfStringOr(model, path, "unk_token", "");
    m_unkId = m_unkToken.empty() ? -1 : tokenToId(m_unkToken);
    if (!m_unkToken.empty() && m_unkId < 0)
        hfFail(hfPath(path, "unk_token"), "'" + m_unkToken + "' is not in the vocabulary");
    m_prefix = hfStringOr(model, path, "continuing_subword_prefix", "");
    m_suffix = hfStringOr(model, path, "end_of_word_suffix", "");
    m_byteFallback = hfBoolOr(model, path, "byte_fallback", false);
    m_ignoreMerges = hfBoolOr(model, path, "ignore_merges", false);
    m_fuseUnk = hfBoolOr(model, path, "fuse_unk", false);
    for (int b = 0; b < 256; ++b) {
        char name[8];
        std::snprintf(name, sizeof name, "<0x%02X>", b);
        m_byteIds[b] = tokenToId(name);
    }

    const nlohmann::json &merges = hfArray(model, path, "merges");
    const std::string mergesPath = hfPath(path, "merges");
    // Real tokenizers have a few hundred thousand merges at most; refuse before reserving the table.
    constexpr size_t kMaxMerges = 2000000;
    if (merges.size() > kMaxMerges)
        hfFail(mergesPath,
            "has " + std::to_string(merges.size()) + " merges, more than the limit of " + std::to_string(kMaxMerges));
    m_merges.reserve(merges.size());
    for (size_t rank = 0; rank < merges.size(); ++rank) {
        const std::string where = mergesPath + "[" + std::to_string(rank) + "]";
        const auto [left, right] = parseMerge(merges[rank], where);
        const int32_t leftId = tokenToId(left), rightId = tokenToId(right);
        if (leftId < 0 || rightId < 0)
            hfFail(where, "'" + (leftId < 0 ? left : right) + "' is not in the vocabulary");
        // With a continuing-subword prefix ("##"), the right part loses it when merged.
        const std::string merged = left + right.substr(std::min(m_prefix.size(), right.size()));
        const int32_t mergedId = tokenToId(merged);
        if (mergedId < 0)
            hfFail(where, "the merged token '" + merged + "' is not in the vocabulary");
        m_merges.emplace(pairKey(leftId, rightId), std::make_pair(static_cast<int32_t>(rank), mergedId));
    }
}

int32_t BpeModel::tokenToId(const std::string &token) const
{
    const auto it = m_vocab.find(token);
    return it == m_vocab.end() ? -1 : it->second;
}

const std::string *BpeModel::idToToken(int32_t id) const
{
    if (id < 0 || static_cast<size_t>(id) >= m_tokens.size() || !m_hasToken[id])
        return nullptr;
    return &m_tokens[id];
}

void BpeModel::encodeWord(const std::string &word, std::vector<int32_t> &out) const
{
    if (word.empty())
        return;
    if (m_ignoreMerges) {
        const int32_t whole = tokenToId(word);
        if (whole >= 0) {
            out.push_back(whole);
            return;
        }
    }
    const bool cacheable = word.size() <= kCachedWordLimit;
    if (cacheable) {
        std::lock_guard<std::mutex> lock(m_cacheMutex);
        const auto it = m_cache.find(word);
        if (it != m_cache.end()) {
            out.insert(out.end(), it->second.begin(), it->second.end());
            return;
        }
    }

    // One symbol per character; characters the vocabulary lacks become byte tokens or the unknown token.
    std::vector<int32_t> symbols;
    bool previousUnk = false;
    std::string piece;
    for (size_t i = 0; i < word.size();) {
        const size_t length = utf8CharLength(word, i);
        const bool last = i + length >= word.size();
        piece.clear();
        if (i > 0)
            piece += m_prefix;
        piece.append(word, i, length);
        if (last)
            piece += m_suffix;
        const int32_t id = tokenToId(piece);
        bool unknown = id < 0;
        if (!unknown) {
            symbols.push_back(id);
        } else if (m_byteFallback) {
            bool allBytes = true;
            for (size_t k = i; k < i + length; ++k)
                allBytes = allBytes && m_byteIds[static_cast<unsigned char>(word[k])] >= 0;
            if (allBytes) {
                for (size_t k = i; k < i + length; ++k)
                    symbols.push_back(m_byteIds[static_cast<unsigned char>(word[k])]);
                unknown = false;
            }
        }
        if (unknown && m_unkId >= 0 && !(m_fuseUnk && previousUnk))
            symbols.push_back(m_unkId);
        previousUnk = unknown && m_unkId >= 0;
        i += length;
    }
    mergeSymbols(symbols);

    out.insert(out.end(), symbols.begin(), symbols.end());
    if (cacheable) {
        std::lock_guard<std::mutex> lock(m_cacheMutex);
        if (m_cache.size() >= kCacheLimit)
            m_cache.clear();
        m_cache.emplace(word, std::move(symbols));
    }
}

void BpeModel::mergeSymbols(std::vector<int32_t> &symbols) const
{
    const int n = static_cast<int>(symbols.size());
    if (n < 2)
        return;
    // A doubly linked list over the symbols and a queue of candidate merges, lowest rank first and leftmost
    // among equals, as the tokenizers library does; stale entries are skipped when popped.
    std::vector<int> prev(n), next(n);
    std::vector<bool> alive(n, true);
    for (int i = 0; i < n; ++i) {
        prev[i] = i - 1;
        next[i] = i + 1 < n ? i + 1 : -1;
    }
    struct Candidate
    {
        int32_t rank;
        int pos;
        int32_t mergedId;
        bool operator>(const Candidate &o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
    };
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> queue;
    const auto consider = [&](int pos) {
        if (pos < 0 || next[pos] < 0)
            return;
        const auto it = m_merges.find(pairKey(symbols[pos], symbols[next[pos]]));
        if (it != m_merges.end())
            queue.push({it->second.first, pos, it->second.second});
    };
    for (int i = 0; i + 1 < n; ++i)
        consider(i);
    while (!queue.empty()) {
        const Candidate top = queue.top();
        queue.pop();
        if (!alive[top.pos] || next[top.pos] < 0)
            continue;
        const int right = next[top.pos];
        const auto it = m_merges.find(pairKey(symbols[top.pos], symbols[right]));
        if (it == m_merges.end() || it->second.second != top.mergedId)
            continue;
        symbols[top.pos] = top.mergedId;
        alive[right] = false;
        next[top.pos] = next[right];
        if (next[right] >= 0)
            prev[next[right]] = top.pos;
        consider(prev[top.pos]);
        consider(top.pos);
    }
    int kept = 0;
    for (int i = 0; i < n; ++i)
        if (alive[i])
            symbols[kept++] = symbols[i];
    symbols.resize(kept);
}

} // namespace dlm
