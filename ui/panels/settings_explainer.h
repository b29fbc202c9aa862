#pragma once
// Settings in words for the Generation panel: why a combination cannot run, what the model allows, and how
// the schedule will spread the work. Pure functions of their inputs, so they are tested without a window.

#include "core/sampling/generation_settings.h"

#include <QString>

namespace dlm {

/** What the loaded model (and the prompt on it) allows; zero or negative fields mean "not known". */
struct ModelLimits
{
    int maxSequenceLength = 0; ///< the model's max_sequence_length; 0 = no model
    int promptTokens = -1; ///< the prompt's length in tokens; -1 = no tokenizer to count it
};

/**
 * Empty when the settings can run, else one sentence naming the setting and the reason: validateSettings()'s
 * message first, then what only the model knows (prompt + gen length against max_sequence_length).
 */
QString settingsProblem(const GenerationSettings &settings, const ModelLimits &limits);

/** The model's limit as the user sees it, e.g. "Context: 256 positions for prompt + gen length"; empty with no model.
 */
QString limitsSummary(const ModelLimits &limits, int genLength);

/**
 * How valid settings will run: blocks, steps per block, tokens committed per step, and where the values do not
 * divide (which LLaDA's generate.py would reject) how the remainder is spread. Empty for invalid settings.
 */
QString scheduleSummary(const GenerationSettings &settings);

} // namespace dlm
