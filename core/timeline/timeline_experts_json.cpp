// The optional "experts" key of a record: which experts each position used in each layer of a
// mixture-of-experts model, with the router's weights. Files without it (every dense model, every file
// written before it existed) read as records with no routing.
#include "core/timeline/timeline_json.h"
#include "core/timeline/timeline_json_internal.h"

#include <cmath>

namespace dlm::timeline_json_detail {

namespace {

constexpr int kMaxLayers = 4096;
constexpr int kMaxExpertsPerPosition = 4096;

} // namespace

ojson expertsJson(const ExpertRouting &routing)
{
    ojson j;
    j["layers"] = routing.layers;
    j["positions"] = routing.positions;
    j["k"] = routing.k;
    j["ids"] = routing.ids;
    ojson weights = ojson::array();
    for (float w : routing.weights)
        weights.push_back(w); // router probabilities: always finite
    j["weights"] = weights;
    return j;
}

bool readExperts(JsonReader &r, const json &v, const std::string &path, size_t n, ExpertRouting *out)
{
    ExpertRouting e;
    if (!r.expectObject(v, path) || !r.readInt(v, path, "layers", &e.layers, Need::Required, 1, kMaxLayers)
        || !r.readInt(v, path, "positions", &e.positions, Need::Required, 0, kTimelineMaxCanvas)
        || !r.readInt(v, path, "k", &e.k, Need::Required, 1, kMaxExpertsPerPosition))
        return false;
    if (size_t(e.positions) != n)
        return r.fail(JsonReader::child(path, "positions"),
            "is " + std::to_string(e.positions) + " but the canvas has " + std::to_string(n) + " positions");
    const size_t count = size_t(e.layers) * size_t(e.positions) * size_t(e.k);
    const json *ids = r.member(v, path, "ids", Need::Required);
    const json *weights = r.member(v, path, "weights", Need::Required);
    const std::string idsPath = JsonReader::child(path, "ids"), weightsPath = JsonReader::child(path, "weights");
    if (!ids || !weights || !r.expectArray(*ids, idsPath) || !r.expectArray(*weights, weightsPath))
        return false;
    if (ids->size() != count || weights->size() != count)
        return r.fail(ids->size() != count ? idsPath : weightsPath,
            "has " + std::to_string(ids->size() != count ? ids->size() : weights->size())
                + " entries, expected layers x positions x k = " + std::to_string(count));
    e.ids.resize(count);
    e.weights.resize(count);
    for (size_t i = 0; i < count; ++i) {
        double w = 0.0;
        if (!r.toInt((*ids)[i], JsonReader::child(idsPath, i), &e.ids[i], -1, INT16_MAX)
            || !r.toNumber((*weights)[i], JsonReader::child(weightsPath, i), &w))
            return false;
        if (!(w >= 0.0 && w <= 1.0))
            return r.fail(JsonReader::child(weightsPath, i), "a router weight must be in [0, 1]");
        e.weights[i] = float(w);
    }
    *out = std::move(e);
    return true;
}

} // namespace dlm::timeline_json_detail
