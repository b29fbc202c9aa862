// Fuzzes generation_config.json; accepted settings must survive being written and read again.
#include "core/sampling/generation_config.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace dlm;
    const std::string text(reinterpret_cast<const char *>(data), size);
    auto settings = parseGenerationConfig(text, "generation_config.json", GenerationSettings());
    if (!settings) {
        fuzz::checkMessage(settings.error());
        return 0;
    }
    const std::string written = settingsToJsonText(*settings);
    auto again = settingsFromJsonText(written, "settings");
    fuzz::check(again.ok(), "settings written from accepted ones are refused", again.ok() ? written : again.error());
    fuzz::check(settingsToJsonText(*again) == written, "settings changed when written and read again", written);
    return 0;
}
