#include "core/model/weight_loading.h"

#include "core/model/safetensors.h"
#include "core/model/tensor_ops.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cstdint>

namespace dlm {

WeightAssigner::WeightAssigner(const WeightStore &store, ComputeDType dtype, LoadReporter &reporter)
    : m_store(store)
    , m_reporter(reporter)
{
    const at::ScalarType target = computeScalarType(dtype);
    m_target = static_cast<int>(target);
    for (const auto &[name, view] : store.tensors()) {
        m_total += view.byteSize;
        m_converts = m_converts || storageScalarType(view.dtype) != target;
    }
    reporter.setBulkStage(m_converts ? LoadStage::Weights : LoadStage::ReadAhead);
}

at::Tensor WeightAssigner::take(const std::string &name, const std::string &detail)
{
    const TensorView *view = m_store.find(name);
    if (!view || !m_reporter.report(LoadStage::Weights, m_done, m_total, "bytes", detail))
        return {};
    const auto target = static_cast<at::ScalarType>(m_target);
    const at::ScalarType source = storageScalarType(view->dtype);
    const bool aligned = reinterpret_cast<uintptr_t>(view->data) % tensorDTypeSize(view->dtype) == 0;
    // A big conversion (an embedding of 126k rows takes a quarter of a second) goes in slices of rows, with
    // a report between them, so a cancel never waits for a whole tensor. The values are the same either way.
    if (source == target || !aligned || view->shape.empty() || view->byteSize <= m_sliceBytes) {
        at::Tensor t = tensorFromView(*view, target);
        m_done += view->byteSize;
        return t;
    }
    const at::Tensor from
        = at::from_blob(const_cast<uint8_t *>(view->data), view->shape, at::TensorOptions().dtype(source));
    at::Tensor to = at::empty(view->shape, at::TensorOptions().dtype(target));
    const int64_t rows = from.size(0);
    const int64_t rowBytes = static_cast<int64_t>(view->byteSize) / std::max<int64_t>(1, rows);
    const int64_t step = std::max<int64_t>(1, static_cast<int64_t>(m_sliceBytes) / std::max<int64_t>(1, rowBytes));
    for (int64_t r = 0; r < rows; r += step) {
        const int64_t n = std::min(step, rows - r);
        to.narrow(0, r, n).copy_(from.narrow(0, r, n));
        m_done += static_cast<uint64_t>(n * rowBytes);
        if (r + n < rows && !m_reporter.report(LoadStage::Weights, m_done, m_total, "bytes", detail))
            return {};
    }
    return to;
}

Status WeightAssigner::finish(ReadAhead mode)
{
    if (!m_reporter.report(LoadStage::Weights, m_total, m_total, "bytes"))
        return Status::failure(kLoadCancelled);
    // A converted model no longer reads the mapping, and its conversion has just read every byte of it.
    if (m_converts)
        return {};
    const Status read = m_store.readAhead(mode, m_reporter);
    if (read.stopped())
        return Status::failure(kLoadCancelled);
    return read;
}

} // namespace dlm
