// `tokenize`: text -> token file, the input of train and eval.

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"

#include "core/base/file_util.h"
#include "core/model/model_config.h"
#include "core/text/sentencepiece_tokenizer.h"
#include "core/train/token_data.h"
#include "core/text/tokenizer.h"

#include <nlohmann/json.hpp>

namespace dlm {

int runTokenize(const TokenizeArgs &args, std::ostream &out, std::ostream &err)
{
    std::shared_ptr<Tokenizer> tokenizer;
    int32_t eos = -1;
    if (!args.modelDir.empty()) {
        const Status exists = checkModelDirectory(args.modelDir);
        if (!exists)
            return reportFailure(err, ExitBadInput, exists.error());
        auto loaded = loadTokenizer(args.modelDir);
        if (!loaded)
            return reportFailure(err, ExitBadInput, "--model: " + loaded.error());
        tokenizer = *loaded;
        // The model's own eos, which generation stops at, rather than whatever the tokenizer calls eos.
        auto config = loadModelConfig(joinPath(args.modelDir, "config.json"));
        if (!config)
            return reportFailure(err, ExitBadInput, "--model: " + config.error());
        eos = config->eosTokenId;
    } else {
        auto loaded = SentencePieceTokenizer::load(args.tokenizerPath);
        if (!loaded)
            return reportFailure(err, ExitBadInput, "--tokenizer: " + loaded.error());
        tokenizer = *loaded;
        eos = tokenizer->eosId();
    }
    if (args.eosId)
        eos = *args.eosId;
    const int vocab = tokenizer->vocabSize();
    if (args.appendEos && (eos < 0 || eos >= vocab))
        return reportFailure(err, ExitBadInput,
            "--append-eos-per-line: no usable eos id (" + std::to_string(eos) + "); give one with --eos-id N below "
                + std::to_string(vocab));
    const Status writable = checkWritableFile(args.outPath, "the token file");
    if (!writable)
        return reportFailure(err, ExitBadInput, "--out: " + writable.error());

    auto encoded = encodeTextFile(*tokenizer, args.textPath, args.appendEos ? eos : -1);
    if (!encoded)
        return reportFailure(err, ExitBadInput, "--text: " + encoded.error());
    if (encoded->ids.empty())
        return reportFailure(err, ExitBadInput, "--text: " + args.textPath + " encodes to no tokens");
    const Status written = writeTokenData(args.outPath, encoded->ids, static_cast<uint32_t>(vocab));
    if (!written)
        return reportFailure(err, ExitBadInput, "--out: " + written.error());

    nlohmann::ordered_json j;
    j["text"] = args.textPath;
    j["out"] = args.outPath;
    j["lines"] = encoded->lines;
    j["tokens"] = encoded->ids.size();
    j["unknown_tokens"] = encoded->unknownTokens;
    j["vocab_size"] = vocab;
    j["eos_id"] = args.appendEos ? nlohmann::ordered_json(eos) : nlohmann::ordered_json();
    out << j.dump(2) << '\n';
    return ExitOk;
}

} // namespace dlm
