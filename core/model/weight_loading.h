#pragma once
// The part of loading that LLaDA's and the decoder models share once the tensors are checked: turning the
// mapped tensors into compute-dtype tensors with progress in bytes, and the read-ahead when nothing is
// converted. Include only from .cpp files: it pulls in ATen.

#include "core/base/result.h"
#include "core/model/load_progress.h"
#include "core/model/read_ahead.h"
#include "core/sampling/generation_settings.h"

#include <ATen/core/Tensor.h>

#include <cstddef>
#include <string>

namespace dlm {

class WeightStore;

/**
 * Hands out the store's tensors in the compute dtype and reports the bytes handed out (LoadStage::Weights),
 * so a conversion (f32 compute on bf16 weights copies every weight) shows its progress and can be cancelled
 * between two tensors.
 */
class WeightAssigner
{
public:
    WeightAssigner(const WeightStore &store, ComputeDType dtype, LoadReporter &reporter);

    /** True when some weight is converted (copied) rather than used where it is mapped. */
    bool converts() const { return m_converts; }
    /** The tensor `name` in the compute dtype, undefined when the store has none (or the load was cancelled). */
    at::Tensor take(const std::string &name, const std::string &detail);
    bool cancelled() const { return m_reporter.cancelled(); }
    /** Converts tensors bigger than this in slices of rows, reporting between slices (tests make it small). */
    void setSliceBytes(size_t bytes) { m_sliceBytes = bytes; }
    /**
     * Ends the load's weight stages: when nothing was converted, reads the mapped files into memory (`mode`).
     * Fails with kLoadCancelled when the reporter cancelled at any point.
     */
    Status finish(ReadAhead mode);

private:
    const WeightStore &m_store;
    LoadReporter &m_reporter;
    int m_target = 0; ///< an at::ScalarType, kept as int so this header needs no ScalarType definition
    size_t m_sliceBytes = size_t(16) << 20;
    uint64_t m_total = 0;
    uint64_t m_done = 0;
    bool m_converts = false;
};

} // namespace dlm
