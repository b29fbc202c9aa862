#include "core/text/tokenizer.h"

#include "core/base/file_util.h"
#include "core/text/sentencepiece_tokenizer.h"

#include <sys/stat.h>

namespace dlm {

Result<std::shared_ptr<Tokenizer>> loadTokenizer(const std::string &modelDir)
{
    using R = Result<std::shared_ptr<Tokenizer>>;
    struct stat st {};
    if (::stat(modelDir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        return R::failure(modelDir + ": model directory not found (looking for tokenizer.model or "
                                     "tokenizer.json)");

    const std::string spmPath = joinPath(modelDir, "tokenizer.model");
    if (fileExists(spmPath)) {
        auto tokenizer = SentencePieceTokenizer::load(spmPath);
        if (!tokenizer)
            return R::failure(tokenizer.error());
        return std::shared_ptr<Tokenizer>(std::move(*tokenizer));
    }

    // Checked second: directories that ship both (many LLaMA-family models do) work through sentencepiece.
    const std::string hfPath = joinPath(modelDir, "tokenizer.json");
    if (fileExists(hfPath))
        return R::failure(hfPath + ": Hugging Face tokenizer.json is not supported yet in this build; "
                                   "the model directory needs a sentencepiece tokenizer.model");

    return R::failure(modelDir + ": no tokenizer found; expected tokenizer.model (sentencepiece) or "
                                 "tokenizer.json (Hugging Face)");
}

} // namespace dlm
