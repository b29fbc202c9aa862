#include "core/export/html_player.h"

#include "core/text/piece_text.h"

#include "player_template.h" // generated from resources/player/ by cmake/EmbedPlayer.cmake

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <utility>
#include <vector>

namespace dlm {

namespace {

using ojson = nlohmann::ordered_json; // keeps keys in the order written, so the embedded data reads well

/** A float as the shortest double that prints like it; JSON has no NaN or infinity, so those become null. */
ojson number(float v)
{
    if (!std::isfinite(v))
        return nullptr;
    const std::string text = exportNumber(v);
    double d = 0.0;
    std::from_chars(text.data(), text.data() + text.size(), d);
    return d;
}

const char kStateCodes[] = {'p', 'm', 'r', 'n', 'c', 'e'}; // indexed by PositionState, as in the file format

ojson settingsJson(const GenerationSettings &s)
{
    ojson j;
    j["gen_length"] = s.genLength;
    j["steps"] = s.steps;
    j["block_length"] = s.blockLength;
    j["temperature"] = s.temperature;
    j["remasking"] = measureName(s.measure);
    j["threshold"] = s.useThreshold ? ojson(s.threshold) : ojson(nullptr);
    j["cfg_scale"] = s.cfgScale;
    j["seed"] = std::to_string(s.seed); // a string: JavaScript numbers hold only 53 bits
    j["top_k"] = s.topK;
    return j;
}

/**
 * The positions whose text needs their neighbours: byte pieces that spell one character together, as
 * [position, text] pairs (the character at the first, "" at the others). Everything else the player spells
 * per id from the pieces table, so the page holds each spelling once.
 */
ojson joinedCharacters(const Timeline &timeline, const StepRecord &r)
{
    std::vector<std::string> pieces;
    for (int32_t token : r.tokens)
        pieces.push_back(timeline.pieceOf(token));
    const std::vector<std::string> texts = sequenceTexts(pieces);
    ojson joined = ojson::array();
    for (size_t i = 0; i < pieces.size(); ++i) {
        if (texts[i] != pieceText(pieces[i]))
            joined.push_back(ojson::array({i, texts[i]}));
    }
    return joined;
}

ojson recordJson(const Timeline &timeline, const StepRecord &r, std::set<int32_t> &ids)
{
    ojson j;
    j["kind"] = recordKindName(r.kind);
    j["denoise_step"] = r.denoiseStep;
    j["block"] = r.block;
    j["step_in_block"] = r.stepInBlock;
    j["tokens"] = r.tokens;
    j["joined"] = joinedCharacters(timeline, r);
    ids.insert(r.tokens.begin(), r.tokens.end());
    std::string states;
    ojson locked = ojson::array();
    for (int pos = 0; pos < r.length(); ++pos) {
        states += kStateCodes[static_cast<int>(stateAt(r, pos))];
        if (lockedAt(r, pos))
            locked.push_back(pos);
    }
    j["states"] = states;
    j["locked"] = locked;

    ojson predictions = ojson::array();
    for (int pos = 0; pos < r.length(); ++pos) {
        const int32_t candidate = candidateAt(r, pos);
        if (candidate < 0)
            continue;
        ids.insert(candidate);
        ojson top = ojson::array();
        for (int k = 0; k < r.topK; ++k) {
            const size_t at = static_cast<size_t>(pos) * static_cast<size_t>(r.topK) + static_cast<size_t>(k);
            if (at >= r.topIds.size() || at >= r.topProbs.size() || r.topIds[at] < 0)
                break;
            ids.insert(r.topIds[at]);
            top.push_back(ojson::array({r.topIds[at], number(r.topProbs[at])}));
        }
        predictions.push_back({{"pos", pos}, {"id", candidate}, {"conf", number(valueAt(r.confidence, pos))},
            {"p", number(valueAt(r.probability, pos))}, {"margin", number(valueAt(r.margin, pos))},
            {"entropy", number(valueAt(r.entropy, pos))}, {"top", top}});
    }
    j["predictions"] = predictions;
    j["quota"] = r.quota;
    j["threshold"] = std::isfinite(r.threshold) ? ojson(r.threshold) : ojson(nullptr);
    j["committed"] = r.committed;
    j["remasked"] = r.remasked;
    if (r.kind == RecordKind::Edit) {
        j["edit"] = {{"type", editTypeName(r.edit.type)}, {"positions", r.edit.positions}, {"text", r.edit.text}};
        ids.insert(r.edit.tokens.begin(), r.edit.tokens.end());
    }
    return j;
}

/** JSON that is safe inside a <script> element: "<", ">" and "&" only occur inside strings, as \u escapes. */
std::string scriptSafe(const std::string &json)
{
    std::string out;
    out.reserve(json.size() + json.size() / 16);
    for (char c : json) {
        if (c == '<')
            out += "\\u003c";
        else if (c == '>')
            out += "\\u003e";
        else if (c == '&')
            out += "\\u0026";
        else
            out += c;
    }
    return out;
}

std::string htmlEscape(const std::string &text)
{
    std::string out;
    for (char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

/**
 * Puts each value where its marker stands in the template. Markers are found in the template alone, never
 * in inserted text, so a piece or model name that spells a marker changes nothing. A marker missing or
 * repeated is a build mistake and reported as such.
 */
bool fillTemplate(
    const std::string &page, const std::vector<std::pair<std::string, std::string>> &values, std::string *out)
{
    std::vector<std::pair<size_t, size_t>> at; // (offset in the template, index into values)
    for (size_t i = 0; i < values.size(); ++i) {
        const std::string &marker = values[i].first;
        const size_t pos = page.find(marker);
        if (pos == std::string::npos || page.find(marker, pos + 1) != std::string::npos)
            return false;
        at.emplace_back(pos, i);
    }
    std::sort(at.begin(), at.end());
    size_t copied = 0;
    out->clear();
    for (const auto &[pos, i] : at) {
        *out += page.substr(copied, pos - copied);
        *out += values[i].second;
        copied = pos + values[i].first.size();
    }
    *out += page.substr(copied);
    return true;
}

} // namespace

Result<std::string> timelinePlayerData(const Timeline &timeline, const PlayerExportOptions &options)
{
    using R = Result<std::string>;
    if (options.branch == kAllBranches)
        return R::failure("the player replays one branch; choose one");
    const Status valid = checkExportSelection(timeline, options.branch, {options.startRecord});
    if (!valid)
        return R::failure(valid.error());
    const Branch &b = timeline.branch(options.branch);

    std::set<int32_t> ids;
    ojson records = ojson::array();
    for (int i = 0; i < b.size(); ++i)
        records.push_back(recordJson(timeline, b.at(i), ids));
    ojson pieces = ojson::array();
    for (int32_t id : ids) {
        if (id >= 0)
            pieces.push_back(ojson::array({id, timeline.pieceOf(id), pieceText(timeline.pieceOf(id))}));
    }

    ojson root;
    root["format"] = "dlmstudio-player";
    root["version"] = 1;
    root["model"] = {{"name", timeline.model.name}, {"mask_id", timeline.model.maskId}};
    root["settings"] = settingsJson(timeline.settings);
    root["prompt"] = {{"text", timeline.promptText}, {"length", timeline.promptIds.size()}};
    root["branch"] = {{"id", options.branch}, {"label", b.label}, {"parent", b.parent}, {"fork_index", b.forkIndex}};
    root["start"] = options.startRecord;
    root["pieces"] = pieces;
    root["records"] = records;
    // Invalid UTF-8 (possible only in a timeline built in memory) becomes U+FFFD instead of throwing.
    return scriptSafe(root.dump(-1, ' ', false, ojson::error_handler_t::replace));
}

Result<std::string> timelinePlayerHtml(const Timeline &timeline, const PlayerExportOptions &options)
{
    auto data = timelinePlayerData(timeline, options);
    if (!data)
        return data;
    const std::string title
        = "DLM Studio replay" + (timeline.model.name.empty() ? std::string() : " \xe2\x80\x94 " + timeline.model.name);
    std::string page;
    if (!fillTemplate(player_template::kHtml,
            {{"@PLAYER_TITLE@", htmlEscape(title)}, {"@PLAYER_CSS@", player_template::kCss},
                {"@PLAYER_JS@", player_template::kJs}, {"@PLAYER_DATA@", *data}},
            &page))
        return Result<std::string>::failure("the built-in player template is damaged (a marker is missing)");
    return page;
}

} // namespace dlm
