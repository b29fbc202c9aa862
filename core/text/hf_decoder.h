#pragma once
// The decoder stage of a Hugging Face tokenizer.json: token strings back to text. ByteLevel, Metaspace,
// ByteFallback, Fuse, Strip, Replace, BPEDecoder and Sequence are supported.

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace dlm {

/** A decoder: a list of token strings to a (usually shorter) list, joined afterwards. */
using HfDecoder = std::function<std::vector<std::string>(std::vector<std::string>)>;

/** Builds the decoder at JSON path `path`; an empty function for null. Throws HfFormatError. */
HfDecoder makeHfDecoder(const nlohmann::json &j, const std::string &path);

} // namespace dlm
