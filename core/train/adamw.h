#pragma once
// AdamW (Loshchilov & Hutter) written out rather than taken from torch::optim, so that its whole state is
// two named tensors per parameter plus a step count: a checkpoint stores exactly that, and a resumed run
// continues bit for bit. Include only from .cpp files: it pulls in ATen.

#include "core/base/result.h"

#include <ATen/core/Tensor.h>

#include <string>
#include <utility>
#include <vector>

namespace dlm {

class SafetensorsFile;

/** AdamW over a fixed list of named parameters. */
class AdamW
{
public:
    struct Options
    {
        double beta1 = 0.9;
        double beta2 = 0.95;
        double eps = 1e-8;
        double weightDecay = 0.1;
    };

    /** Parameters with their names (the names key the saved state). Decay applies to tensors of rank >= 2. */
    AdamW(std::vector<std::pair<std::string, at::Tensor>> parameters, Options options);

    /** One update with learning rate `lr` from the parameters' current gradients (missing ones count as 0). */
    void step(double lr);
    int64_t stepCount() const { return m_step; }

    /** Moment tensors as "exp_avg.<name>" / "exp_avg_sq.<name>" F32 safetensors entries. */
    Status save(const std::string &path) const;
    /** Restores the moments saved by save(); every parameter must be present with its shape. */
    Status load(const SafetensorsFile &file, int64_t stepCount);

private:
    struct Slot
    {
        std::string name;
        at::Tensor param, expAvg, expAvgSq, scratch;
        bool decay = false;
    };
    std::vector<Slot> m_slots;
    Options m_options;
    int64_t m_step = 0;
};

/** The global L2 norm of the gradients of `parameters`, and, when `maxNorm` > 0 and it is exceeded, scales
 *  them down to it (torch.nn.utils.clip_grad_norm_'s rule). Returns the norm before clipping. */
double clipGradNorm(const std::vector<at::Tensor> &parameters, double maxNorm);

} // namespace dlm
