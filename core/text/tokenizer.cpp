#include "core/text/tokenizer.h"

#include "core/base/file_util.h"
#include "core/text/hf_vocab_merges.h"
#include "core/text/sentencepiece_tokenizer.h"

#include <sys/stat.h>

namespace dlm {

Result<std::shared_ptr<Tokenizer>> loadTokenizer(const std::string &modelDir)
{
    using R = Result<std::shared_ptr<Tokenizer>>;
    struct stat st
    {
    };
    if (::stat(modelDir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        return R::failure(modelDir
            + ": model directory not found (looking for tokenizer.json, vocab.json + "
              "merges.txt or tokenizer.model)");

    // tokenizer.json first: it is what the Hugging Face libraries read, and a directory that also ships a
    // tokenizer.model or vocab.json keeps those only for older code.
    const std::string jsonPath = joinPath(modelDir, "tokenizer.json");
    if (fileExists(jsonPath)) {
        auto tokenizer = HfTokenizer::loadFile(jsonPath);
        if (!tokenizer)
            return R::failure(tokenizer.error());
        return std::shared_ptr<Tokenizer>(std::move(*tokenizer));
    }
    if (fileExists(joinPath(modelDir, "vocab.json")) && fileExists(joinPath(modelDir, "merges.txt"))) {
        auto tokenizer = loadVocabMergesTokenizer(modelDir);
        if (!tokenizer)
            return R::failure(tokenizer.error());
        return std::shared_ptr<Tokenizer>(std::move(*tokenizer));
    }
    const std::string spmPath = joinPath(modelDir, "tokenizer.model");
    if (fileExists(spmPath)) {
        auto tokenizer = SentencePieceTokenizer::load(spmPath);
        if (!tokenizer)
            return R::failure(tokenizer.error());
        return std::shared_ptr<Tokenizer>(std::move(*tokenizer));
    }

    return R::failure(modelDir
        + ": no tokenizer found; expected tokenizer.json (Hugging Face), vocab.json + "
          "merges.txt (GPT-2, Qwen2) or tokenizer.model (sentencepiece)");
}

} // namespace dlm
