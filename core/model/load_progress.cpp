#include "core/model/load_progress.h"

#include <algorithm>
#include <cstdio>

namespace dlm {

const char *const kLoadCancelled = "loading cancelled";

bool isLoadCancelled(const std::string &error)
{
    return error == kLoadCancelled;
}

const char *loadStageName(LoadStage stage)
{
    switch (stage) {
    case LoadStage::Tokenizer:
        return "reading the tokenizer";
    case LoadStage::Config:
        return "reading config.json";
    case LoadStage::Mapping:
        return "mapping weights";
    case LoadStage::Checking:
        return "checking tensors";
    case LoadStage::Weights:
        return "assigning weights";
    case LoadStage::ReadAhead:
        return "reading weights into memory";
    }
    return "loading";
}

namespace {

std::string amount(uint64_t n, const char *unit)
{
    char text[64];
    if (std::string(unit) == "bytes")
        std::snprintf(text, sizeof text, "%.1f", static_cast<double>(n) / 1e9);
    else
        std::snprintf(text, sizeof text, "%llu", static_cast<unsigned long long>(n));
    return text;
}

} // namespace

std::string describeLoadProgress(const LoadProgressInfo &info)
{
    std::string line = loadStageName(info.stage);
    if (info.total > 0) {
        const bool bytes = std::string(info.unit) == "bytes";
        line += ": " + amount(info.done, info.unit) + " / " + amount(info.total, info.unit) + " "
            + (bytes ? "GB" : info.unit);
    }
    if (!info.detail.empty())
        line += " (" + info.detail + ")";
    return line;
}

LoadReporter::LoadReporter(LoadProgress progress)
    : m_progress(std::move(progress))
{
}

double LoadReporter::fractionOf(LoadStage stage, uint64_t done, uint64_t total) const
{
    // Stage shares measured on LLaDA-8B's layout: the tokenizer, config, mapping and checks take well under a
    // second together; the bulk stage (conversion or read-ahead) takes the rest.
    const double inStage = total > 0 ? std::min(1.0, static_cast<double>(done) / static_cast<double>(total)) : 0.0;
    const bool weightsBulk = m_bulk == LoadStage::Weights;
    switch (stage) {
    case LoadStage::Tokenizer:
        return 0.00 + 0.04 * inStage;
    case LoadStage::Config:
        return 0.04;
    case LoadStage::Mapping:
        return 0.05 + 0.03 * inStage;
    case LoadStage::Checking:
        return 0.08 + 0.02 * inStage;
    case LoadStage::Weights:
        return weightsBulk ? 0.10 + 0.90 * inStage : 0.10 + 0.05 * inStage;
    case LoadStage::ReadAhead:
        return 0.15 + 0.85 * inStage;
    }
    return 0.0;
}

bool LoadReporter::report(LoadStage stage, uint64_t done, uint64_t total, const char *unit, const std::string &detail)
{
    if (m_cancelled)
        return false;
    if (!m_progress)
        return true;
    LoadProgressInfo info;
    info.stage = stage;
    info.done = done;
    info.total = total;
    info.unit = unit;
    info.detail = detail;
    m_lastFraction = std::max(m_lastFraction, fractionOf(stage, done, total));
    info.fraction = m_lastFraction;
    m_cancelled = !m_progress(info);
    return !m_cancelled;
}

} // namespace dlm
