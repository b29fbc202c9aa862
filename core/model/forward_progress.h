#pragma once
// A forward pass reported layer by layer, and stopped between two layers when the one watching says so. An
// 8B model's full-canvas step takes seconds: the window shows which layer it is in and Stop takes effect
// within one layer. Torch-free, so the session's public header and Qt code can use it.

#include <functional>
#include <stdexcept>

namespace dlm {

/**
 * Called after each transformer layer and after the output head: `done` of `total` stages (total = layers + 1).
 * Return false to stop the pass; the model then throws ForwardStopped before the next stage.
 */
using LayerProgress = std::function<bool(int done, int total)>;

/** A forward pass stopped on request (LayerProgress returned false). Nothing the pass computed is used. */
class ForwardStopped : public std::runtime_error
{
public:
    ForwardStopped() : std::runtime_error("stopped") {}
};

} // namespace dlm
