// Broken timeline files: every kind of damage is refused with a message naming the file and the JSON path.

#include "core/timeline/timeline_json.h"
#include "sample_timeline.h"

#include <QtTest>

#include <QFile>
#include <QTemporaryDir>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using namespace dlm;
using namespace dlm::testing;

class TestTimelineJsonErrors : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void loadFailures()
    {
        QTemporaryDir dir;
        const auto missing = loadTimeline(dir.filePath(QStringLiteral("absent.json")).toStdString());
        QVERIFY(!missing.ok());
        QVERIFY(QString::fromStdString(missing.error()).contains(QLatin1String("absent.json")));

        // Over the size limit: refused from the file size alone (a sparse file costs no disk).
        const QString huge = dir.filePath(QStringLiteral("huge.json"));
        QFile f(huge);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.resize(qint64(kTimelineMaxFileBytes) + 1));
        f.close();
        const auto big = loadTimeline(huge.toStdString());
        QVERIFY(!big.ok());
        QVERIFY2(QString::fromStdString(big.error()).contains(QLatin1String("limit")), big.error().c_str());
    }

    void malformed_data()
    {
        // mode: "set" replaces the value at a JSON pointer, "remove" deletes it, "raw" replaces the whole
        // text, "truncate" keeps the first half, "replace" substitutes bytes in the valid text.
        QTest::addColumn<QString>("mode");
        QTest::addColumn<QByteArray>("pointer");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QString>("fragment");
        const QByteArray r1 = "/branches/0/records/1";
        const QByteArray r2 = "/branches/0/records/2";
        auto row = [](const char *name, const char *mode, const QByteArray &pointer, const QByteArray &value,
                       const char *fragment) {
            QTest::newRow(name) << QString::fromLatin1(mode) << pointer << value << QString::fromUtf8(fragment);
        };
        row("not json", "raw", "", "this is not json", "run.json: not valid JSON");
        row("empty file", "raw", "", "", "run.json: not valid JSON");
        row("truncated", "truncate", "", "", "run.json: not valid JSON");
        row("top level array", "raw", "", "[1, 2, 3]", "not a DLM Studio timeline");
        row("no format", "remove", "/format", "", "not a DLM Studio timeline (no \"format\" field)");
        row("wrong format", "set", "/format", "\"dlmstudio-project\"",
            "run.json: $.format: expected \"dlmstudio-timeline\"");
        row("newer version", "set", "/version", "3",
            "run.json: $: written by a newer DLM Studio (version 3); this build reads up to 2");
        row("version zero", "set", "/version", "0", "$.version: unsupported version 0");
        row("version as string", "set", "/version", "\"1\"", "$.version: expected an integer, got \"1\"");
        row("missing settings", "remove", "/settings", "", "run.json: $.settings: the required field is missing");
        row("settings not an object", "set", "/settings", "7", "run.json: $.settings: expected an object, got 7");
        row("settings wrong type", "set", "/settings/temperature", "\"hot\"",
            "$.settings.temperature: expected a number, got \"hot\"");
        row("vocab huge", "set", "/model/vocab_size", "1000000000000",
            "$.model.vocab_size: the value 1000000000000 is outside");
        row("mask id out of range", "set", "/model/mask_id", "100", "$.model.mask_id: the value 100 is outside");
        row("prompt id out of range", "set", "/prompt/ids/2", "100",
            "$.prompt.ids[2]: id 100 is outside the vocabulary (100)");
        row("piece id out of range", "set", "/pieces/0/0", "-1", "$.pieces[0][0]: id -1 is outside the vocabulary");
        row("piece not a pair", "set", "/pieces/1", "[6]", "$.pieces[1]: expected an [id, piece] pair");
        row("duplicate piece", "set", "/pieces/1/0", "5", "$.pieces: id 5 appears more than once");
        row("non-UTF-8 piece", "replace", "\xe2\x96\x81the", "\xff\xfethe", "UTF-8");
        row("overlong UTF-8 piece", "replace", "\xe2\x96\x81the", "\xc0\xafthe", "UTF-8");
        row("token id out of range", "set", r1 + "/tokens/5", "99999",
            "run.json: $.branches[0].records[1].tokens[5]: id 99999 is outside the vocabulary (100)");
        row("negative token", "set", r1 + "/tokens/0", "-1", "records[1].tokens[0]: id -1 is outside");
        row("fractional token", "set", r1 + "/tokens/0", "5.5", "tokens[0]: expected a token id, got 5.5");
        row("canvas length differs", "set", r1 + "/tokens", "[1, 2, 3]",
            "branches[0].records[1].tokens: has 3 positions, but the timeline's canvas has 12");
        row("states too short", "set", r1 + "/states", "\"pp\"", "records[1].states: has 2 entries, expected 12");
        row("unknown state", "set", "/branches/0/records/0/states", "\"ppppxmmmmmmm\"",
            "branches[0].records[0].states[4]: unknown state code 'x'");
        row("unknown state name", "set", "/branches/0/records/0/states",
            "[\"prompt\",\"prompt\",\"prompt\",\"prompt\",\"frozen\",\"masked\",\"masked\",\"masked\",\"masked\","
            "\"masked\",\"masked\",\"masked\"]",
            "states[4]: unknown state \"frozen\"");
        row("dense array wrong length", "set", r2 + "/confidence", "[0.5]",
            "branches[0].records[2].confidence: has 1 entries, expected 12 (one per canvas position)");
        row("sparse array wrong length", "set", r1 + "/margin", "[0.5]",
            "records[1].margin: has 1 entries, expected 4 (one per considered position)");
        row("top ids wrong length", "set", r2 + "/top_ids", "[1, 2]", "records[2].top_ids: has 2 entries, expected 24");
        row("candidate out of range", "set", r1 + "/candidates/4", "-5", "candidates[4]: id -5 is outside");
        row("top id out of range", "set", r2 + "/top_ids/0", "100", "top_ids[0]: id 100 is outside");
        row("confidence not a number", "set", r2 + "/confidence/0", "\"high\"",
            "records[2].confidence[0]: expected a number, null (minus infinity)");
        row("float overflow", "set", r2 + "/confidence/4", "1e300",
            "confidence[4]: the number 1e+300 is outside the range");
        row("huge top_k", "set", r1 + "/top_k", "1000000000", "records[1].top_k: the value 1000000000 is outside");
        row("unknown layout", "set", r1 + "/predictions", "\"zipped\"", "records[1].predictions: unknown layout");
        row("missing fill", "remove", r1 + "/fill", "", "$.branches[0].records[1].fill: the required field is missing");
        row("committed outside canvas", "set", r1 + "/committed/0", "12",
            "branches[0].records[1].committed[0]: position 12 is outside the canvas (12 positions)");
        row("remasked negative", "set", r1 + "/remasked/1", "-1", "remasked[1]: position -1 is outside the canvas");
        row("flag outside canvas", "set", "/branches/0/records/0/flags/0/0", "40",
            "flags[0][0]: position 40 is outside");
        row("unknown kind", "set", r1 + "/kind", "\"dream\"", "records[1].kind: unknown record kind \"dream\"");
        row("unknown edit type", "set", "/branches/0/records/3/edit/type", "\"paste\"", "edit.type: unknown edit type");
        row("edit tokens mismatch", "set", "/branches/0/records/3/edit/tokens", "[42]",
            "edit.tokens: has 1 tokens for 2 positions");
        row("branch id mismatch", "set", "/branches/1/id", "7", "branches[1].id: id 7 does not match");
        row("parent is later", "set", "/branches/1/parent", "5",
            "branches[1].parent: parent 5 does not refer to an earlier branch");
        row("parent is itself", "set", "/branches/1/parent", "1", "parent 1 does not refer to an earlier branch");
        row("fork index out of range", "set", "/branches/1/fork_index", "50",
            "branches[1].fork_index: fork_index 50 is outside the parent branch (branch 0 has 4 records)");
        row("fork index negative", "set", "/branches/3/fork_index", "-1", "branches[3].fork_index: fork_index -1");
        row("root with fork index", "set", "/branches/0/fork_index", "2", "branches[0].fork_index: must be -1");
        row("root without records", "set", "/branches/0/records", "[]",
            "branches[0].records: a branch needs at least one record");
        row("records not an array", "set", "/branches/0/records", "{}",
            "$.branches[0].records: expected an array, got an object");
    }
    void malformed()
    {
        QFETCH(QString, mode);
        QFETCH(QByteArray, pointer);
        QFETCH(QByteArray, value);
        QFETCH(QString, fragment);
        const std::string valid = timelineToJson(makeSampleTimeline());
        std::string text;
        if (mode == QLatin1String("raw")) {
            text = value.toStdString();
        } else if (mode == QLatin1String("truncate")) {
            text = valid.substr(0, valid.size() / 2);
        } else if (mode == QLatin1String("replace")) {
            text = valid;
            const std::string from = pointer.toStdString();
            const size_t at = text.find(from);
            QVERIFY(at != std::string::npos);
            text.replace(at, from.size(), value.toStdString());
        } else {
            nlohmann::json j = nlohmann::json::parse(valid);
            const nlohmann::json::json_pointer ptr(pointer.toStdString());
            QVERIFY2(j.contains(ptr), pointer.constData());
            if (mode == QLatin1String("set")) {
                j[ptr] = nlohmann::json::parse(value.toStdString());
            } else {
                const auto parent = ptr.parent_pointer();
                j[parent].erase(ptr.back());
            }
            text = j.dump();
        }
        const auto r = timelineFromJson(text, "run.json");
        QVERIFY2(!r.ok(), qPrintable(mode + QLatin1Char(' ') + QString::fromLatin1(pointer)));
        QVERIFY2(QString::fromStdString(r.error()).contains(fragment), r.error().c_str());
    }

    void chatMessagesAndSpecialIds()
    {
        // Optional keys: written only when set, read back as written, named in messages when malformed.
        Timeline t = makeSampleTimeline();
        QVERIFY(timelineToJson(t).find("special_ids") == std::string::npos);
        QVERIFY(timelineToJson(t).find("messages") == std::string::npos);
        t.chatMessages = {{"system", "Be brief."}, {"user", "Hi \u2713"}};
        t.specialIds = {t.pieces.front().first};
        auto back = timelineFromJson(timelineToJson(t), "run.json");
        QVERIFY2(back.ok(), back.error().c_str());
        QVERIFY(back->chatMessages == t.chatMessages);
        QCOMPARE(back->specialIds, t.specialIds);
        QVERIFY(back->isSpecial(t.pieces.front().first));
        QVERIFY(!back->isSpecial(t.pieces.back().first));

        const std::pair<const char *, const char *> bad[] = {
            {"/prompt/messages", "7"},
            {"/prompt/messages", "[{\"role\": \"user\"}]"},
            {"/special_ids", "[100]"},
        };
        const char *fragments[] = {"run.json: $.prompt.messages: expected an array, got 7",
            "$.prompt.messages[0].content: the required field is missing",
            "$.special_ids[0]: id 100 is outside the vocabulary"};
        for (size_t i = 0; i < std::size(bad); ++i) {
            nlohmann::json j = nlohmann::json::parse(timelineToJson(t));
            j[nlohmann::json::json_pointer(bad[i].first)] = nlohmann::json::parse(bad[i].second);
            const auto r = timelineFromJson(j.dump(), "run.json");
            QVERIFY(!r.ok());
            QVERIFY2(r.error().find(fragments[i]) != std::string::npos, r.error().c_str());
        }
    }

    void deeplyNestedValues()
    {
        // Hostile nesting is refused before parsing, so nothing that walks the document can overflow the stack.
        const std::string deep = std::string(100000, '[') + std::string(100000, ']');
        const auto format = timelineFromJson("{\"format\":" + deep + "}", "run.json");
        QVERIFY(!format.ok());
        QVERIFY2(QString::fromStdString(format.error())
                     .contains(QLatin1String("run.json: not valid JSON: arrays and "
                                             "objects nest deeper than 64 levels")),
            format.error().c_str());

        // Within the limit, the value reaches the reader and is refused for its type, at its path.
        std::string text = timelineToJson(makeSampleTimeline());
        const std::string kind = "\"kind\":\"denoise\"";
        text.replace(text.find(kind), kind.size(), "\"kind\":" + std::string(50, '[') + std::string(50, ']'));
        const auto r = timelineFromJson(text, "run.json");
        QVERIFY(!r.ok());
        QVERIFY2(QString::fromStdString(r.error()).contains(
                     QLatin1String("$.branches[0].records[1].kind: expected a string")),
            r.error().c_str());
    }

    void canvasOverLimit()
    {
        nlohmann::json j = nlohmann::json::parse(timelineToJson(makeSampleTimeline()));
        j["branches"][0]["records"][0]["tokens"] = std::vector<int>(size_t(kTimelineMaxCanvas) + 1, 0);
        const auto r = timelineFromJson(j.dump(), "run.json");
        QVERIFY(!r.ok());
        QVERIFY2(QString::fromStdString(r.error()).contains(
                     QLatin1String("records[0].tokens: the canvas has 1000001 positions, more than the limit")),
            r.error().c_str());
    }
};

QTEST_GUILESS_MAIN(TestTimelineJsonErrors)
#include "test_timeline_json_errors.moc"
