#pragma once
// Helpers the subcommands share: one-line error reporting, settings resolution and model loading. No
// LibTorch types here (LoadedModel comes from core's torch-free model_loader.h).

#include "app/cli/cli_args.h"
#include "app/cli/commands.h"
#include "core/model/model_loader.h"
#include "core/base/result.h"

#include <memory>
#include <ostream>
#include <string>

namespace dlm {

/** Prints "dlmstudio-cli: <message>" as exactly one line and returns `code`. */
int reportFailure(std::ostream &err, int code, const std::string &message);

/** Checks that `dir` is an existing directory; the message names it. */
Status checkModelDirectory(const std::string &dir);

/**
 * The settings of a run: the command's explicit options over the model's generation_config.json (when it
 * has one) over the defaults of the sampler in use (--sampler, else the family's own). Refuses an option the
 * sampler in use does not read, naming the sampler that does. Validated; the message names the setting.
 */
Result<GenerationSettings> resolveSettings(
    const std::string &modelDir, const SettingsOverrides &overrides, ModelFamily family = ModelFamily::Llada);

/** The dtype to load a model in before its settings can be resolved: --dtype, else generation_config's, else f32. */
ComputeDType loadingDType(const std::string &modelDir, const SettingsOverrides &overrides);

/**
 * Loads `dir` in `dtype` (core's loadModelDirectory); every message names the directory. With
 * `tokenizerOptional` a missing or broken tokenizer leaves LoadedModel::tokenizer null instead of failing.
 * `progress` hears every stage (cli_load_progress draws it on a terminal).
 */
Result<LoadedModel> loadModel(
    const std::string &dir, ComputeDType dtype, bool tokenizerOptional = false, const LoadProgress &progress = {});

/** Prints "dlmstudio-cli: warning: ..." for each file of `dir` that links outside it (followed anyway). */
void warnAboutModelLinks(const std::string &dir, std::ostream &err);

/** Sets the compute thread count (0 = one per core) and returns the count in effect. */
int setThreads(int threads);

/** Checks before a long run that `path` can be written: its folder exists and is writable. */
Status checkWritableFile(const std::string &path, const std::string &what);

/** The model directory's name as shown to users (the last path component, trailing slashes ignored). */
std::string modelName(const std::string &dir);

} // namespace dlm
