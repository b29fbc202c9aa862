#pragma once
// What a model will cost in memory, estimated from config.json alone, so that a config claiming sizes the
// machine cannot hold is refused with a message before anything large is allocated (instead of an allocator
// failure, or minutes of swapping, half-way through loading or the first step).

#include "core/base/result.h"
#include "core/model/model_config.h"
#include "core/sampling/generation_settings.h"

#include <cstdint>
#include <string>

namespace dlm {

/** Physical memory of this machine in bytes (0 when unknown: then nothing is refused). */
uint64_t physicalMemoryBytes();

/** Bytes the weights take once loaded for compute in `dtype` (every tensor config.json implies). */
double weightBytes(const ModelConfig &config, ComputeDType dtype);

/**
 * Bytes one forward pass and the sampler's scoring over a canvas of `length` positions need beyond the
 * weights, at their peak: the logits with their softmax and float64 Gumbel noise, plus the larger of one
 * layer's attention scores and its feed-forward activations, plus a few hidden-state copies.
 */
double forwardBytes(const ModelConfig &config, ComputeDType dtype, int length);

/**
 * Bytes training takes: float32 weights, gradients and AdamW's two moments (16 bytes a parameter), plus a
 * batch's activations, which backpropagation keeps for every layer.
 */
double trainingBytes(const ModelConfig &config, int batch, int seqLen);

/** Refuses a training run whose trainingBytes() exceed `memoryBytes` (0 accepts), naming the sizes. */
Status checkTrainingFitsMemory(const ModelConfig &config, int batch, int seqLen, uint64_t memoryBytes);

/**
 * Refuses when weights plus a forward over `length` positions (0: weights only) exceed `memoryBytes`:
 * "config.json implies 512.0 GB (weights 510.0 GB in f32, one step 2.0 GB at 64 positions), more than this
 * machine's 23.4 GB of memory". A `memoryBytes` of 0 accepts everything.
 */
Status checkFitsMemory(const ModelConfig &config, ComputeDType dtype, int length, uint64_t memoryBytes);

} // namespace dlm
