#pragma once
// The timeline both export tests work on (test_exports: the exporters in-process; test_exports_cli: the
// `export` command), and the helpers they share: a real run of the tiny random model with an edit that
// forks a branch, with planted pieces that exercise quoting and escaping.

#include "core/base/compute_threads.h"
#include "core/model/model_loader.h"
#include "core/session/session.h"
#include "core/timeline/timeline_json.h"
#include "tiny_model.h"

#include <QString>
#include <QTemporaryDir>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace dlm::testing {

// Pieces planted in the timeline to exercise quoting and escaping; the exporters read pieces from the
// timeline alone, so this is exactly what a hostile or unusual file would give them.
inline const std::string kCsvPiece = "a,\"b\"\nc";
inline const std::string kMarkupPiece = "|x\\y_*#$%&{}~^<>";
inline const std::string kScriptPiece = "</script><!--x @PLAYER_JS@";

using CsvRows = std::vector<std::vector<std::string>>;

/** An RFC 4180 reader, independent of the writer: quoted fields with doubled quotes and embedded breaks. */
inline bool parseCsv(const std::string &text, CsvRows *rows)
{
    rows->clear();
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, fieldStarted = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            if (fieldStarted && !field.empty())
                return false; // a quote in the middle of an unquoted field
            quoted = true;
            fieldStarted = true;
        } else if (c == ',') {
            row.push_back(field);
            field.clear();
            fieldStarted = false;
        } else if (c == '\n') {
            row.push_back(field);
            rows->push_back(row);
            row.clear();
            field.clear();
            fieldStarted = false;
        } else {
            field += c;
            fieldStarted = true;
        }
    }
    return !quoted && row.empty() && field.empty(); // the text ends with a complete line
}

/** A CSV number cell as a float (strtof: denormals and "inf" included); empty is NaN. */
inline float cellFloat(const std::string &cell)
{
    return cell.empty() ? std::nanf("") : std::strtof(cell.c_str(), nullptr);
}

inline bool sameFloat(float a, float b)
{
    return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(a) && std::isnan(b));
}

inline int countOf(const std::string &text, const std::string &what)
{
    int n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size()))
        ++n;
    return n;
}

inline std::string lower(std::string s)
{
    for (char &c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

/** Masked positions of a record from `from` on: what a table row must show as mask symbols. */
inline int masksFrom(const StepRecord &r, int from)
{
    int n = 0;
    for (int pos = from; pos < r.length(); ++pos) {
        const PositionState s = r.states[static_cast<size_t>(pos)];
        n += s == PositionState::Masked || s == PositionState::Remasked ? 1 : 0;
    }
    return n;
}

/** The run, saved in a temporary folder. */
struct ExportFixture
{
    QTemporaryDir dir;
    Timeline timeline;
    QString timelinePath;
    int promptLength = 0;
    std::vector<int32_t> planted; ///< token ids whose pieces were replaced: csv, markup, script

    const Branch &fork() const { return timeline.branch(1); }

    /** Makes the model, runs it, edits at record 2 (forking branch 1), locks, runs on, saves. Returns the
     *  problem, or an empty string. */
    std::string make()
    {
        if (!dir.isValid())
            return "no temporary folder";
        const std::string modelDir = dir.filePath(QStringLiteral("tiny")).toStdString();
        auto config = writeTinyModel(modelDir);
        if (!config)
            return config.error();
        setComputeThreads(1);
        auto loaded = loadModelDirectory(modelDir);
        if (!loaded)
            return loaded.error();

        GenerationSettings s;
        s.genLength = 12;
        s.steps = 6;
        s.blockLength = 4; // three blocks: some masks are never considered in a step
        s.topK = 3;
        s.seed = 7;
        auto created = Session::create(loaded->model, loaded->tokenizer, s, "The cat sat");
        if (!created)
            return created.error();
        Session &session = **created;
        if (!session.run(nullptr).ok())
            return "the run failed";
        promptLength = session.promptLength();

        // Edit in the past: three tokens at record 2 fork branch 1; then lock one of them and run to the end.
        for (int32_t id = 10; planted.size() < 3; ++id) {
            if (id != config->maskTokenId && id != config->eosTokenId)
                planted.push_back(id);
        }
        if (!session.goTo(2).ok())
            return "cannot go to record 2";
        const Status edited = session.setTokens(promptLength + 6, planted);
        if (!edited)
            return edited.error();
        const Status locked = session.setLocked({promptLength + 7}, true);
        if (!locked)
            return locked.error();
        if (!session.run(nullptr).ok())
            return "the run after the edit failed";

        timeline = session.timeline();
        if (timeline.branchCount() != 2 || fork().forkIndex != 2)
            return "the edit did not fork branch 1 at record 2";
        for (auto &[id, piece] : timeline.pieces) {
            if (id == planted[0])
                piece = kCsvPiece;
            else if (id == planted[1])
                piece = kMarkupPiece;
            else if (id == planted[2])
                piece = kScriptPiece;
        }
        if (timeline.pieceOf(planted[2]) != kScriptPiece)
            return "the planted piece did not take";

        timelinePath = dir.filePath(QStringLiteral("run.json"));
        const Status saved = saveTimeline(timeline, timelinePath.toStdString());
        if (!saved)
            return saved.error();
        return {};
    }
};

} // namespace dlm::testing
