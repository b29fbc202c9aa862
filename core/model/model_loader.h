#pragma once
// Loading a whole model directory (weights, tokenizer, generation defaults) behind a header without
// LibTorch types, so Qt code and the CLI can load models without including ATen.

#include "core/sampling/generation_settings.h"
#include "core/model/load_progress.h"
#include "core/model/model_config.h"
#include "core/model/model_family.h"
#include "core/model/read_ahead.h"
#include "core/model/special_ids.h"
#include "core/base/result.h"

#include <functional>
#include <memory>
#include <string>

namespace dlm {

class LogitsModel;
class Tokenizer;

/** A model directory, loaded. */
struct LoadedModel
{
    std::string dir;
    ModelFamily family = ModelFamily::Llada; ///< from config.json's architectures, then model_type
    std::shared_ptr<LogitsModel> model;
    std::shared_ptr<Tokenizer> tokenizer;
    ModelConfig config; ///< mask, eos, bos and pad filled in from specialIds where config.json leaves them out
    SpecialIds specialIds; ///< each special id with the file it came from
    std::string storageDType; ///< dtype of the weights on disk ("F32", "BF16", ...)
    int64_t parameterCount = 0;
};

/**
 * Loads config.json, the weights (memory-mapped) and the tokenizer of `dir`, with the model class of the
 * family config.json names (LLaDA; Dream and LLaDA-MoE share the decoder model), then reads the mapped
 * weights into memory (`readAhead`) so the first step does not wait for the disk. Reports every stage to
 * `progress`; when it returns false the load stops within one report and fails with kLoadCancelled,
 * having freed and unmapped everything it made.
 */
Result<LoadedModel> loadModelDirectory(const std::string &dir, ComputeDType dtype = ComputeDType::F32,
    const LoadProgress &progress = {}, ReadAhead readAhead = ReadAhead::SkipResident);
/** The weights alone, without a tokenizer (special ids only as config.json gives them): `forward --ids`. */
Result<LoadedModel> loadModelWeights(const std::string &dir, ComputeDType dtype = ComputeDType::F32,
    const LoadProgress &progress = {}, ReadAhead readAhead = ReadAhead::SkipResident);

} // namespace dlm
