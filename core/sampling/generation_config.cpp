#include "core/sampling/generation_config.h"

#include "core/base/file_util.h"
#include "core/sampling/settings_json.h"

#include <cmath>

namespace dlm {

namespace {

// generation_config.json is a few hundred bytes; anything near this limit is not one.
constexpr size_t kMaxConfigBytes = 1u << 20;

} // namespace

Json settingsToJson(const GenerationSettings &s)
{
    Json j = Json::object();
    j["gen_length"] = s.genLength;
    j["steps"] = s.steps;
    j["block_length"] = s.blockLength;
    j["temperature"] = s.temperature;
    j["remasking"] = measureName(s.measure);
    if (s.useThreshold) {
        j["threshold"] = s.threshold;
    } else {
        j["threshold"] = nullptr;
        j["threshold_tau"] = s.threshold;
    }
    j["cfg_scale"] = s.cfgScale;
    j["seed"] = s.seed;
    j["top_k"] = s.topK;
    j["dtype"] = dtypeName(s.dtype);
    j["threads"] = s.threads;
    return j;
}

bool applySettingsJson(const Json &object, const std::string &path, JsonReader &r, GenerationSettings *s)
{
    if (!r.expectObject(object, path))
        return false;
    if (!r.readInt(object, path, "gen_length", &s->genLength) || !r.readInt(object, path, "steps", &s->steps)
        || !r.readInt(object, path, "block_length", &s->blockLength)
        || !r.readNumber(object, path, "temperature", &s->temperature)
        || !r.readNumber(object, path, "cfg_scale", &s->cfgScale) || !r.readInt(object, path, "top_k", &s->topK)
        || !r.readInt(object, path, "threads", &s->threads) || !r.readUInt64(object, path, "seed", &s->seed))
        return false;

    std::string name;
    if (r.member(object, path, "remasking", Need::Optional)) {
        if (!r.readString(object, path, "remasking", &name))
            return false;
        const auto measure = parseMeasure(name);
        if (!measure)
            return r.fail(JsonReader::child(path, "remasking"), measure.error());
        s->measure = *measure;
    }
    if (r.member(object, path, "dtype", Need::Optional)) {
        if (!r.readString(object, path, "dtype", &name))
            return false;
        const auto dtype = parseComputeDType(name);
        if (!dtype)
            return r.fail(JsonReader::child(path, "dtype"), dtype.error());
        s->dtype = *dtype;
    }
    // threshold: a number turns threshold decoding on with that tau; null turns it off.
    if (const Json *v = r.member(object, path, "threshold", Need::Optional)) {
        if (v->is_null()) {
            s->useThreshold = false;
            return r.readNumber(object, path, "threshold_tau", &s->threshold);
        }
        if (!v->is_number())
            return r.fail(JsonReader::child(path, "threshold"),
                "expected a number or null (threshold decoding off), got " + JsonReader::quote(*v));
        if (!r.toNumber(*v, JsonReader::child(path, "threshold"), &s->threshold))
            return false;
        s->useThreshold = true;
    }
    return true;
}

Result<GenerationSettings> settingsFromJson(const Json &object, const std::string &where)
{
    JsonReader reader(where);
    GenerationSettings s;
    if (!applySettingsJson(object, JsonReader::root(), reader, &s))
        return Result<GenerationSettings>::failure(reader.error());
    return s;
}

std::string settingsToJsonText(const GenerationSettings &settings)
{
    return settingsToJson(settings).dump(2);
}

Result<GenerationSettings> settingsFromJsonText(const std::string &text, const std::string &where)
{
    const Result<Json> j = parseJson(text, where);
    if (!j)
        return Result<GenerationSettings>::failure(j.error());
    return settingsFromJson(*j, where);
}

Result<GenerationSettings> parseGenerationConfig(
    const std::string &text, const std::string &path, const GenerationSettings &base)
{
    const Result<Json> j = parseJson(text, path);
    if (!j)
        return Result<GenerationSettings>::failure(j.error());
    JsonReader reader(path);
    GenerationSettings s = base;
    if (!applySettingsJson(*j, JsonReader::root(), reader, &s))
        return Result<GenerationSettings>::failure(reader.error());
    return s;
}

Result<GenerationSettings> loadGenerationConfig(const std::string &modelDir, const GenerationSettings &base)
{
    const std::string path = joinPath(modelDir, "generation_config.json");
    if (!fileExists(path))
        return base;
    auto text = readTextFile(path, kMaxConfigBytes);
    if (!text)
        return Result<GenerationSettings>::failure(text.error());
    return parseGenerationConfig(*text, path, base);
}

bool SettingsOverrides::empty() const
{
    return !genLength && !steps && !blockLength && !temperature && !measure && !threshold && !useThreshold && !cfgScale
        && !seed && !topK && !dtype && !threads;
}

GenerationSettings applyOverrides(GenerationSettings s, const SettingsOverrides &o)
{
    if (o.genLength)
        s.genLength = *o.genLength;
    if (o.steps)
        s.steps = *o.steps;
    if (o.blockLength)
        s.blockLength = *o.blockLength;
    if (o.temperature)
        s.temperature = *o.temperature;
    if (o.measure)
        s.measure = *o.measure;
    if (o.threshold) {
        s.threshold = *o.threshold;
        s.useThreshold = true;
    }
    if (o.useThreshold)
        s.useThreshold = *o.useThreshold;
    if (o.cfgScale)
        s.cfgScale = *o.cfgScale;
    if (o.seed)
        s.seed = *o.seed;
    if (o.topK)
        s.topK = *o.topK;
    if (o.dtype)
        s.dtype = *o.dtype;
    if (o.threads)
        s.threads = *o.threads;
    return s;
}

} // namespace dlm
