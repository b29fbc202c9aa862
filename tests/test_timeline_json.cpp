// The timeline file: lossless round trips, atomic saving, and a clear message for every kind of broken file.

#include "core/timeline/timeline.h"
#include "core/timeline/timeline_json.h"

#include <QtTest>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <limits>


using namespace dlm;

namespace {

constexpr int32_t kMask = 99;
constexpr int kPrompt = 4;
constexpr int kLength = 12;
const float kNegInf = -std::numeric_limits<float>::infinity();

StepRecord initialRecord()
{
    StepRecord r;
    r.kind = RecordKind::Initial;
    r.tokens = {5, 6, 7, 8};
    r.states.assign(kPrompt, PositionState::Prompt);
    r.tokens.resize(kLength, kMask);
    r.states.resize(kLength, PositionState::Masked);
    r.flags.assign(kLength, 0);
    r.flags[11] = FlagLocked;
    return r;
}

/** A denoise record whose unconsidered positions hold uniform fill values (written in "considered" layout). */
StepRecord sparseDenoise(const StepRecord &prev)
{
    StepRecord r = prev;
    r.kind = RecordKind::Denoise;
    r.denoiseStep = 1;
    r.stepInBlock = 1;
    r.topK = 2;
    r.candidates.assign(kLength, -1);
    r.confidence.assign(kLength, kNegInf);
    r.probability.assign(kLength, 0.0f);
    r.margin.assign(kLength, 0.0f);
    r.entropy.assign(kLength, 0.0f);
    r.topIds.assign(kLength * 2, -1);
    r.topProbs.assign(kLength * 2, 0.0f);
    // Values chosen to catch lossy float printing: a non-terminating binary fraction, a denormal, the
    // largest float, a tiny normal, and minus zero.
    const float conf[] = {0.1f, 1e-45f, 3.4028235e38f, 1.17549435e-38f};
    for (int i = 0; i < 4; ++i) {
        const int pos = kPrompt + i;
        r.candidates[pos] = 20 + i;
        r.confidence[pos] = conf[i];
        r.probability[pos] = 1.0f / 3.0f + float(i);
        r.margin[pos] = i == 0 ? -0.0f : 0.2f * float(i);
        r.entropy[pos] = std::log(2.0f) * float(i);
        r.topIds[pos * 2] = 20 + i;
        r.topIds[pos * 2 + 1] = 0;
        r.topProbs[pos * 2] = 0.6f;
        r.topProbs[pos * 2 + 1] = 0.4f - 1e-7f * float(i);
    }
    r.quota = 2;
    r.committed = {5, 4};
    r.remasked = {6, 7};
    r.tokens[4] = 20;
    r.tokens[5] = 21;
    r.states[4] = r.states[5] = PositionState::CommittedThisStep;
    r.states[6] = r.states[7] = PositionState::Remasked;
    r.forwardMs = 12.5;
    r.samplerMs = 1.0 / 3.0;
    r.recordMs = 0.01;
    return r;
}

/** A threshold-mode denoise record with irregular unconsidered values (written densely), NaN and +inf. */
StepRecord denseDenoise(const StepRecord &prev)
{
    StepRecord r = sparseDenoise(prev);
    r.denoiseStep = 2;
    r.stepInBlock = 2;
    r.tokens[6] = 22;
    r.states[4] = r.states[5] = PositionState::Committed;
    r.states[6] = PositionState::CommittedThisStep;
    r.states[7] = PositionState::Remasked;
    r.candidates[4] = r.candidates[5] = -1;
    r.probability[0] = std::numeric_limits<float>::quiet_NaN();
    r.entropy[1] = std::numeric_limits<float>::infinity();
    r.quota = -1;
    r.threshold = 0.9;
    r.committed = {6};
    r.remasked = {7};
    r.forwardMs = std::numeric_limits<double>::infinity();
    return r;
}

StepRecord editRecord(const StepRecord &prev, EditInfo::Type type, std::vector<int32_t> positions,
                      std::vector<int32_t> tokens, std::string text)
{
    StepRecord r = prev;
    r.kind = RecordKind::Edit;
    r.candidates.clear(), r.confidence.clear(), r.probability.clear(), r.margin.clear(), r.entropy.clear();
    r.topIds.clear(), r.topProbs.clear();
    r.topK = 0;
    r.committed.clear(), r.remasked.clear();
    r.quota = -1;
    r.threshold = 0.0;
    r.forwardMs = r.samplerMs = r.recordMs = 0.0;
    for (size_t i = 0; i < positions.size(); ++i) {
        const auto pos = static_cast<size_t>(positions[i]);
        if (type == EditInfo::Type::SetTokens) {
            r.tokens[pos] = tokens[i];
            r.states[pos] = PositionState::Edited;
        } else if (type == EditInfo::Type::Remask) {
            r.tokens[pos] = kMask;
            r.states[pos] = PositionState::Masked;
        }
    }
    r.edit.type = type;
    r.edit.positions = std::move(positions);
    r.edit.tokens = std::move(tokens);
    r.edit.text = std::move(text);
    return r;
}

/** Root: initial, sparse denoise, dense denoise, edit. Branch 1 forks after the sparse step; branch 2 forks
 *  branch 1 at its own record and adds nothing; branch 3 forks the root's last record. */
Timeline makeTimeline()
{
    Timeline t;
    t.settings.genLength = 8;
    t.settings.steps = 4;
    t.settings.blockLength = 4;
    t.settings.topK = 2;
    t.settings.seed = 1234567890123ull;
    t.settings.temperature = 0.3;
    t.model = {"tiny-llada", std::string(64, 'a'), std::string(64, 'b'), kMask, 98, 100};
    t.promptIds = {5, 6, 7, 8};
    t.promptText = "h\xc3\xa9llo \xe2\x96\x81world \"quoted\"\n";
    t.pieces = {{5, "\xe2\x96\x81the"}, {6, "\xc3\xa9"}, {7, "\xe6\x97\xa5\xe6\x9c\xac"}, {8, "\\n\t"},
                {kMask, "<|mdm_mask|>"}};

    const StepRecord r0 = initialRecord();
    const StepRecord r1 = sparseDenoise(r0);
    const StepRecord r2 = denseDenoise(r1);
    const StepRecord r3 = editRecord(r2, EditInfo::Type::SetTokens, {8, 9}, {42, 43}, "typed \xc3\xa9");
    t.start(r0);
    t.append(0, r1);
    t.append(0, r2);
    t.append(0, r3);

    const int b1 = t.fork(0, 1);
    t.branchForLoading(b1).label = "what if: remask";
    t.append(b1, editRecord(r1, EditInfo::Type::Remask, {4}, {}, {}));
    StepRecord lock = editRecord(r1, EditInfo::Type::Lock, {10}, {}, {});
    lock.flags[10] = FlagLocked;
    t.append(b1, lock);
    t.fork(b1, 2);
    t.fork(0, 3);
    return t;
}

template <typename T>
bool sameBits(const std::vector<T> &a, const std::vector<T> &b)
{
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

bool sameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

/** The first field in which two records differ, or an empty string. Floats compare bit for bit. */
QString recordDifference(const StepRecord &a, const StepRecord &b)
{
#define DLM_SAME(field, equal) \
    if (!(equal)) \
        return QStringLiteral(#field);
    DLM_SAME(kind, a.kind == b.kind)
    DLM_SAME(denoiseStep, a.denoiseStep == b.denoiseStep)
    DLM_SAME(block, a.block == b.block)
    DLM_SAME(stepInBlock, a.stepInBlock == b.stepInBlock)
    DLM_SAME(tokens, a.tokens == b.tokens)
    DLM_SAME(states, a.states == b.states)
    DLM_SAME(flags, a.flags == b.flags)
    DLM_SAME(candidates, a.candidates == b.candidates)
    DLM_SAME(confidence, sameBits(a.confidence, b.confidence))
    DLM_SAME(probability, sameBits(a.probability, b.probability))
    DLM_SAME(margin, sameBits(a.margin, b.margin))
    DLM_SAME(entropy, sameBits(a.entropy, b.entropy))
    DLM_SAME(topK, a.topK == b.topK)
    DLM_SAME(topIds, a.topIds == b.topIds)
    DLM_SAME(topProbs, sameBits(a.topProbs, b.topProbs))
    DLM_SAME(quota, a.quota == b.quota)
    DLM_SAME(threshold, sameBits(a.threshold, b.threshold))
    DLM_SAME(committed, a.committed == b.committed)
    DLM_SAME(remasked, a.remasked == b.remasked)
    DLM_SAME(edit.type, a.edit.type == b.edit.type)
    DLM_SAME(edit.positions, a.edit.positions == b.edit.positions)
    DLM_SAME(edit.tokens, a.edit.tokens == b.edit.tokens)
    DLM_SAME(edit.text, a.edit.text == b.edit.text)
    DLM_SAME(forwardMs, sameBits(a.forwardMs, b.forwardMs))
    DLM_SAME(samplerMs, sameBits(a.samplerMs, b.samplerMs))
    DLM_SAME(recordMs, sameBits(a.recordMs, b.recordMs))
#undef DLM_SAME
    return {};
}

/** The first difference between two timelines, as a readable path, or an empty string. */
QString timelineDifference(const Timeline &a, const Timeline &b)
{
    if (a.settings != b.settings)
        return QStringLiteral("settings");
    if (a.model.name != b.model.name || a.model.configHash != b.model.configHash
        || a.model.tokenizerHash != b.model.tokenizerHash || a.model.maskId != b.model.maskId
        || a.model.eosId != b.model.eosId || a.model.vocabSize != b.model.vocabSize)
        return QStringLiteral("model");
    if (a.promptIds != b.promptIds || a.promptText != b.promptText)
        return QStringLiteral("prompt");
    if (a.pieces != b.pieces)
        return QStringLiteral("pieces");
    if (a.branchCount() != b.branchCount())
        return QStringLiteral("branch count");
    for (int i = 0; i < a.branchCount(); ++i) {
        const Branch &x = a.branch(i);
        const Branch &y = b.branch(i);
        const QString where = QStringLiteral("branch %1").arg(i);
        if (x.id != y.id || x.parent != y.parent || x.forkIndex != y.forkIndex || x.label != y.label)
            return where + QStringLiteral(" header");
        if (x.size() != y.size())
            return where + QStringLiteral(" size");
        for (int r = 0; r < x.size(); ++r) {
            const QString diff = recordDifference(x.at(r), y.at(r));
            if (!diff.isEmpty())
                return where + QStringLiteral(" record %1: %2").arg(r).arg(diff);
        }
    }
    return {};
}

void writeFile(const QString &path, const QByteArray &contents)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(contents), contents.size());
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestTimelineJson : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTripIsLossless()
    {
        const Timeline t = makeTimeline();
        const std::string text = timelineToJson(t);
        const auto back = timelineFromJson(text, "run.json");
        QVERIFY2(back.ok(), back.error().c_str());
        const QString diff = timelineDifference(t, *back);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
        // Writing what was read gives the same bytes: nothing drifts across repeated saves.
        QCOMPARE(timelineToJson(*back), text);
    }

    // Every format version DLM Studio has written must keep loading. tests/data/timeline-v<N>.json are files
    // written by the version that introduced format N (v1: `dlmstudio-cli generate --model <dlm-make-tiny-model
    // output> --prompt "the cat" --gen-length 8 --steps 4 --block-length 8 --temperature 0.5 --seed 7 --top-k 3`).
    void writtenVersionsStillLoad()
    {
        const QString path = qEnvironmentVariable("DLM_SOURCE_DIR") + QStringLiteral("/tests/data/timeline-v1.json");
        const auto t = loadTimeline(path.toStdString());
        QVERIFY2(t.ok(), t.error().c_str());
        QCOMPARE(t->promptText, std::string("the cat"));
        QCOMPARE(t->settings.genLength, 8);
        QCOMPARE(t->settings.steps, 4);
        QCOMPARE(t->settings.blockLength, 8);
        QCOMPARE(t->settings.seed, uint64_t(7));
        QCOMPARE(t->settings.topK, 3);
        QCOMPARE(t->settings.temperature, 0.5);
        QCOMPARE(t->branchCount(), 1);
        const Branch &b = t->branch(0);
        QCOMPARE(b.size(), 5); // the initial canvas and four steps
        const int32_t mask = t->model.maskId;
        const size_t prompt = t->promptIds.size();
        QCOMPARE(b.at(0).length(), static_cast<int>(prompt) + 8);
        for (int i = 0; i < b.size(); ++i) {
            const StepRecord &r = b.at(i);
            // 8 masks over 4 steps: two commits a step, and the canvas agrees with the commit lists.
            QCOMPARE(r.maskedCount(mask), 8 - 2 * i);
            QCOMPARE(static_cast<int>(r.committed.size()), i == 0 ? 0 : 2);
            for (int32_t p : r.committed) {
                QCOMPARE(r.states[static_cast<size_t>(p)], PositionState::CommittedThisStep);
                QCOMPARE(r.tokens[static_cast<size_t>(p)], r.candidates[static_cast<size_t>(p)]);
                QVERIFY(!t->pieceOf(r.tokens[static_cast<size_t>(p)]).empty());
            }
            if (i > 0)
                QCOMPARE(r.topK, 3);
        }
        // Read, then written by this build: the same bytes (the JSON -> app -> JSON round trip).
        QCOMPARE(QByteArray::fromStdString(timelineToJson(*t)), readFile(path));
    }

    void reloadSharesParentRecords()
    {
        const auto back = timelineFromJson(timelineToJson(makeTimeline()), "run.json");
        QVERIFY2(back.ok(), back.error().c_str());
        const Branch &root = back->branch(0);
        const Branch &b1 = back->branch(1);
        QCOMPARE(b1.size(), 4);
        QVERIFY(b1.records[0] == root.records[0]);
        QVERIFY(b1.records[1] == root.records[1]);
        QVERIFY(b1.records[2] != root.records[2]);
        const Branch &b2 = back->branch(2);
        QCOMPARE(b2.size(), 3);
        QVERIFY(b2.records[2] == b1.records[2]);
        QVERIFY(back->branch(3).records[3] == root.records[3]);
    }

    void fileLayout()
    {
        const nlohmann::json j = nlohmann::json::parse(timelineToJson(makeTimeline()));
        QCOMPARE(QString::fromStdString(j["format"].get<std::string>()), QStringLiteral("dlmstudio-timeline"));
        QCOMPARE(j["version"].get<int>(), 1);
        const auto &root = j["branches"][0]["records"];
        QCOMPARE(root.size(), size_t(4));
        // Branches store only their own records.
        QCOMPARE(j["branches"][1]["records"].size(), size_t(2));
        QCOMPARE(j["branches"][2]["records"].size(), size_t(0));
        // The sparse step stores four considered positions; the dense one encodes -inf as null.
        QCOMPARE(QString::fromStdString(root[1]["predictions"].get<std::string>()), QStringLiteral("considered"));
        QCOMPARE(root[1]["confidence"].size(), size_t(4));
        QVERIFY(root[1]["fill"]["confidence"].is_null());
        QVERIFY(!root[2].contains("predictions"));
        QCOMPARE(root[2]["confidence"].size(), size_t(kLength));
        QVERIFY(root[2]["confidence"][0].is_null());
        QCOMPARE(QString::fromStdString(root[2]["probability"][0].get<std::string>()), QStringLiteral("nan"));
        QCOMPARE(QString::fromStdString(root[0]["states"].get<std::string>()), QStringLiteral("ppppmmmmmmmm"));
        QCOMPARE(QString::fromStdString(root[3]["edit"]["type"].get<std::string>()), QStringLiteral("set_tokens"));
    }

    void truncatedParentRoundTrips()
    {
        // History past a point was discarded on the parent after a child forked later: the child still owns
        // records the parent no longer has, and saving must not lose them.
        Timeline t = makeTimeline();
        t.truncate(0, 0);
        const auto back = timelineFromJson(timelineToJson(t), "run.json");
        QVERIFY2(back.ok(), back.error().c_str());
        const QString diff = timelineDifference(t, *back);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
    }

    void settingsOutsideTodaysLimitsStillLoad()
    {
        // Replay needs only the records; a file must not become unreadable when limits tighten later.
        Timeline t = makeTimeline();
        t.settings.topK = 500;
        const auto back = timelineFromJson(timelineToJson(t), "run.json");
        QVERIFY2(back.ok(), back.error().c_str());
        QCOMPARE(back->settings.topK, 500);
    }

    void emptyTimelineRoundTrips()
    {
        Timeline t;
        t.model.vocabSize = 10;
        const auto back = timelineFromJson(timelineToJson(t), "empty.json");
        QVERIFY2(back.ok(), back.error().c_str());
        QVERIFY(back->empty());
    }

    void acceptsStateNames()
    {
        nlohmann::json j = nlohmann::json::parse(timelineToJson(makeTimeline()));
        nlohmann::json names = nlohmann::json::array();
        for (int i = 0; i < kLength; ++i)
            names.push_back(i < kPrompt ? "prompt" : "masked");
        j["branches"][0]["records"][0]["states"] = names;
        const auto back = timelineFromJson(j.dump(), "run.json");
        QVERIFY2(back.ok(), back.error().c_str());
        QVERIFY(back->branch(0).at(0).states == initialRecord().states);
    }

    void saveAndLoadFile()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("run.json")).toStdString();
        const Timeline t = makeTimeline();
        const Status st = saveTimeline(t, path);
        QVERIFY2(st.ok(), st.error().c_str());
        const auto back = loadTimeline(path);
        QVERIFY2(back.ok(), back.error().c_str());
        QVERIFY(timelineDifference(t, *back).isEmpty());
        // Saving again replaces the file and leaves no temporary behind.
        QVERIFY(saveTimeline(*back, path).ok());
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("run.json")});
    }

    void saveFailuresAreClear_data()
    {
        QTest::addColumn<QString>("relative");
        QTest::newRow("missing directory") << "no/such/dir/run.json";
        QTest::newRow("parent is a file") << "plain.txt/run.json";
    }
    void saveFailuresAreClear()
    {
        QFETCH(QString, relative);
        QTemporaryDir dir;
        writeFile(dir.filePath(QStringLiteral("plain.txt")), "x");
        const std::string path = dir.filePath(relative).toStdString();
        const Status st = saveTimeline(makeTimeline(), path);
        QVERIFY(!st.ok());
        QVERIFY2(QString::fromStdString(st.error()).contains(QLatin1String("run.json")), st.error().c_str());
        QVERIFY2(QString::fromStdString(st.error()).contains(QLatin1String("cannot save the timeline")),
                 st.error().c_str());
        QCOMPARE(readFile(dir.filePath(QStringLiteral("plain.txt"))), QByteArray("x"));
    }

    void failedSaveKeepsExistingFile()
    {
        // A name so long that the temporary beside it cannot be created: the write fails before rename,
        // even for root, and the existing file must be untouched.
        QTemporaryDir dir;
        const QString path = dir.filePath(QString(245, QLatin1Char('r')) + QStringLiteral(".json"));
        writeFile(path, "precious");
        const Status st = saveTimeline(makeTimeline(), path.toStdString());
        QVERIFY(!st.ok());
        QVERIFY2(QString::fromStdString(st.error()).contains(QLatin1String("rrrr.json")), st.error().c_str());
        QCOMPARE(readFile(path), QByteArray("precious"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 1);
    }

    void saveUnderAFileFails()
    {
        // A path whose folder is a regular file cannot be written by anyone, root included (ENOTDIR).
        QTemporaryDir dir;
        const QString notADir = dir.filePath(QStringLiteral("plain-file"));
        writeFile(notADir, "precious");
        const Status st = saveTimeline(makeTimeline(), (notADir + QStringLiteral("/run.json")).toStdString());
        QVERIFY(!st.ok());
        QVERIFY2(QString::fromStdString(st.error()).contains(QLatin1String("run.json")), st.error().c_str());
        QCOMPARE(readFile(notADir), QByteArray("precious"));
    }

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
            QTest::newRow(name) << QString::fromLatin1(mode) << pointer << value
                                << QString::fromUtf8(fragment);
        };
        row("not json", "raw", "", "this is not json", "run.json: not valid JSON");
        row("empty file", "raw", "", "", "run.json: not valid JSON");
        row("truncated", "truncate", "", "", "run.json: not valid JSON");
        row("top level array", "raw", "", "[1, 2, 3]", "not a DLM Studio timeline");
        row("no format", "remove", "/format", "", "not a DLM Studio timeline (no \"format\" field)");
        row("wrong format", "set", "/format", "\"dlmstudio-project\"", "run.json: format: expected \"dlmstudio-timeline\"");
        row("newer version", "set", "/version", "2",
            "run.json: written by a newer DLM Studio (version 2); this build reads up to 1");
        row("version zero", "set", "/version", "0", "version: unsupported version 0");
        row("version as string", "set", "/version", "\"1\"", "version: expected an integer, got a string");
        row("missing settings", "remove", "/settings", "", "the required field \"settings\" is missing");
        row("settings not an object", "set", "/settings", "7", "run.json: settings: expected an object, got an integer");
        row("settings wrong type", "set", "/settings/temperature", "\"hot\"", "settings.temperature: expected a number");
        row("vocab huge", "set", "/model/vocab_size", "1000000000000", "model.vocab_size: the value 1000000000000 is outside");
        row("mask id out of range", "set", "/model/mask_id", "100", "model.mask_id: the value 100 is outside");
        row("prompt id out of range", "set", "/prompt/ids/2", "100", "prompt.ids[2]: id 100 is outside the vocabulary (100)");
        row("piece id out of range", "set", "/pieces/0/0", "-1", "pieces[0][0]: id -1 is outside the vocabulary");
        row("piece not a pair", "set", "/pieces/1", "[6]", "pieces[1]: expected an [id, piece] pair");
        row("duplicate piece", "set", "/pieces/1/0", "5", "pieces: id 5 appears more than once");
        row("non-UTF-8 piece", "replace", "\xe2\x96\x81the", "\xff\xfethe", "UTF-8");
        row("overlong UTF-8 piece", "replace", "\xe2\x96\x81the", "\xc0\xafthe", "UTF-8");
        row("token id out of range", "set", r1 + "/tokens/5", "99999",
            "run.json: branches[0].records[1].tokens[5]: id 99999 is outside the vocabulary (100)");
        row("negative token", "set", r1 + "/tokens/0", "-1", "records[1].tokens[0]: id -1 is outside");
        row("fractional token", "set", r1 + "/tokens/0", "5.5", "tokens[0]: expected a token id, got a fractional number");
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
        row("float overflow", "set", r2 + "/confidence/4", "1e300", "confidence[4]: the number 1e+300 is outside the range");
        row("huge top_k", "set", r1 + "/top_k", "1000000000", "records[1].top_k: the value 1000000000 is outside");
        row("unknown layout", "set", r1 + "/predictions", "\"zipped\"", "records[1].predictions: unknown layout");
        row("missing fill", "remove", r1 + "/fill", "", "records[1]: the required field \"fill\" is missing");
        row("committed outside canvas", "set", r1 + "/committed/0", "12",
            "branches[0].records[1].committed[0]: position 12 is outside the canvas (12 positions)");
        row("remasked negative", "set", r1 + "/remasked/1", "-1", "remasked[1]: position -1 is outside the canvas");
        row("flag outside canvas", "set", "/branches/0/records/0/flags/0/0", "40", "flags[0][0]: position 40 is outside");
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
        row("root without records", "set", "/branches/0/records", "[]", "branches[0].records: a branch needs at least one record");
        row("records not an array", "set", "/branches/0/records", "{}", "branches[0].records: expected an array, got an object");
    }
    void malformed()
    {
        QFETCH(QString, mode);
        QFETCH(QByteArray, pointer);
        QFETCH(QByteArray, value);
        QFETCH(QString, fragment);
        const std::string valid = timelineToJson(makeTimeline());
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

    void deeplyNestedValues()
    {
        // Hostile nesting must neither overflow the stack while parsing, nor while quoting it in a message.
        const std::string deep = std::string(100000, '[') + std::string(100000, ']');
        const auto format = timelineFromJson("{\"format\":" + deep + "}", "run.json");
        QVERIFY(!format.ok());
        QVERIFY2(QString::fromStdString(format.error()).contains(QLatin1String("format: expected")),
                 format.error().c_str());

        std::string text = timelineToJson(makeTimeline());
        const std::string kind = "\"kind\":\"denoise\"";
        text.replace(text.find(kind), kind.size(), "\"kind\":" + deep);
        const auto r = timelineFromJson(text, "run.json");
        QVERIFY(!r.ok());
        QVERIFY2(QString::fromStdString(r.error()).contains(QLatin1String("records[1].kind: expected a string")),
                 r.error().c_str());
    }

    void canvasOverLimit()
    {
        nlohmann::json j = nlohmann::json::parse(timelineToJson(makeTimeline()));
        j["branches"][0]["records"][0]["tokens"] = std::vector<int>(size_t(kTimelineMaxCanvas) + 1, 0);
        const auto r = timelineFromJson(j.dump(), "run.json");
        QVERIFY(!r.ok());
        QVERIFY2(QString::fromStdString(r.error())
                     .contains(QLatin1String("records[0].tokens: the canvas has 1000001 positions, more than the limit")),
                 r.error().c_str());
    }
};

QTEST_GUILESS_MAIN(TestTimelineJson)
#include "test_timeline_json.moc"
