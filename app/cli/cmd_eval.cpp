// `eval`: how well a model predicts a text, as JSON (see evaluator.h for the estimators).

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"

#include "core/train/evaluator.h"
#include "core/train/token_data.h"
#include "core/text/tokenizer.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace dlm {

namespace {

using json = nlohmann::ordered_json;

json number(double v)
{
    return std::isfinite(v) ? json(v) : json(nullptr);
}

} // namespace

int runEval(const EvalArgs &args, std::ostream &out, std::ostream &err)
{
    setThreads(args.threads);
    // Token files need no tokenizer.
    auto loaded = loadModel(args.modelDir, ComputeDType::F32, !args.idsPath.empty());
    if (!loaded)
        return reportFailure(err, ExitBadInput, loaded.error());
    const ModelConfig &config = loaded->config;

    std::vector<int32_t> ids;
    std::string source;
    if (!args.idsPath.empty()) {
        auto data = readTokenData(args.idsPath);
        if (!data)
            return reportFailure(err, ExitBadInput, "--ids: " + data.error());
        if (static_cast<int>(data->vocabSize) > config.vocabSize)
            return reportFailure(err, ExitBadInput,
                "--ids: " + args.idsPath + " was tokenised with a vocabulary of " + std::to_string(data->vocabSize)
                    + ", larger than the model's " + std::to_string(config.vocabSize));
        ids = std::move(data->ids);
        source = args.idsPath;
    } else {
        if (args.appendEos && config.eosTokenId < 0)
            return reportFailure(
                err, ExitBadInput, "--append-eos-per-line: the model's config.json has no eos_token_id");
        auto encoded = encodeTextFile(*loaded->tokenizer, args.textPath, args.appendEos ? config.eosTokenId : -1);
        if (!encoded)
            return reportFailure(err, ExitBadInput, "--text: " + encoded.error());
        ids = std::move(encoded->ids);
        source = args.textPath;
    }
    if (ids.empty())
        return reportFailure(err, ExitBadInput, source + ": no tokens to evaluate");

    auto report = evaluateModel(*loaded->model, ids, args.options);
    if (!report)
        return reportFailure(err, ExitBadInput, report.error());
    const EvalReport &r = *report;

    json masked = json::array();
    for (const MaskedCrossEntropy &m : r.masked) {
        masked.push_back(
            {{"ratio", m.ratio}, {"masked_per_window", m.maskedPerWindow}, {"masked_tokens", m.maskedTokens},
                {"ce", number(m.crossEntropy)}, {"perplexity", number(std::exp(m.crossEntropy))}});
    }
    json j;
    j["model"] = modelName(args.modelDir);
    j["source"] = source;
    j["tokens"] = r.textTokens;
    j["seq_len"] = r.seqLen;
    j["windows"] = r.windows;
    j["evaluated_tokens"] = r.evaluatedTokens;
    j["seed"] = args.options.seed;
    j["masked_ce"] = masked;
    j["elbo"] = {{"mc_samples", r.mcSamples}, {"samples", r.elboSamples}, {"nll_bound", number(r.elboNll)},
        {"nll_stderr", number(r.elboStdErr)}, {"perplexity_bound", number(r.elboPerplexity)},
        {"perplexity_bound_2se",
            {number(std::exp(r.elboNll - 2 * r.elboStdErr)), number(std::exp(r.elboNll + 2 * r.elboStdErr))}}};
    j["unigram"]
        = {{"nll", number(r.unigramNll)}, {"perplexity", number(r.unigramPerplexity)}, {"vocab_size", r.vocabSize}};
    out << j.dump(2) << '\n';
    return ExitOk;
}

} // namespace dlm
