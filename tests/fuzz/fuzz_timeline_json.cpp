// Fuzzes the timeline file; an accepted timeline must survive being written and read again unchanged.
#include "core/timeline/timeline_json.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace dlm;
    const std::string text(reinterpret_cast<const char *>(data), size);
    auto timeline = timelineFromJson(text, "run.json");
    if (!timeline) {
        fuzz::checkMessage(timeline.error());
        return 0;
    }
    const std::string written = timelineToJson(*timeline);
    auto again = timelineFromJson(written, "written.json");
    fuzz::check(again.ok(), "a timeline written from an accepted one is refused", again.ok() ? "" : again.error());
    fuzz::check(timelineToJson(*again) == written, "timeline changed when written and read again");
    return 0;
}
