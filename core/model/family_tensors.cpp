#include "core/model/family_tensors.h"

#include "core/model/family_registry.h"
#include "core/model/llada_tensors.h"
#include "core/model/safetensors.h"

namespace dlm {

namespace {

std::string shapeText(const std::vector<int64_t> &s)
{
    std::string r = "[";
    for (size_t i = 0; i < s.size(); ++i)
        r += (i ? ", " : "") + std::to_string(s[i]);
    return r + "]";
}

} // namespace

std::vector<TensorSpec> familyTensors(const ModelConfig &config)
{
    return familyInfo(config.family).tensors(config);
}

std::vector<TensorSpec> lladaFamilyTensors(const ModelConfig &config)
{
    std::vector<TensorSpec> out;
    for (const LladaTensorSpec &t : lladaTensors(config))
        out.push_back({t.name, t.shape, t.layer, isNormRole(t.role)});
    return out;
}

void appendHfAttention(std::vector<TensorSpec> &table, const ModelConfig &c, int layer)
{
    const std::string p = "model.layers." + std::to_string(layer) + ".";
    const int64_t d = c.dModel, hd = c.nHeads > 0 ? c.dModel / c.nHeads : 0, kv = int64_t(c.nKvHeads) * hd;
    table.push_back({p + "input_layernorm.weight", {d}, layer, true});
    const struct
    {
        const char *name;
        int64_t rows;
    } projections[] = {{"q_proj", d}, {"k_proj", kv}, {"v_proj", kv}};
    for (const auto &proj : projections) {
        const std::string base = p + "self_attn." + proj.name;
        table.push_back({base + ".weight", {proj.rows, d}, layer, false});
        if (c.qkvBias)
            table.push_back({base + ".bias", {proj.rows}, layer, false});
    }
    table.push_back({p + "self_attn.o_proj.weight", {d, d}, layer, false});
    if (c.outBias)
        table.push_back({p + "self_attn.o_proj.bias", {d}, layer, false});
    if (c.qkNorm) {
        table.push_back({p + "self_attn.q_norm.weight", {hd}, layer, true});
        table.push_back({p + "self_attn.k_norm.weight", {hd}, layer, true});
    }
    table.push_back({p + "post_attention_layernorm.weight", {d}, layer, true});
}

void appendSwiGlu(std::vector<TensorSpec> &table, const std::string &prefix, int hidden, int dModel, int layer)
{
    table.push_back({prefix + "gate_proj.weight", {hidden, dModel}, layer, false});
    table.push_back({prefix + "up_proj.weight", {hidden, dModel}, layer, false});
    table.push_back({prefix + "down_proj.weight", {dModel, hidden}, layer, false});
}

Result<std::string> checkTensors(
    const WeightStore &store, const std::vector<TensorSpec> &expected, const std::string &dir)
{
    using R = Result<std::string>;
    std::string storage;
    for (const TensorSpec &spec : expected) {
        const TensorView *view = store.find(spec.name);
        if (!view)
            return R::failure(dir + ": missing tensor '" + spec.name + "' required by config.json");
        if (view->dtype != TensorDType::F32 && view->dtype != TensorDType::F16 && view->dtype != TensorDType::BF16)
            return R::failure(view->file + ": tensor '" + spec.name + "' has dtype " + tensorDTypeName(view->dtype)
                + "; weights must be F32, F16 or BF16");
        if (view->shape != spec.shape)
            return R::failure(view->file + ": tensor '" + spec.name + "' has shape " + shapeText(view->shape)
                + " but config.json implies " + shapeText(spec.shape));
        storage = tensorDTypeName(view->dtype);
    }
    return storage;
}

} // namespace dlm
