// Fuzzes the token-file format (magic, vocabulary size, little-endian u32 ids).
#include "core/train/token_data.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace dlm;
    auto tokens = parseTokenData(std::string_view(reinterpret_cast<const char *>(data), size), "ids.bin");
    if (!tokens) {
        fuzz::checkMessage(tokens.error());
        return 0;
    }
    fuzz::check(tokens->vocabSize > 0 && tokens->vocabSize <= uint32_t(INT32_MAX), "vocabulary size out of range");
    fuzz::check(tokens->ids.size() == (size - kTokenDataHeaderSize) / 4, "ids lost or invented");
    for (int32_t id : tokens->ids)
        fuzz::check(id >= 0 && uint32_t(id) < tokens->vocabSize, "id outside the vocabulary accepted");
    return 0;
}
