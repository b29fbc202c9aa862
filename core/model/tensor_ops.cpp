#include "core/model/tensor_ops.h"

#include "core/model/fixed_matmul.h"

#include <ATen/ATen.h>

#include <cmath>
#include <cstring>

namespace dlm {

at::ScalarType computeScalarType(ComputeDType d)
{
    return d == ComputeDType::BF16 ? at::kBFloat16 : at::kFloat;
}

at::ScalarType storageScalarType(TensorDType d)
{
    switch (d) {
    case TensorDType::F16:
        return at::kHalf;
    case TensorDType::BF16:
        return at::kBFloat16;
    case TensorDType::I64:
        return at::kLong;
    case TensorDType::I32:
        return at::kInt;
    case TensorDType::F32:
        break;
    }
    return at::kFloat;
}

at::Tensor tensorFromView(const TensorView &view, at::ScalarType target)
{
    const at::ScalarType source = storageScalarType(view.dtype);
    const bool aligned = reinterpret_cast<uintptr_t>(view.data) % tensorDTypeSize(view.dtype) == 0;
    if (view.elementCount() == 0)
        return at::zeros(view.shape, at::TensorOptions().dtype(target));
    if (aligned) {
        // The mapping is MAP_PRIVATE: the const_cast never writes through to the file, and nothing writes.
        at::Tensor t = at::from_blob(const_cast<uint8_t *>(view.data), view.shape, at::TensorOptions().dtype(source));
        return source == target ? t : t.to(target);
    }
    at::Tensor t = at::empty(view.shape, at::TensorOptions().dtype(source));
    std::memcpy(t.data_ptr(), view.data, view.byteSize);
    return t.to(target);
}

at::Tensor rmsNorm(const at::Tensor &x, const at::Tensor &weight, double eps)
{
    // Computed in fp32 whatever the model dtype, then scaled in the model dtype, as LLaDA's and Qwen2's code do.
    const at::Tensor xf = x.to(at::kFloat);
    const at::Tensor normed = (xf * at::rsqrt(xf.pow(2).mean(-1, true) + eps)).to(x.scalar_type());
    return weight * normed;
}

at::Tensor rotaryInverseFrequencies(int headDim, double theta)
{
    return 1.0 / at::pow(theta, at::arange(0, headDim, 2, at::kFloat) / static_cast<double>(headDim));
}

std::pair<at::Tensor, at::Tensor> rotaryTables(int64_t length, const at::Tensor &invFreq)
{
    const at::Tensor freqs = at::outer(at::arange(length, at::kFloat), invFreq);
    const at::Tensor angles = at::cat({freqs, freqs}, -1).unsqueeze(0).unsqueeze(0);
    return {angles.cos(), angles.sin()};
}

namespace {

// NeoX "rotate half": the two halves of the head dimension are rotated against each other.
at::Tensor rotateHalf(const at::Tensor &x)
{
    const int64_t half = x.size(-1) / 2;
    return at::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
}

} // namespace

at::Tensor applyRotary(const at::Tensor &x, const at::Tensor &cos, const at::Tensor &sin)
{
    const at::Tensor xf = x.to(at::kFloat);
    return (xf * cos + rotateHalf(xf) * sin).to(x.scalar_type());
}

at::Tensor bidirectionalAttention(const at::Tensor &q, const at::Tensor &k, const at::Tensor &v)
{
    const int64_t batch = q.size(0), heads = q.size(1), len = q.size(2), hd = q.size(3);
    at::Tensor kk = k, vv = v;
    if (k.size(1) != heads) {
        kk = k.repeat_interleave(heads / k.size(1), 1);
        vv = v.repeat_interleave(heads / v.size(1), 1);
    }
    const double scale = 1.0 / std::sqrt(static_cast<double>(hd));
    const int64_t keys = kk.size(2);
    // One single-threaded product per head (fixed_matmul.h): the bits do not depend on the thread count.
    const at::Tensor scores = fixedBatchedMatmul(q.reshape({batch * heads, len, hd}),
                                                 kk.reshape({batch * heads, keys, hd}).transpose(1, 2));
    const at::Tensor att = at::softmax(scores * scale, -1);
    return fixedBatchedMatmul(att, vv.reshape({batch * heads, keys, hd}))
        .view({batch, heads, len, hd})
        .transpose(1, 2)
        .reshape({batch, len, heads * hd});
}

at::Tensor swiGlu(const at::Tensor &x, const at::Tensor &gate, const at::Tensor &up, const at::Tensor &down)
{
    return fixedLinear(at::silu(fixedLinear(x, gate)) * fixedLinear(x, up), down);
}

} // namespace dlm
