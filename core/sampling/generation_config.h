#pragma once
// Where generation settings come from besides the defaults: a model's generation_config.json, settings
// stored as JSON (timelines, presets), and the command line. Precedence, lowest first:
//   GenerationSettings defaults -> generation_config.json -> command-line overrides.
// This header is free of nlohmann so that Qt code may include it; the JSON-object API is in settings_json.h.

#include "core/sampling/generation_settings.h"
#include "core/base/result.h"

#include <cstdint>
#include <optional>
#include <string>

namespace dlm {

/**
 * Reads `generation_config.json` from a model directory. Only the keys present override `base`; unknown keys
 * (Hugging Face's own, such as "bos_token_id") are ignored. An absent file returns `base` unchanged. When
 * `base.sampler` is Dream the file is read with Dream's keys and meanings (steps, temperature, top_p, top_k as
 * the filtering k, alg, alg_temp, max_new_tokens as the generation length, eps; null keeps the default). The
 * result is not validated: command-line overrides may still fix it, so callers validate the final settings.
 */
Result<GenerationSettings> loadGenerationConfig(const std::string &modelDir, const GenerationSettings &base);

/** loadGenerationConfig() on text already read; `path` starts every message. */
Result<GenerationSettings> parseGenerationConfig(
    const std::string &text, const std::string &path, const GenerationSettings &base);

/** The settings as a JSON object text with snake_case keys (the same keys generation_config.json uses). */
std::string settingsToJsonText(const GenerationSettings &settings);
/** Parses settings JSON text; absent keys keep their defaults. `where` (a file name) starts every message. */
Result<GenerationSettings> settingsFromJsonText(const std::string &text, const std::string &where);

/** Settings a user set explicitly (the CLI's flags); unset fields leave the underlying settings alone. */
struct SettingsOverrides
{
    std::optional<int> genLength;
    std::optional<int> steps;
    std::optional<int> blockLength;
    std::optional<double> temperature;
    std::optional<ConfidenceMeasure> measure;
    std::optional<double> threshold; ///< setting tau also turns threshold decoding on
    std::optional<bool> useThreshold; ///< applied after `threshold`, so false can switch it off again
    std::optional<double> cfgScale;
    std::optional<uint64_t> seed;
    std::optional<int> topK;
    std::optional<ComputeDType> dtype;
    std::optional<int> threads;
    std::optional<CacheMode> cache;
    std::optional<LaterBlocks> laterBlocks;
    std::optional<SamplerKind> sampler;
    std::optional<DreamAlg> alg;
    std::optional<double> algTemp;
    std::optional<double> topP;
    std::optional<int> sampleTopK;
    std::optional<double> eps;

    bool empty() const;
};

/** `settings` with every set override applied. Does not validate: call validateSettings on the result. */
GenerationSettings applyOverrides(GenerationSettings settings, const SettingsOverrides &overrides);

} // namespace dlm
