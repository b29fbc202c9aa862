#pragma once
// The normalizer stage of a Hugging Face tokenizer.json: NFC, NFD, NFKC, NFKD, Lowercase, Strip, Replace,
// Prepend and Sequence. It rewrites each stretch of text between added tokens before it is split into words.

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace dlm {

/** A normalizer: text in, normalized text out. */
using HfNormalizer = std::function<std::string(const std::string &)>;

/**
 * Builds the normalizer described by `j` (the "normalizer" object at JSON path `path`); an empty function for
 * null. Throws HfFormatError naming the path for an unknown or unsupported type or a bad field.
 */
HfNormalizer makeHfNormalizer(const nlohmann::json &j, const std::string &path);

/** The "pattern" of Replace and Split: {"String": s} or {"Regex": r}, compiled to a regex either way. */
class PcreRegex;
PcreRegex makeHfPattern(const nlohmann::json &j, const std::string &path);

} // namespace dlm
