#pragma once
// TrainConfig from a JSON object inside a larger document (the train state file embeds one). Internal to
// core: only .cpp files include it, because it pulls in nlohmann/json.

#include "core/base/json_reader.h"
#include "core/train/train_config.h"

#include <string>

namespace dlm {

/** Overrides the fields of `*config` whose keys the object at `path` holds; problems go to `reader`. */
bool readTrainConfigJson(const Json &object, const std::string &path, JsonReader &reader, TrainConfig *config);

} // namespace dlm
