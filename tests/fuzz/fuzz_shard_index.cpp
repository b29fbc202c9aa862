// Fuzzes model.safetensors.index.json, whose shard names must never leave the model directory.
#include "core/model/safetensors.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace dlm;
    const std::string text(reinterpret_cast<const char *>(data), size);
    auto map = parseShardIndex(text, "model.safetensors.index.json");
    if (!map) {
        fuzz::checkMessage(map.error());
        return 0;
    }
    fuzz::check(!map->empty(), "empty weight map accepted");
    for (const auto &[tensor, shard] : *map)
        fuzz::check(!shard.empty() && shard.find('/') == std::string::npos && shard.find("..") == std::string::npos,
            "shard name that leaves the directory accepted", shard);
    return 0;
}
