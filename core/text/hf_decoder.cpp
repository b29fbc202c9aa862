#include "core/text/hf_decoder.h"

#include "core/text/byte_level.h"
#include "core/text/hf_json.h"
#include "core/text/hf_normalizer.h"
#include "core/text/pcre_regex.h"
#include "core/text/piece_text.h"
#include "core/base/utf8.h"

namespace dlm {

namespace {

constexpr const char *kReplacementChar = "\xEF\xBF\xBD";

std::vector<std::string> decodeByteLevel(std::vector<std::string> tokens)
{
    // All bytes are joined before they are read as UTF-8, so a character cut across tokens comes out whole.
    std::string bytes, tokenBytes;
    for (const std::string &token : tokens)
        bytes += fromByteLevel(token, tokenBytes) ? tokenBytes : token;
    return {utf8Lossy(bytes)};
}

std::vector<std::string> decodeByteFallback(std::vector<std::string> tokens)
{
    std::vector<std::string> out;
    std::string pending;
    size_t pendingCount = 0;
    const auto flush = [&] {
        if (pendingCount == 0)
            return;
        if (isValidUtf8(pending)) {
            out.push_back(pending);
        } else {
            for (size_t k = 0; k < pendingCount; ++k)
                out.push_back(kReplacementChar);
        }
        pending.clear();
        pendingCount = 0;
    };
    for (std::string &token : tokens) {
        const int byte = pieceByte(token);
        if (byte >= 0) {
            pending += static_cast<char>(byte);
            ++pendingCount;
        } else {
            flush();
            out.push_back(std::move(token));
        }
    }
    flush();
    return out;
}

HfDecoder makeMetaspace(const nlohmann::json &j, const std::string &path)
{
    const std::string replacement = hfStringOr(j, path, "replacement", "\xE2\x96\x81");
    std::string scheme = hfStringOr(j, path, "prepend_scheme", "");
    if (scheme.empty())
        scheme = hfBoolOr(j, path, "add_prefix_space", true) ? "always" : "never";
    const bool dropFirst = scheme != "never";
    return [replacement, dropFirst](std::vector<std::string> tokens) {
        for (size_t i = 0; i < tokens.size(); ++i) {
            std::string out;
            const std::string &token = tokens[i];
            for (size_t at = 0; at < token.size();) {
                if (token.compare(at, replacement.size(), replacement) == 0) {
                    // The first token's replacement characters are the prefix the pre-tokenizer added.
                    if (!(i == 0 && dropFirst))
                        out += ' ';
                    at += replacement.size();
                } else {
                    out += token[at++];
                }
            }
            tokens[i] = std::move(out);
        }
        return tokens;
    };
}

HfDecoder makeStrip(const nlohmann::json &j, const std::string &path)
{
    const std::string content = hfString(j, path, "content");
    const long long start = hfIntOr(j, path, "start", 0), stop = hfIntOr(j, path, "stop", 0);
    return [content, start, stop](std::vector<std::string> tokens) {
        for (std::string &token : tokens) {
            size_t begin = 0, end = token.size();
            for (long long k = 0; k < start && token.compare(begin, content.size(), content) == 0 && begin < end; ++k)
                begin += content.size();
            for (long long k = 0; k < stop && end >= begin + content.size()
                 && token.compare(end - content.size(), content.size(), content) == 0;
                 ++k)
                end -= content.size();
            token = token.substr(begin, end - begin);
        }
        return tokens;
    };
}

HfDecoder makeSequence(const nlohmann::json &j, const std::string &path)
{
    const nlohmann::json &list = hfArray(j, path, "decoders");
    std::vector<HfDecoder> stages;
    for (size_t i = 0; i < list.size(); ++i) {
        HfDecoder stage = makeHfDecoder(list[i], hfPath(path, "decoders") + "[" + std::to_string(i) + "]");
        if (stage)
            stages.push_back(std::move(stage));
    }
    return [stages](std::vector<std::string> tokens) {
        for (const HfDecoder &stage : stages)
            tokens = stage(std::move(tokens));
        return tokens;
    };
}

} // namespace

HfDecoder makeHfDecoder(const nlohmann::json &j, const std::string &path)
{
    if (j.is_null())
        return {};
    const std::string type = hfString(j, path, "type");
    if (type == "ByteLevel")
        return decodeByteLevel;
    if (type == "ByteFallback")
        return decodeByteFallback;
    if (type == "Metaspace")
        return makeMetaspace(j, path);
    if (type == "Strip")
        return makeStrip(j, path);
    if (type == "Sequence")
        return makeSequence(j, path);
    if (type == "Fuse") {
        return [](std::vector<std::string> tokens) {
            std::string joined;
            for (const std::string &token : tokens)
                joined += token;
            return std::vector<std::string> {joined};
        };
    }
    if (type == "Replace") {
        const PcreRegex pattern = makeHfPattern(hfRequire(j, path, "pattern"), hfPath(path, "pattern"));
        const std::string content = hfString(j, path, "content");
        return [pattern, content](std::vector<std::string> tokens) {
            for (std::string &token : tokens)
                token = pattern.replaceAll(token, content);
            return tokens;
        };
    }
    if (type == "BPEDecoder") {
        const std::string suffix = hfStringOr(j, path, "suffix", "</w>");
        return [suffix](std::vector<std::string> tokens) {
            for (size_t i = 0; i < tokens.size(); ++i) {
                std::string &token = tokens[i];
                for (size_t at = token.find(suffix); at != std::string::npos; at = token.find(suffix, at))
                    token.replace(at, suffix.size(), i + 1 == tokens.size() ? "" : " ");
            }
            return tokens;
        };
    }
    hfFail(hfPath(path, "type"), "decoder type '" + type + "' is not supported");
}

} // namespace dlm
