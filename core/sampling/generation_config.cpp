#include "core/sampling/generation_config.h"

#include "core/base/file_util.h"
#include "core/sampling/settings_json.h"

#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>

namespace dlm {

namespace {

using json = nlohmann::json;

constexpr int64_t kIntMin = INT_MIN;
constexpr int64_t kIntMax = INT_MAX;
// generation_config.json is a few hundred bytes; anything near this limit is not one.
constexpr size_t kMaxConfigBytes = 1u << 20;

bool readIntKey(const json &object, const std::string &path, const char *key, JsonFieldReader &reader, int *out)
{
    const json *v = reader.member(object, path, key, false);
    return !v || reader.toInt32(*v, JsonFieldReader::child(path, key), kIntMin, kIntMax, out);
}

bool readNumberKey(const json &object, const std::string &path, const char *key, JsonFieldReader &reader,
                   double *out)
{
    const json *v = reader.member(object, path, key, false);
    return !v || reader.toNumber(*v, JsonFieldReader::child(path, key), out);
}

std::string normalisedKey(std::string key)
{
    for (char &c : key) {
        if (c == '-')
            c = '_';
    }
    return key;
}

bool parseIntText(const std::string &text, int *out)
{
    if (text.empty())
        return false;
    errno = 0;
    char *end = nullptr;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (errno != 0 || *end != '\0' || v < INT_MIN || v > INT_MAX)
        return false;
    *out = static_cast<int>(v);
    return true;
}

bool parseDoubleText(const std::string &text, double *out)
{
    if (text.empty())
        return false;
    errno = 0;
    char *end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (errno != 0 || *end != '\0' || !std::isfinite(v))
        return false;
    *out = v;
    return true;
}

bool parseUInt64Text(const std::string &text, uint64_t *out)
{
    // strtoull accepts "-1" and wraps it; a seed written with a sign is a mistake, not 2^64 - 1.
    if (text.empty() || text.front() < '0' || text.front() > '9')
        return false;
    errno = 0;
    char *end = nullptr;
    const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
    if (errno != 0 || *end != '\0')
        return false;
    *out = v;
    return true;
}

bool parseBoolText(const std::string &text, bool *out)
{
    if (text == "true" || text == "on" || text == "yes" || text == "1") {
        *out = true;
        return true;
    }
    if (text == "false" || text == "off" || text == "no" || text == "0") {
        *out = false;
        return true;
    }
    return false;
}

} // namespace

json settingsToJson(const GenerationSettings &s)
{
    json j = json::object();
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

bool applySettingsJson(const json &object, const std::string &path, JsonFieldReader &reader,
                       GenerationSettings *s)
{
    if (!reader.expectObject(object, path))
        return false;
    if (!readIntKey(object, path, "gen_length", reader, &s->genLength)
        || !readIntKey(object, path, "steps", reader, &s->steps)
        || !readIntKey(object, path, "block_length", reader, &s->blockLength)
        || !readNumberKey(object, path, "temperature", reader, &s->temperature)
        || !readNumberKey(object, path, "cfg_scale", reader, &s->cfgScale)
        || !readIntKey(object, path, "top_k", reader, &s->topK)
        || !readIntKey(object, path, "threads", reader, &s->threads))
        return false;

    if (const json *v = reader.member(object, path, "remasking", false)) {
        std::string name;
        if (!reader.toString(*v, JsonFieldReader::child(path, "remasking"), &name))
            return false;
        const auto measure = parseMeasure(name);
        if (!measure)
            return reader.fail(JsonFieldReader::child(path, "remasking"), measure.error());
        s->measure = *measure;
    }
    if (const json *v = reader.member(object, path, "dtype", false)) {
        std::string name;
        if (!reader.toString(*v, JsonFieldReader::child(path, "dtype"), &name))
            return false;
        const auto dtype = parseComputeDType(name);
        if (!dtype)
            return reader.fail(JsonFieldReader::child(path, "dtype"), dtype.error());
        s->dtype = *dtype;
    }
    if (const json *v = reader.member(object, path, "seed", false)) {
        if (!reader.toUInt64(*v, JsonFieldReader::child(path, "seed"), &s->seed))
            return false;
    }
    // threshold: a number turns threshold decoding on with that tau; null turns it off.
    if (const json *v = reader.member(object, path, "threshold", false)) {
        if (v->is_null()) {
            s->useThreshold = false;
            if (!readNumberKey(object, path, "threshold_tau", reader, &s->threshold))
                return false;
        } else if (v->is_number()) {
            s->useThreshold = true;
            s->threshold = v->get<double>();
        } else {
            return reader.fail(JsonFieldReader::child(path, "threshold"),
                               "expected a number or null (threshold decoding off), got "
                                   + JsonFieldReader::typeName(*v));
        }
    }
    return true;
}

Result<GenerationSettings> settingsFromJson(const json &object, const std::string &where)
{
    JsonFieldReader reader(where);
    GenerationSettings s;
    if (!applySettingsJson(object, std::string(), reader, &s))
        return Result<GenerationSettings>::failure(reader.error());
    return s;
}

std::string settingsToJsonText(const GenerationSettings &settings)
{
    return settingsToJson(settings).dump(2);
}

Result<GenerationSettings> settingsFromJsonText(const std::string &text, const std::string &where)
{
    json j;
    std::string error;
    if (!parseJsonText(text, where, &j, &error))
        return Result<GenerationSettings>::failure(error);
    return settingsFromJson(j, where);
}

Result<GenerationSettings> loadGenerationConfig(const std::string &modelDir, const GenerationSettings &base)
{
    const std::string path = joinPath(modelDir, "generation_config.json");
    if (!fileExists(path))
        return base;
    auto text = readTextFile(path, kMaxConfigBytes);
    if (!text)
        return Result<GenerationSettings>::failure(text.error());
    json j;
    std::string error;
    if (!parseJsonText(*text, path, &j, &error))
        return Result<GenerationSettings>::failure(error);
    JsonFieldReader reader(path);
    GenerationSettings s = base;
    if (!applySettingsJson(j, std::string(), reader, &s))
        return Result<GenerationSettings>::failure(reader.error());
    return s;
}

bool SettingsOverrides::empty() const
{
    return !genLength && !steps && !blockLength && !temperature && !measure && !threshold && !useThreshold
           && !cfgScale && !seed && !topK && !dtype && !threads;
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

Status parseOverride(const std::string &rawKey, const std::string &value, SettingsOverrides *o)
{
    const std::string key = normalisedKey(rawKey);
    auto bad = [&](const char *expected) {
        return Status::failure(rawKey + ": expected " + expected + ", got '" + value + "'");
    };
    auto intField = [&](std::optional<int> *field) {
        int v = 0;
        if (!parseIntText(value, &v))
            return bad("an integer");
        *field = v;
        return Status();
    };
    auto doubleField = [&](std::optional<double> *field) {
        double v = 0.0;
        if (!parseDoubleText(value, &v))
            return bad("a finite number");
        *field = v;
        return Status();
    };

    if (key == "gen_length")
        return intField(&o->genLength);
    if (key == "steps")
        return intField(&o->steps);
    if (key == "block_length")
        return intField(&o->blockLength);
    if (key == "top_k")
        return intField(&o->topK);
    if (key == "threads")
        return intField(&o->threads);
    if (key == "temperature")
        return doubleField(&o->temperature);
    if (key == "cfg_scale")
        return doubleField(&o->cfgScale);
    if (key == "threshold") {
        if (value == "off" || value == "none") {
            o->threshold.reset();
            o->useThreshold = false;
            return {};
        }
        return doubleField(&o->threshold);
    }
    if (key == "use_threshold") {
        bool v = false;
        if (!parseBoolText(value, &v))
            return bad("true or false");
        o->useThreshold = v;
        return {};
    }
    if (key == "seed") {
        uint64_t v = 0;
        if (!parseUInt64Text(value, &v))
            return bad("a non-negative integer below 2^64");
        o->seed = v;
        return {};
    }
    if (key == "remasking") {
        const auto m = parseMeasure(value);
        if (!m)
            return Status::failure(rawKey + ": " + m.error());
        o->measure = *m;
        return {};
    }
    if (key == "dtype") {
        const auto d = parseComputeDType(value);
        if (!d)
            return Status::failure(rawKey + ": " + d.error());
        o->dtype = *d;
        return {};
    }
    return Status::failure("unknown setting '" + rawKey
                           + "' (expected gen_length, steps, block_length, temperature, remasking, threshold, "
                             "use_threshold, cfg_scale, seed, top_k, dtype or threads)");
}

} // namespace dlm
