#pragma once
// Where a model directory's special token ids come from. Published checkpoints spread them over several
// files (LLaDA-MoE's config.json has no mask id; Dream's eos is in generation_config.json), so they are
// looked up in the order the reference code trusts them, and `info` can say which file gave each.

#include "core/base/result.h"
#include "core/model/model_config.h"

#include <cstdint>
#include <string>

namespace dlm {

class Tokenizer;

/** One special id and the file (or rule) it came from; id -1 and an empty `from` when nothing gives it. */
struct SpecialId
{
    int32_t id = -1;
    std::string from;
};

/** The special ids of a model directory. */
struct SpecialIds
{
    SpecialId mask;
    SpecialId eos;
    SpecialId bos;
    SpecialId pad;
};

/** The mask pieces looked up by name, in order, when no file gives the mask id. */
inline constexpr const char *kMaskPieceNames[] = {"<|mdm_mask|>", "<|mask|>", "[MASK]"};

/**
 * Resolves each id from, in order: `config` (config.json), generation_config.json, tokenizer_config.json
 * (`mask_token`, `eos_token`, ... as a string or {"content": ...}, turned into an id by `tokenizer`), and for
 * the mask the pieces of kMaskPieceNames. A list of eos ids gives its first. Fails naming the file and JSON
 * path when a file is malformed or an id is outside the model's `embedding_size` rows.
 */
Result<SpecialIds> resolveSpecialIds(const std::string &dir, const ModelConfig &config, const Tokenizer &tokenizer);

/**
 * `config` with mask, eos, bos and pad set to `ids` (-1 where nothing gave one): the config the engine runs
 * with. The loader and `info` both go through it, so what `info` shows is what a session uses.
 */
ModelConfig withSpecialIds(ModelConfig config, const SpecialIds &ids);

} // namespace dlm
