// Fuzzes tokenizer.model as far as our code goes: the plugin's load path (a file, since sentencepiece loads
// from a path) and, when sentencepiece accepts the model, encoding and decoding through the plugin's C API.
#include "core/text/sentencepiece_tokenizer.h"
#include "fuzz_support.h"

#include <fstream>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace dlm;
    // One file per process, rewritten for every input (libFuzzer's -fork/-jobs run separate processes).
    static const std::string path = [] {
        const char *dir = std::getenv("TMPDIR");
        return std::string(dir && *dir ? dir : "/tmp") + "/dlm-fuzz-spm-" + std::to_string(::getpid()) + ".model";
    }();
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char *>(data), std::streamsize(size));
        if (!out)
            fuzz::fail("cannot write the model file", path);
    }
    auto tokenizer = SentencePieceTokenizer::load(path);
    if (!tokenizer) {
        fuzz::checkMessage(tokenizer.error());
        return 0;
    }
    fuzz::exerciseTokenizer(**tokenizer, "hello world");
    return 0;
}
