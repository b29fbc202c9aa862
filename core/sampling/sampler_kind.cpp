#include "core/sampling/sampler_kind.h"

namespace dlm {

const char *samplerName(SamplerKind kind)
{
    return kind == SamplerKind::Dream ? "dream" : "llada";
}

Result<SamplerKind> parseSamplerName(const std::string &name)
{
    if (name == "llada")
        return SamplerKind::Llada;
    if (name == "dream")
        return SamplerKind::Dream;
    return Result<SamplerKind>::failure("unknown sampler '" + name + "' (expected llada or dream)");
}

const char *dreamAlgName(DreamAlg alg)
{
    switch (alg) {
    case DreamAlg::Origin:
        return "origin";
    case DreamAlg::MaskgitPlus:
        return "maskgit_plus";
    case DreamAlg::TopkMargin:
        return "topk_margin";
    case DreamAlg::Entropy:
        return "entropy";
    }
    return "origin";
}

Result<DreamAlg> parseDreamAlg(const std::string &name)
{
    for (auto a : {DreamAlg::Origin, DreamAlg::MaskgitPlus, DreamAlg::TopkMargin, DreamAlg::Entropy}) {
        if (name == dreamAlgName(a))
            return a;
    }
    return Result<DreamAlg>::failure(
        "unknown Dream alg '" + name + "' (expected origin, maskgit_plus, topk_margin or entropy)");
}

} // namespace dlm
