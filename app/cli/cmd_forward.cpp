// `forward`: one forward pass over given tokens, printed as JSON, for checking a model against a reference
// implementation position by position.

#include "app/cli/cli_common.h"
#include "app/cli/cli_load_progress.h"
#include "app/cli/commands.h"

#include "core/model/logits_model.h"
#include "core/text/prompt.h"
#include "core/text/tokenizer.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace dlm {

namespace {

using json = nlohmann::json;

/** A float as the shortest decimal that reads back to the same float, so JSON is not padded with noise. */
json floatJson(float v)
{
    if (!std::isfinite(v))
        return nullptr;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(v));
    for (int digits = 6; digits < 9; ++digits) {
        char shorter[32];
        std::snprintf(shorter, sizeof shorter, "%.*g", digits, static_cast<double>(v));
        if (std::strtof(shorter, nullptr) == v)
            return std::strtod(shorter, nullptr);
    }
    return std::strtod(buf, nullptr);
}

/** The ids to run: --prompt encoded, or --ids checked against the vocabulary; either within the context length. */
Result<std::vector<int32_t>> inputIds(const ForwardArgs &args, const ModelConfig &config, const Tokenizer *tok)
{
    using R = Result<std::vector<int32_t>>;
    std::vector<int32_t> ids;
    if (args.prompt) {
        const int32_t maskId = config.maskTokenId;
        auto encoded = encodePrompt(*tok, *args.prompt, maskId, maskId >= 0 ? tok->piece(maskId) : "");
        if (!encoded)
            return R::failure("--prompt: " + encoded.error());
        ids = *encoded;
        if (ids.empty())
            return R::failure("--prompt: the text encodes to no tokens");
    } else {
        ids = *args.ids;
        for (size_t i = 0; i < ids.size(); ++i) {
            if (ids[i] >= config.vocabSize)
                return R::failure("--ids: id " + std::to_string(ids[i]) + " at position " + std::to_string(i)
                    + " is outside the vocabulary (0.." + std::to_string(config.vocabSize - 1) + ")");
        }
    }
    if (config.maxSequenceLength > 0 && static_cast<int>(ids.size()) > config.maxSequenceLength)
        return R::failure(std::to_string(ids.size()) + " tokens exceed the model's max_sequence_length of "
            + std::to_string(config.maxSequenceLength));
    return ids;
}

/** Per position: its token and the k most likely tokens there, with logit and probability. */
json positionsJson(const at::Tensor &logits, const std::vector<int32_t> &ids, int topK, const Tokenizer *tok)
{
    const at::Tensor probs = at::softmax(logits, 1);
    const int k = std::min<int>(topK, static_cast<int>(logits.size(1)));
    const auto top = at::topk(logits, k, 1);
    const at::Tensor topLogits = std::get<0>(top).contiguous();
    const at::Tensor topIds = std::get<1>(top).contiguous();

    const auto pieceOf = [&](int32_t id) { return tok ? tok->piece(id) : std::string(); };
    json positions = json::array();
    const auto pp = probs.accessor<float, 2>();
    const auto tl = topLogits.accessor<float, 2>();
    const auto ti = topIds.accessor<int64_t, 2>();
    for (size_t i = 0; i < ids.size(); ++i) {
        json alternatives = json::array();
        for (int j = 0; j < k; ++j) {
            const auto id = static_cast<int32_t>(ti[i][j]);
            alternatives.push_back(
                {{"id", id}, {"piece", pieceOf(id)}, {"logit", floatJson(tl[i][j])}, {"prob", floatJson(pp[i][id])}});
        }
        positions.push_back({{"position", static_cast<int>(i)}, {"token", ids[i]}, {"piece", pieceOf(ids[i])},
            {"top_k", alternatives}});
    }
    return positions;
}

json logitsJson(const at::Tensor &logits)
{
    const auto lp = logits.accessor<float, 2>();
    json rows = json::array();
    for (int64_t i = 0; i < logits.size(0); ++i) {
        json row = json::array();
        for (int64_t v = 0; v < logits.size(1); ++v)
            row.push_back(floatJson(lp[i][v]));
        rows.push_back(std::move(row));
    }
    return rows;
}

} // namespace

int runForward(const ForwardArgs &args, std::ostream &out, std::ostream &err)
{
    // Before loading: LibTorch starts with a single thread on small machines.
    setThreads(args.threads);
    // Ids alone need no tokenizer; pieces are then left empty.
    warnAboutModelLinks(args.modelDir, err);
    LoadProgressLine loadLine(err, isTerminalStderr(err));
    auto loaded = loadModel(args.modelDir, args.dtype, args.ids.has_value(), loadLine.callback());
    loadLine.finish();
    if (!loaded)
        return reportFailure(err, ExitBadInput, loaded.error());
    LogitsModel &model = *loaded->model;
    const Tokenizer *tok = loaded->tokenizer.get();
    const ModelConfig &config = model.config();
    const auto ids = inputIds(args, config, tok);
    if (!ids)
        return reportFailure(err, ExitBadInput, ids.error());

    std::vector<int64_t> ids64(ids->begin(), ids->end());
    const at::Tensor input = at::from_blob(ids64.data(), {1, static_cast<int64_t>(ids64.size())}, at::kLong).clone();
    at::Tensor logits = model.logits(input)[0].to(at::kFloat).contiguous();
    // The head may have padding rows past the vocabulary (embedding_size > vocab_size): they are no tokens.
    if (logits.size(1) > config.vocabSize)
        logits = logits.narrow(1, 0, config.vocabSize).contiguous();

    json result;
    result["model"] = model.name();
    result["dtype"] = dtypeName(args.dtype);
    result["ids"] = *ids;
    result["positions"] = positionsJson(logits, *ids, args.topK, tok);
    if (args.fullLogits)
        result["logits"] = logitsJson(logits);
    // Full logits are large: keep them on one line; the rest is meant to be read.
    out << result.dump(args.fullLogits ? -1 : 2, ' ', false, json::error_handler_t::replace) << '\n';
    return ExitOk;
}

} // namespace dlm
