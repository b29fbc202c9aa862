#include "core/model/weight_loading.h"

#include "core/model/safetensors.h"
#include "core/model/tensor_ops.h"

#include <ATen/ATen.h>

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
    at::Tensor t = tensorFromView(*view, static_cast<at::ScalarType>(m_target));
    m_done += view->byteSize;
    return t;
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
