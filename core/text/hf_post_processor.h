#pragma once
// The post-processor stage of a Hugging Face tokenizer.json: the special tokens put around an encoded text
// when they are asked for (TemplateProcessing's "<s> $A", RobertaProcessing, BertProcessing; ByteLevel only
// moves offsets, which this engine does not keep).

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace dlm {

/** A post-processor for one sequence: its ids in, the ids with the special tokens out. */
using HfPostProcessor = std::function<std::vector<int32_t>(const std::vector<int32_t> &)>;

/**
 * Builds the post-processor at JSON path `path`; an empty function for null or one that adds nothing.
 * Throws HfFormatError.
 */
HfPostProcessor makeHfPostProcessor(const nlohmann::json &j, const std::string &path);

} // namespace dlm
