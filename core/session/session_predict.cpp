#include "core/session/session.h"
#include "core/session/session_impl.h"

#include "core/base/compute_threads.h"
#include "core/model/logits_model.h"
#include "core/sampling/candidates.h"
#include "core/session/step_forward.h"

#include <ATen/ATen.h>

#include <string>

// "What would the model say here": one forward pass on a canvas, for positions the run never predicts (the
// prompt) or no longer does (committed tokens). Kept apart from stepping: nothing here changes the session.

namespace dlm {

Result<PositionPrediction> Session::predictPosition(const StepRecord &record, int position, int topK) const
{
    using R = Result<PositionPrediction>;
    if (position < 0 || position >= record.length())
        return R::failure("position " + std::to_string(position) + " is outside the canvas (0.."
            + std::to_string(record.length() - 1) + ")");
    if (topK < 1)
        return R::failure("top-k must be at least 1");
    try {
        at::InferenceMode guard;
        threadsForThisStep();
        const at::Tensor canvas
            = at::tensor(std::vector<int64_t>(record.tokens.begin(), record.tokens.end()), at::kLong).unsqueeze(0);
        const ForwardWatch watch(*d->model, d->stepProgress, record.denoiseStep);
        // The head on this row alone: the same bits as the full head's row (see LogitsModel::logitsAt).
        const at::Tensor rows = at::tensor(std::vector<int64_t> {position}, at::kLong);
        const at::Tensor row = d->model->logitsAt(canvas, rows)[0];
        const RowDetails details
            = scoreRows(row, {position}, ConfidenceMeasure::LowConfidence, 0.0, 0, 0, -1, topK).details;
        PositionPrediction out;
        out.position = position;
        for (size_t j = 0; j < details.topIds.size(); ++j) {
            if (details.topIds[j] < 0)
                continue; // padding: the vocabulary is smaller than k
            out.topIds.push_back(details.topIds[j]);
            out.topProbs.push_back(details.topProbs[j]);
            out.pieces.push_back(piece(details.topIds[j]));
        }
        out.entropy = details.entropy.empty() ? 0.0f : details.entropy.front();
        return out;
    } catch (const ForwardStopped &) {
        return R::failure("the prediction was stopped");
    } catch (const std::exception &e) {
        return R::failure(std::string("the forward pass failed: ") + e.what());
    }
}

} // namespace dlm
