#include "core/session/session.h"
#include "core/session/session_impl.h"

#include <string>

// "Run again with…": a second run from the same prompt and seed, kept as a branch of the same timeline so
// the two can be compared record by record. No tensors here.

namespace dlm {

Status Session::runAgainWith(const GenerationSettings &requested)
{
    GenerationSettings settings = requested;
    // The same prompt and seed: only the sampler's knobs change, so any difference is theirs.
    settings.seed = m_timeline.settings.seed;
    const Status valid = validateSettings(settings);
    if (!valid)
        return valid;
    if (settings.genLength != m_timeline.settings.genLength)
        return Status::failure("gen length " + std::to_string(settings.genLength) + " differs from this run's "
            + std::to_string(m_timeline.settings.genLength)
            + "; a run again shares the first canvas, so its length must stay (start a new session instead)");
    const int id = m_timeline.fork(m_branch, 0);
    Branch &b = m_timeline.branchForLoading(id);
    if (settings != m_timeline.settings)
        b.settings = std::make_shared<const GenerationSettings>(settings);
    else
        b.settings.reset();
    b.label = "run again " + std::to_string(id);
    m_branch = id;
    m_index = 0;
    return {};
}

} // namespace dlm
