#pragma once
// GenerationSettings <-> nlohmann::json. Internal to core: only .cpp files include this header, so the GUI
// never compiles nlohmann (generation_config.h offers the same through JSON text).
//
// Keys: gen_length, steps, block_length, temperature, remasking (measure name), threshold (tau, or null when
// threshold decoding is off), cfg_scale, seed, top_k, dtype, threads, cache (written only when not "none"),
// later_blocks ("skip", written only then; absent means "record").
// When threshold decoding is off the writer also stores the idle tau as "threshold_tau", so switching it back
// on after a reload restores it. Dream runs add sampler ("dream"; absent = "llada"), alg, alg_temp, top_p,
// sample_top_k and eps.

#include "core/sampling/generation_settings.h"
#include "core/base/json_reader.h"
#include "core/base/result.h"

#include <string>

namespace dlm {

Json settingsToJson(const GenerationSettings &settings);

/** Settings from a JSON object; absent keys keep their defaults, unknown keys are ignored. */
Result<GenerationSettings> settingsFromJson(const Json &object, const std::string &where);

/**
 * Overrides the fields of `*settings` whose keys are present in the object at `path` (JsonReader::root()
 * for a whole document); problems are reported through `reader`. Used by generation_config.json and the timeline
 * reader.
 */
bool applySettingsJson(const Json &object, const std::string &path, JsonReader &reader, GenerationSettings *settings);

} // namespace dlm
