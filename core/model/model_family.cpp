#include "core/model/model_family.h"

namespace dlm {

const char *familyName(ModelFamily family)
{
    switch (family) {
    case ModelFamily::Llada:
        return "llada";
    case ModelFamily::LladaMoe:
        return "llada-moe";
    case ModelFamily::Dream:
        return "dream";
    }
    return "llada";
}

SamplerKind defaultSampler(ModelFamily family)
{
    return family == ModelFamily::Dream ? SamplerKind::Dream : SamplerKind::Llada;
}

} // namespace dlm
