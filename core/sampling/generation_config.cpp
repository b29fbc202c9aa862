#include "core/sampling/generation_config.h"

#include "core/base/file_util.h"
#include "core/sampling/settings_json.h"

#include <cmath>

namespace dlm {

namespace {

// generation_config.json is a few hundred bytes; anything near this limit is not one.
constexpr size_t kMaxConfigBytes = 1u << 20;

/**
 * An optional member naming one value of an enumeration: absent keeps `*out`, a name `parse` knows sets it,
 * anything else fails with the parser's message at the member's path. With `nullMeansAbsent`, null is absent
 * too (Dream's generation_config.json writes Python's None for "the default").
 */
template<typename T>
bool readNamed(const Json &object, const std::string &path, JsonReader &r, const char *key,
    Result<T> (*parse)(const std::string &), T *out, bool nullMeansAbsent = false)
{
    const Json *v = r.member(object, path, key, Need::Optional);
    if (!v || (nullMeansAbsent && v->is_null()))
        return true;
    std::string name;
    if (!r.readString(object, path, key, &name))
        return false;
    const Result<T> value = parse(name);
    if (!value)
        return r.fail(JsonReader::child(path, key), value.error());
    *out = *value;
    return true;
}

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
    if (s.cache != CacheMode::None) // absent means none, so files of uncached runs stay as they were
        j["cache"] = cacheModeName(s.cache);
    if (s.laterBlocks != LaterBlocks::Record) // absent means record (the default), so older files read as they were
        j["later_blocks"] = laterBlocksName(s.laterBlocks);
    if (s.sampler == SamplerKind::Dream) { // absent means LLaDA's sampler, so LLaDA runs write what they always did
        j["sampler"] = samplerName(s.sampler);
        j["alg"] = dreamAlgName(s.alg);
        j["alg_temp"] = s.algTemp;
        j["top_p"] = s.topP;
        j["sample_top_k"] = s.sampleTopK;
        j["eps"] = s.eps;
    }
    return j;
}

namespace {

// The keys only Dream's sampler reads, under this project's names (timelines, presets).
bool applyDreamJson(const Json &object, const std::string &path, JsonReader &r, GenerationSettings *s)
{
    if (!readNamed(object, path, r, "sampler", &parseSamplerName, &s->sampler)
        || !readNamed(object, path, r, "alg", &parseDreamAlg, &s->alg))
        return false;
    return r.readNumber(object, path, "alg_temp", &s->algTemp) && r.readNumber(object, path, "top_p", &s->topP)
        && r.readInt(object, path, "sample_top_k", &s->sampleTopK) && r.readNumber(object, path, "eps", &s->eps);
}

// A key of Dream's generation_config.json that may be null (Python's None: Dream's default applies).
bool present(const Json &object, const std::string &path, JsonReader &r, const char *key)
{
    const Json *v = r.member(object, path, key, Need::Optional);
    return v && !v->is_null();
}

// Dream's generation_config.json, with Dream's meanings: top_k filters the distribution (sampleTopK here),
// max_new_tokens is the generation length; null keeps Dream's default.
bool applyDreamGenerationConfig(const Json &object, const std::string &path, JsonReader &r, GenerationSettings *s)
{
    if (!r.expectObject(object, path))
        return false;
    const std::pair<const char *, double *> numbers[]
        = {{"temperature", &s->temperature}, {"top_p", &s->topP}, {"alg_temp", &s->algTemp}, {"eps", &s->eps}};
    for (const auto &[key, out] : numbers) {
        if (present(object, path, r, key) && !r.readNumber(object, path, key, out))
            return false;
    }
    const std::pair<const char *, int *> ints[]
        = {{"steps", &s->steps}, {"top_k", &s->sampleTopK}, {"max_new_tokens", &s->genLength}};
    for (const auto &[key, out] : ints) {
        if (present(object, path, r, key) && !r.readInt(object, path, key, out))
            return false;
    }
    return readNamed(object, path, r, "alg", &parseDreamAlg, &s->alg, true);
}

} // namespace

bool applySettingsJson(const Json &object, const std::string &path, JsonReader &r, GenerationSettings *s)
{
    if (!r.expectObject(object, path) || !applyDreamJson(object, path, r, s))
        return false;
    if (!r.readInt(object, path, "gen_length", &s->genLength) || !r.readInt(object, path, "steps", &s->steps)
        || !r.readInt(object, path, "block_length", &s->blockLength)
        || !r.readNumber(object, path, "temperature", &s->temperature)
        || !r.readNumber(object, path, "cfg_scale", &s->cfgScale) || !r.readInt(object, path, "top_k", &s->topK)
        || !r.readInt(object, path, "threads", &s->threads) || !r.readUInt64(object, path, "seed", &s->seed))
        return false;

    if (!readNamed(object, path, r, "remasking", &parseMeasure, &s->measure)
        || !readNamed(object, path, r, "dtype", &parseComputeDType, &s->dtype)
        || !readNamed(object, path, r, "cache", &parseCacheMode, &s->cache)
        || !readNamed(object, path, r, "later_blocks", &parseLaterBlocks, &s->laterBlocks))
        return false;
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
    // Dream's generation_config.json means other things by some keys (top_k filters, max_new_tokens).
    const bool ok = base.sampler == SamplerKind::Dream ? applyDreamGenerationConfig(*j, JsonReader::root(), reader, &s)
                                                       : applySettingsJson(*j, JsonReader::root(), reader, &s);
    if (!ok)
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
        && !seed && !topK && !dtype && !threads && !cache && !laterBlocks && !sampler && !alg && !algTemp && !topP
        && !sampleTopK && !eps;
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
    if (o.cache)
        s.cache = *o.cache;
    if (o.laterBlocks)
        s.laterBlocks = *o.laterBlocks;
    if (o.topK)
        s.topK = *o.topK;
    if (o.dtype)
        s.dtype = *o.dtype;
    if (o.threads)
        s.threads = *o.threads;
    if (o.sampler)
        s.sampler = *o.sampler;
    if (o.alg)
        s.alg = *o.alg;
    if (o.algTemp)
        s.algTemp = *o.algTemp;
    if (o.topP)
        s.topP = *o.topP;
    if (o.sampleTopK)
        s.sampleTopK = *o.sampleTopK;
    if (o.eps)
        s.eps = *o.eps;
    return s;
}

} // namespace dlm
