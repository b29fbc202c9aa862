// `tokenize`: text -> token file (the input of train and eval), text -> ids and pieces, ids -> text.

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"

#include "core/base/file_util.h"
#include "core/base/json_reader.h"
#include "core/model/model_config.h"
#include "core/text/hf_tokenizer.h"
#include "core/text/sentencepiece_tokenizer.h"
#include "core/text/tokenizer.h"
#include "core/train/token_data.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdlib>
#include <sstream>
#include <sys/stat.h>

namespace dlm {

namespace {

using TokenizerResult = Result<std::shared_ptr<Tokenizer>>;

bool endsWith(const std::string &s, const std::string &suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/** --tokenizer PATH: a directory (as a model directory is read), a tokenizer.json, or a sentencepiece model. */
TokenizerResult openTokenizerPath(const std::string &path)
{
    struct stat st
    {
    };
    if (::stat(path.c_str(), &st) != 0)
        return TokenizerResult::failure(path + ": no such file or directory");
    if (S_ISDIR(st.st_mode))
        return loadTokenizer(path);
    if (endsWith(path, ".json")) {
        auto hf = HfTokenizer::loadFile(path);
        if (!hf)
            return TokenizerResult::failure(hf.error());
        return std::shared_ptr<Tokenizer>(std::move(*hf));
    }
    auto spm = SentencePieceTokenizer::load(path);
    if (!spm)
        return TokenizerResult::failure(spm.error());
    return std::shared_ptr<Tokenizer>(std::move(*spm));
}

/**
 * Ids from a file: a JSON array of integers or integers separated by whitespace. Ids past the vocabulary
 * are allowed where the tokenizer has a name for them ("<unused N>"), since a model's head can be larger.
 */
Result<std::vector<int32_t>> readIds(const std::string &path, const Tokenizer &tokenizer)
{
    using R = Result<std::vector<int32_t>>;
    auto text = readTextFile(path);
    if (!text)
        return R::failure(text.error());
    std::vector<int32_t> ids;
    const size_t first = text->find_first_not_of(" \t\r\n");
    if (first != std::string::npos && (*text)[first] == '[') {
        auto json = parseJson(*text, path);
        if (!json)
            return R::failure(json.error());
        JsonReader reader(path);
        for (size_t i = 0; i < json->size(); ++i) {
            int32_t id = 0;
            if (!reader.toInt(json->at(i), JsonReader::child(JsonReader::root(), i), &id, 0))
                return R::failure(reader.error());
            ids.push_back(id);
        }
    } else {
        std::istringstream words(*text);
        std::string word;
        for (size_t i = 1; words >> word; ++i) {
            char *end = nullptr;
            errno = 0;
            const long long v = std::strtoll(word.c_str(), &end, 10);
            if (*end != '\0' || errno != 0 || v < 0 || v > INT32_MAX || word[0] == '+' || word[0] == '-')
                return R::failure(path + ": id " + std::to_string(i) + " (\"" + word.substr(0, 40)
                    + "\") is not a non-negative integer; expected a JSON array or whitespace-separated ids");
            ids.push_back(static_cast<int32_t>(v));
        }
    }
    for (size_t i = 0; i < ids.size(); ++i) {
        if (ids[i] >= tokenizer.vocabSize() && tokenizer.piece(ids[i]).empty())
            return R::failure(path + ": id " + std::to_string(ids[i]) + " (number " + std::to_string(i + 1)
                + ") is past the tokenizer's " + std::to_string(tokenizer.vocabSize()) + " tokens");
    }
    return ids;
}

int printIdsAndPieces(const Tokenizer &tokenizer, const std::string &textPath, std::ostream &out, std::ostream &err)
{
    auto text = readTextFile(textPath);
    if (!text)
        return reportFailure(err, ExitBadInput, "--text: " + text.error());
    if (!isValidUtf8(*text))
        return reportFailure(err, ExitBadInput, "--text: " + textPath + " is not valid UTF-8");
    const std::vector<int32_t> ids = tokenizer.encode(*text);
    nlohmann::ordered_json j;
    j["ids"] = ids;
    j["pieces"] = nlohmann::ordered_json::array();
    for (int32_t id : ids)
        j["pieces"].push_back(tokenizer.piece(id));
    // Pieces are the vocabulary's spelling and may hold a lone byte; replace such bytes rather than throw.
    out << j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
    return ExitOk;
}

int printDecoded(const Tokenizer &tokenizer, const std::string &idsPath, std::ostream &out, std::ostream &err)
{
    auto ids = readIds(idsPath, tokenizer);
    if (!ids)
        return reportFailure(err, ExitBadInput, "--decode: " + ids.error());
    out << tokenizer.decode(*ids);
    return ExitOk;
}

int writeTokenFile(
    const TokenizeArgs &args, const Tokenizer &tokenizer, int32_t eos, std::ostream &out, std::ostream &err)
{
    if (args.eosId)
        eos = *args.eosId;
    const int vocab = tokenizer.vocabSize();
    if (args.appendEos && (eos < 0 || eos >= vocab))
        return reportFailure(err, ExitBadInput,
            "--append-eos-per-line: no usable eos id (" + std::to_string(eos) + "); give one with --eos-id N below "
                + std::to_string(vocab));
    const Status writable = checkWritableFile(args.outPath, "the token file");
    if (!writable)
        return reportFailure(err, ExitBadInput, "--out: " + writable.error());

    auto encoded = encodeTextFile(tokenizer, args.textPath, args.appendEos ? eos : -1);
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

} // namespace

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
        if (!args.outPath.empty()) {
            // The model's own eos, which generation stops at, rather than whatever the tokenizer calls eos.
            auto config = loadModelConfig(joinPath(args.modelDir, "config.json"));
            if (!config)
                return reportFailure(err, ExitBadInput, "--model: " + config.error());
            eos = config->eosTokenId;
        }
    } else {
        auto loaded = openTokenizerPath(args.tokenizerPath);
        if (!loaded)
            return reportFailure(err, ExitBadInput, "--tokenizer: " + loaded.error());
        tokenizer = *loaded;
        eos = tokenizer->eosId();
    }
    if (!args.decodePath.empty())
        return printDecoded(*tokenizer, args.decodePath, out, err);
    if (args.json)
        return printIdsAndPieces(*tokenizer, args.textPath, out, err);
    return writeTokenFile(args, *tokenizer, eos, out, err);
}

} // namespace dlm
