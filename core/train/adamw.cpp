#include "core/train/adamw.h"

#include "core/model/safetensors.h"

#include <ATen/ATen.h>

#include <cmath>
#include <cstring>

namespace dlm {

AdamW::AdamW(std::vector<std::pair<std::string, at::Tensor>> parameters, Options options)
    : m_options(options)
{
    for (auto &[name, param] : parameters) {
        Slot s;
        s.name = name;
        s.param = param;
        s.expAvg = at::zeros_like(param);
        s.expAvgSq = at::zeros_like(param);
        s.scratch = at::empty_like(param);
        // Norm gains are scales around 1: decaying them towards 0 fights the model rather than regularising it.
        s.decay = param.dim() >= 2;
        m_slots.push_back(std::move(s));
    }
}

void AdamW::step(double lr)
{
    at::NoGradGuard noGrad;
    ++m_step;
    const double b1 = m_options.beta1, b2 = m_options.beta2;
    const double bias1 = 1.0 - std::pow(b1, static_cast<double>(m_step));
    const double bias2 = 1.0 - std::pow(b2, static_cast<double>(m_step));
    const double stepSize = lr / bias1;
    const double bias2Sqrt = std::sqrt(bias2);
    for (Slot &s : m_slots) {
        const at::Tensor &grad = s.param.grad();
        if (s.decay && m_options.weightDecay > 0)
            s.param.mul_(1.0 - lr * m_options.weightDecay);
        if (!grad.defined()) {
            s.expAvg.mul_(b1);
            s.expAvgSq.mul_(b2);
        } else {
            s.expAvg.mul_(b1).add_(grad, 1.0 - b1);
            s.expAvgSq.mul_(b2).addcmul_(grad, grad, 1.0 - b2);
        }
        // denom = sqrt(v) / sqrt(1 - b2^t) + eps, in a reused buffer instead of a fresh tensor per step.
        at::sqrt_out(s.scratch, s.expAvgSq);
        s.scratch.div_(bias2Sqrt).add_(m_options.eps);
        s.param.addcdiv_(s.expAvg, s.scratch, -stepSize);
    }
}

Status AdamW::save(const std::string &path) const
{
    std::vector<TensorToWrite> tensors;
    for (const Slot &s : m_slots) {
        for (const auto &[prefix, tensor] :
            {std::pair<const char *, const at::Tensor &> {"exp_avg.", s.expAvg}, {"exp_avg_sq.", s.expAvgSq}}) {
            TensorToWrite t;
            t.name = prefix + s.name;
            t.dtype = TensorDType::F32;
            t.shape = tensor.sizes().vec();
            const at::Tensor c = tensor.contiguous();
            t.bytes.resize(static_cast<size_t>(c.numel()) * sizeof(float));
            std::memcpy(t.bytes.data(), c.data_ptr<float>(), t.bytes.size());
            tensors.push_back(std::move(t));
        }
    }
    return writeSafetensors(path, tensors, {{"format", "dlmstudio-adamw"}, {"step", std::to_string(m_step)}});
}

Status AdamW::load(const SafetensorsFile &file, int64_t stepCount)
{
    for (Slot &s : m_slots) {
        for (const auto &[prefix, target] :
            {std::pair<const char *, at::Tensor *> {"exp_avg.", &s.expAvg}, {"exp_avg_sq.", &s.expAvgSq}}) {
            const std::string name = prefix + s.name;
            const auto it = file.tensors().find(name);
            if (it == file.tensors().end())
                return Status::failure(file.path() + ": optimizer state lacks tensor '" + name + "'");
            const TensorView &v = it->second;
            if (v.dtype != TensorDType::F32 || v.shape != target->sizes().vec())
                return Status::failure(
                    file.path() + ": optimizer tensor '" + name + "' does not match the model (dtype or shape)");
            std::memcpy(target->data_ptr<float>(), v.data, v.byteSize);
        }
    }
    m_step = stepCount;
    return {};
}

double clipGradNorm(const std::vector<at::Tensor> &parameters, double maxNorm)
{
    at::NoGradGuard noGrad;
    std::vector<at::Tensor> grads;
    for (const at::Tensor &p : parameters) {
        if (p.grad().defined())
            grads.push_back(p.grad());
    }
    if (grads.empty())
        return 0.0;
    // Per-tensor norms in one fused call, then the norm of norms: the same value as the norm of everything.
    const double norm = at::stack(at::_foreach_norm(grads)).norm().item<double>();
    if (maxNorm > 0) {
        const double coef = maxNorm / (norm + 1e-6);
        if (coef < 1.0)
            at::_foreach_mul_(grads, coef);
    }
    return norm;
}

} // namespace dlm
