// Fuzzes config.json through the public parser; an accepted config must survive being written and read again.
#include "core/model/model_config.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace dlm;
    const std::string text(reinterpret_cast<const char *>(data), size);
    auto config = parseModelConfig(text, "config.json");
    if (!config) {
        fuzz::checkMessage(config.error());
        return 0;
    }
    config->parameterCount();
    config->headDim();
    auto again = parseModelConfig(modelConfigToJson(*config), "config.json");
    fuzz::check(again.ok(), "a config written from an accepted one is refused", again.ok() ? "" : again.error());
    fuzz::check(again->dModel == config->dModel && again->nLayers == config->nLayers
            && again->vocabSize == config->vocabSize && again->maskTokenId == config->maskTokenId,
        "config changed when written and read again");
    return 0;
}
