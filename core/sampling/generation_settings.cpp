#include "core/sampling/generation_settings.h"

#include <cmath>

namespace dlm {

const char *measureName(ConfidenceMeasure measure)
{
    switch (measure) {
    case ConfidenceMeasure::LowConfidence: return "low_confidence";
    case ConfidenceMeasure::Random: return "random";
    case ConfidenceMeasure::Margin: return "margin";
    case ConfidenceMeasure::Entropy: return "entropy";
    }
    return "low_confidence";
}

Result<ConfidenceMeasure> parseMeasure(const std::string &name)
{
    for (auto m : {ConfidenceMeasure::LowConfidence, ConfidenceMeasure::Random, ConfidenceMeasure::Margin,
                   ConfidenceMeasure::Entropy}) {
        if (name == measureName(m))
            return m;
    }
    return Result<ConfidenceMeasure>::failure("unknown remasking measure '" + name +
                                              "' (expected low_confidence, random, margin or entropy)");
}

const char *dtypeName(ComputeDType dtype)
{
    return dtype == ComputeDType::BF16 ? "bf16" : "f32";
}

Result<ComputeDType> parseComputeDType(const std::string &name)
{
    if (name == "f32" || name == "float32")
        return ComputeDType::F32;
    if (name == "bf16" || name == "bfloat16")
        return ComputeDType::BF16;
    return Result<ComputeDType>::failure("unknown dtype '" + name + "' (expected f32 or bf16)");
}

const char *laterBlocksName(LaterBlocks later)
{
    return later == LaterBlocks::Skip ? "skip" : "record";
}

Result<LaterBlocks> parseLaterBlocks(const std::string &name)
{
    if (name == "record")
        return LaterBlocks::Record;
    if (name == "skip")
        return LaterBlocks::Skip;
    return Result<LaterBlocks>::failure("unknown later-blocks value '" + name + "' (expected record or skip)");
}

bool GenerationSettings::operator==(const GenerationSettings &o) const
{
    return genLength == o.genLength && steps == o.steps && blockLength == o.blockLength &&
           temperature == o.temperature && measure == o.measure && useThreshold == o.useThreshold &&
           threshold == o.threshold && cfgScale == o.cfgScale && seed == o.seed && topK == o.topK &&
           dtype == o.dtype && threads == o.threads && cache == o.cache && sampler == o.sampler && alg == o.alg &&
           algTemp == o.algTemp && topP == o.topP && sampleTopK == o.sampleTopK && eps == o.eps &&
           laterBlocks == o.laterBlocks;
}

GenerationSettings dreamDefaults()
{
    GenerationSettings s;
    s.sampler = SamplerKind::Dream;
    s.steps = 512;
    s.blockLength = s.genLength;
    return s;
}

namespace {

// What only Dream's sampler reads, and what only LLaDA's does when Dream's runs.
Status validateDream(const GenerationSettings &s)
{
    if (s.steps < 1 || s.steps > 1000000)
        return Status::failure("steps must be between 1 and 1000000, got " + std::to_string(s.steps));
    if (!std::isfinite(s.eps) || s.eps < 0 || s.eps >= 1)
        return Status::failure("eps must be a number in [0, 1) (the time grid runs from 1 down to eps)");
    if (!std::isfinite(s.algTemp) || s.algTemp < 0)
        return Status::failure("alg-temp must be a finite number >= 0");
    if (!std::isfinite(s.topP) || s.topP <= 0 || s.topP > 1)
        return Status::failure("top-p must be in (0, 1] (1 = no nucleus filtering)");
    if (s.sampleTopK < 0)
        return Status::failure("sample-top-k must be >= 0 (0 = no top-k filtering), got "
            + std::to_string(s.sampleTopK));
    if (s.useThreshold)
        return Status::failure("threshold decoding applies to LLaDA's sampler, not Dream's");
    if (s.cfgScale != 0.0)
        return Status::failure("cfg scale applies to LLaDA's sampler, not Dream's");
    return {};
}

} // namespace

Status validateSettings(const GenerationSettings &s)
{
    if (s.genLength < 1 || s.genLength > 65536)
        return Status::failure("gen-length must be between 1 and 65536, got " + std::to_string(s.genLength));
    if (s.sampler == SamplerKind::Dream) {
        Status dream = validateDream(s);
        if (!dream)
            return dream;
    }
    if (s.sampler == SamplerKind::Llada) { // Dream's runs are one block over the generation
        if (s.blockLength < 1)
            return Status::failure("block-length must be at least 1, got " + std::to_string(s.blockLength));
        if (s.blockLength > s.genLength)
            return Status::failure("block-length (" + std::to_string(s.blockLength) +
                                   ") cannot exceed gen-length (" + std::to_string(s.genLength) + ")");
        const int blocks = (s.genLength + s.blockLength - 1) / s.blockLength;
        if (!s.useThreshold && s.steps < blocks)
            return Status::failure("steps (" + std::to_string(s.steps) +
                                   ") must be at least the number of blocks (" + std::to_string(blocks) +
                                   " = ceil(gen-length / block-length))");
    }
    if (!s.useThreshold && s.steps > 1000000)
        return Status::failure("steps must be at most 1000000, got " + std::to_string(s.steps));
    if (!std::isfinite(s.temperature) || s.temperature < 0)
        return Status::failure("temperature must be a finite number >= 0");
    if (s.useThreshold && !std::isfinite(s.threshold))
        return Status::failure("threshold must be a finite number");
    if (s.useThreshold && s.measure != ConfidenceMeasure::Entropy && (s.threshold < 0 || s.threshold > 1))
        return Status::failure("threshold must be between 0 and 1 for the " + std::string(measureName(s.measure)) +
                               " measure");
    if (s.useThreshold && s.measure == ConfidenceMeasure::Entropy && s.threshold > 0)
        return Status::failure("threshold must be <= 0 for the entropy measure (its confidence is minus the entropy)");
    if (!std::isfinite(s.cfgScale) || s.cfgScale < 0)
        return Status::failure("cfg scale must be a finite number >= 0");
    if (s.topK < 0 || s.topK > 64)
        return Status::failure("top-k must be between 0 and 64, got " + std::to_string(s.topK));
    if (s.threads < 0 || s.threads > 1024)
        return Status::failure("threads must be between 0 (auto) and 1024");
    if (s.cache != CacheMode::None && s.sampler == SamplerKind::Dream)
        return Status::failure(std::string("cache ") + cacheModeName(s.cache)
            + " applies to LLaDA's sampler (its blocks); Dream's sampler runs the whole canvas every step");
    if (s.cache != CacheMode::None && s.cfgScale > 0)
        return Status::failure(std::string("cache ") + cacheModeName(s.cache)
            + " cannot be combined with cfg (Fast-dLLM's caches keep one canvas's keys and values; guidance runs two)");
    return {};
}

} // namespace dlm
