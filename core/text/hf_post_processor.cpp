#include "core/text/hf_post_processor.h"

#include "core/text/hf_json.h"

#include <sstream>

namespace dlm {

namespace {

/** One element of a template: the sequence itself (empty ids) or a special token's ids. */
struct TemplatePart
{
    bool sequence = false;
    std::vector<int32_t> ids;
};

std::vector<int32_t> specialIds(const nlohmann::json &specials, const std::string &name, const std::string &path)
{
    const auto it = specials.find(name);
    if (it == specials.end())
        hfFail(path, "special token '" + name + "' is not in special_tokens");
    std::vector<int32_t> ids;
    const std::string tokenPath = hfPath(hfPath(path, "special_tokens"), name);
    for (const nlohmann::json &id : hfArray(*it, tokenPath, "ids"))
        ids.push_back(hfId(id, hfPath(tokenPath, "ids")));
    return ids;
}

HfPostProcessor makeTemplate(const nlohmann::json &j, const std::string &path)
{
    const nlohmann::json &single = hfRequire(j, path, "single");
    const nlohmann::json specials = j.value("special_tokens", nlohmann::json::object());
    const std::string where = hfPath(path, "single");
    std::vector<TemplatePart> parts;
    if (single.is_array()) {
        for (size_t i = 0; i < single.size(); ++i) {
            const std::string itemPath = where + "[" + std::to_string(i) + "]";
            const nlohmann::json &item = single[i];
            if (item.contains("Sequence"))
                parts.push_back({true, {}});
            else if (item.contains("SpecialToken"))
                parts.push_back({false, specialIds(specials, hfString(item["SpecialToken"], itemPath, "id"), path)});
            else
                hfFail(itemPath, "expected {\"Sequence\": ...} or {\"SpecialToken\": ...}");
        }
    } else if (single.is_string()) {
        // The short form: "<s> $A" (a ":1" suffix gives a type id, which does not change ids).
        std::istringstream words(single.get<std::string>());
        for (std::string word; words >> word;) {
            const size_t colon = word.rfind(':');
            if (colon != std::string::npos && colon > 0)
                word.resize(colon);
            if (word[0] == '$')
                parts.push_back({true, {}});
            else
                parts.push_back({false, specialIds(specials, word, path)});
        }
    } else {
        hfFail(where, "expected a list or a string");
    }
    return [parts](const std::vector<int32_t> &ids) {
        std::vector<int32_t> out;
        for (const TemplatePart &part : parts)
            out.insert(
                out.end(), part.sequence ? ids.begin() : part.ids.begin(), part.sequence ? ids.end() : part.ids.end());
        return out;
    };
}

/** Roberta's and Bert's ["<s>", 0] pairs. */
int32_t pairId(const nlohmann::json &j, const std::string &path, const char *key)
{
    const nlohmann::json &pair = hfRequire(j, path, key);
    if (!pair.is_array() || pair.size() != 2)
        hfFail(hfPath(path, key), "expected [\"token\", id]");
    return hfId(pair[1], hfPath(path, key) + "[1]");
}

} // namespace

HfPostProcessor makeHfPostProcessor(const nlohmann::json &j, const std::string &path)
{
    if (j.is_null())
        return {};
    const std::string type = hfString(j, path, "type");
    if (type == "ByteLevel")
        return {};
    if (type == "TemplateProcessing")
        return makeTemplate(j, path);
    if (type == "RobertaProcessing" || type == "BertProcessing") {
        const int32_t cls = pairId(j, path, "cls"), sep = pairId(j, path, "sep");
        return [cls, sep](const std::vector<int32_t> &ids) {
            std::vector<int32_t> out {cls};
            out.insert(out.end(), ids.begin(), ids.end());
            out.push_back(sep);
            return out;
        };
    }
    if (type == "Sequence") {
        const nlohmann::json &list = hfArray(j, path, "processors");
        std::vector<HfPostProcessor> stages;
        for (size_t i = 0; i < list.size(); ++i) {
            HfPostProcessor stage
                = makeHfPostProcessor(list[i], hfPath(path, "processors") + "[" + std::to_string(i) + "]");
            if (stage)
                stages.push_back(std::move(stage));
        }
        if (stages.empty())
            return {};
        return [stages](const std::vector<int32_t> &ids) {
            std::vector<int32_t> out = ids;
            for (const HfPostProcessor &stage : stages)
                out = stage(out);
            return out;
        };
    }
    hfFail(hfPath(path, "type"), "post-processor type '" + type + "' is not supported");
}

} // namespace dlm
