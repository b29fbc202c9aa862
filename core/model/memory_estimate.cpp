#include "core/model/memory_estimate.h"

#include <algorithm>
#include <cstdio>

#include <unistd.h>

namespace dlm {

namespace {

std::string gigabytes(double bytes)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1f GB", bytes / 1e9);
    return text;
}

double elementBytes(ComputeDType dtype)
{
    return dtype == ComputeDType::F32 ? 4.0 : 2.0;
}

} // namespace

uint64_t physicalMemoryBytes()
{
    const long pages = ::sysconf(_SC_PHYS_PAGES);
    const long pageSize = ::sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || pageSize <= 0)
        return 0;
    return static_cast<uint64_t>(pages) * static_cast<uint64_t>(pageSize);
}

double weightBytes(const ModelConfig &config, ComputeDType dtype)
{
    return static_cast<double>(config.parameterCount()) * elementBytes(dtype);
}

double forwardBytes(const ModelConfig &config, ComputeDType dtype, int length)
{
    if (length <= 0)
        return 0.0;
    const double n = length;
    const double e = elementBytes(dtype);
    // Logits in the compute dtype, their softmax in float32, the Gumbel noise in float64.
    const double logits = n * config.embeddingSize * (e + 4.0 + 8.0);
    // Bidirectional attention: every head scores every pair of positions (float32 softmax).
    const double attention = static_cast<double>(config.nHeads) * n * n * (e + 4.0);
    // SwiGLU: gate, up and their product.
    const double feedForward = 3.0 * n * config.mlpHiddenSize * e;
    const double hidden = 6.0 * n * config.dModel * e;
    return logits + std::max(attention, feedForward) + hidden;
}

double trainingBytes(const ModelConfig &config, int batch, int seqLen)
{
    const double n = seqLen;
    const double perLayer = static_cast<double>(config.nHeads) * n * n * 8.0 + 3.0 * n * config.mlpHiddenSize * 4.0
        + 8.0 * n * config.dModel * 4.0;
    const double logits = n * config.embeddingSize * 12.0;
    const double activations = static_cast<double>(batch) * (config.nLayers * perLayer + logits);
    return static_cast<double>(config.parameterCount()) * 16.0 + activations;
}

Status checkTrainingFitsMemory(const ModelConfig &config, int batch, int seqLen, uint64_t memoryBytes)
{
    const double need = trainingBytes(config, batch, seqLen);
    if (memoryBytes == 0 || need <= static_cast<double>(memoryBytes))
        return {};
    return Status::failure("training this model needs about " + gigabytes(need) + " ("
        + std::to_string(config.parameterCount()) + " parameters with their gradients and AdamW state, batch "
        + std::to_string(batch) + " of " + std::to_string(seqLen) + " tokens), more than this machine's "
        + gigabytes(static_cast<double>(memoryBytes))
        + " of memory; make --d-model, --layers, --mlp, --batch or --seq-len smaller");
}

Status checkFitsMemory(const ModelConfig &config, ComputeDType dtype, int length, uint64_t memoryBytes)
{
    if (memoryBytes == 0)
        return {};
    const double weights = weightBytes(config, dtype);
    const double step = forwardBytes(config, dtype, length);
    if (weights + step <= static_cast<double>(memoryBytes))
        return {};
    std::string detail = "weights " + gigabytes(weights) + " in " + dtypeName(dtype);
    if (length > 0)
        detail += ", one step " + gigabytes(step) + " at " + std::to_string(length) + " positions";
    std::string hint;
    if (dtype == ComputeDType::F32) {
        const double halved
            = weightBytes(config, ComputeDType::BF16) + forwardBytes(config, ComputeDType::BF16, length);
        if (halved <= static_cast<double>(memoryBytes))
            hint = "; with --dtype bf16 it needs about " + gigabytes(halved)
                + " (bf16 weights are computed on in place, an f32 copy would be made of them otherwise)";
    }
    return Status::failure("config.json implies " + gigabytes(weights + step) + " (" + detail
        + "), more than this machine's " + gigabytes(static_cast<double>(memoryBytes)) + " of memory" + hint);
}

} // namespace dlm
