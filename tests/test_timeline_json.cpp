// The timeline file: lossless round trips, atomic saving, and a clear message for every kind of broken file.

#include "core/timeline/timeline.h"
#include "core/timeline/timeline_json.h"
#include "sample_timeline.h"

#include "source_dir.h"

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

using namespace dlm::testing;

constexpr int kLength = kSampleLength;
constexpr int kPrompt = kSamplePrompt;

Timeline makeTimeline()
{
    return makeSampleTimeline();
}
StepRecord initialRecord()
{
    return sampleInitialRecord();
}

template<typename T> bool sameBits(const std::vector<T> &a, const std::vector<T> &b)
{
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

bool sameBits(double a, double b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}

/** The first field in which two records differ, or an empty string. Floats compare bit for bit. */
QString recordDifference(const StepRecord &a, const StepRecord &b)
{
#define DLM_SAME(field, equal)                                                                                         \
    if (!(equal))                                                                                                      \
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
    DLM_SAME(sampler, a.sampler == b.sampler)
    DLM_SAME(dreamAlg, a.dreamAlg == b.dreamAlg)
    DLM_SAME(scheduleT, sameBits(a.scheduleT, b.scheduleT))
    DLM_SAME(scheduleS, sameBits(a.scheduleS, b.scheduleS))
    DLM_SAME(transferCount, a.transferCount == b.transferCount)
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
        || a.model.eosId != b.model.eosId || a.model.vocabSize != b.model.vocabSize || a.model.family != b.model.family)
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
        const QString path = dlm::testing::sourceDir() + QStringLiteral("/tests/data/timeline-v1.json");
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
        // Read, then written by this build: the same bytes (the JSON -> app -> JSON round trip), apart from the
        // version this build writes (2 added optional keys only: sampler, family, Dream's decision).
        QByteArray expected = readFile(path);
        expected.replace("\"version\":1,", "\"version\":" + QByteArray::number(kTimelineFormatVersion) + ",");
        QCOMPARE(QByteArray::fromStdString(timelineToJson(*t)), expected);
    }

    // v2 (Dream's sampler): `dlmstudio-cli generate --model <dlm-make-tiny-model output> --prompt "the cat"
    // --sampler dream --alg maskgit_plus --max-new-tokens 8 --steps 4 --temperature 0.5 --seed 7 --top-k 3`.
    void writtenVersion2StillLoads()
    {
        const QString path = dlm::testing::sourceDir() + QStringLiteral("/tests/data/timeline-v2.json");
        const auto t = loadTimeline(path.toStdString());
        QVERIFY2(t.ok(), t.error().c_str());
        QCOMPARE(t->settings.sampler, SamplerKind::Dream);
        QCOMPARE(t->settings.alg, DreamAlg::MaskgitPlus);
        QCOMPARE(t->settings.genLength, 8);
        QCOMPARE(t->model.family, std::string("llada"));
        const Branch &b = t->branch(0);
        QCOMPARE(b.size(), 5);
        // linspace(1, 1e-3, 5) = 1, .75025, .5005, .25075, .001 over 8 masks: int(8 * .24975) = 1, then
        // int(7 * .3329) = 2, int(5 * .499) = 2, and the 3 left.
        const int counts[] = {1, 2, 2, 3};
        for (int i = 1; i < b.size(); ++i) {
            const StepRecord &r = b.at(i);
            QCOMPARE(r.sampler, SamplerKind::Dream);
            QCOMPARE(r.dreamAlg, DreamAlg::MaskgitPlus);
            QCOMPARE(r.transferCount, counts[i - 1]);
            QCOMPARE(static_cast<int>(r.committed.size()), counts[i - 1]);
            QCOMPARE(r.scheduleT, i == 1 ? 1.0 : b.at(i - 1).scheduleS);
        }
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

    /** A Dream run: its settings, the family and every step's decision in Dream's terms survive a save. */
    void dreamRunRoundTrip()
    {
        Timeline t = makeTimeline();
        t.settings = dreamDefaults();
        t.settings.alg = DreamAlg::Entropy;
        t.settings.algTemp = 0.5;
        t.settings.topP = 0.9;
        t.settings.sampleTopK = 12;
        t.settings.eps = 0.002;
        t.model.family = "dream";
        StepRecord step = t.branch(0).at(1);
        step.sampler = SamplerKind::Dream;
        step.dreamAlg = DreamAlg::Entropy;
        step.scheduleT = 0.6242857f;
        step.scheduleS = 0.5;
        step.transferCount = 3;
        t.append(0, step);
        const std::string text = timelineToJson(t);
        QVERIFY(text.find("\"family\":\"dream\"") != std::string::npos);
        QVERIFY(text.find("\"dream\":{\"alg\":\"entropy\"") != std::string::npos);
        const auto back = timelineFromJson(text, "run.json");
        QVERIFY2(back.ok(), back.error().c_str());
        const QString diff = timelineDifference(t, *back);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
        const StepRecord &last = back->branch(0).at(back->branch(0).size() - 1);
        QCOMPARE(last.transferCount, 3);
        QCOMPARE(back->settings.sampleTopK, 12);
        QCOMPARE(back->branch(0).at(1).sampler, SamplerKind::Llada); // records without the key are LLaDA's

        std::string bad = text;
        const std::string key = "\"dream\":{\"alg\":";
        bad.replace(bad.find(key + "\"entropy\"") + key.size(), 9, "\"greedy\"");
        const auto refused = timelineFromJson(bad, "run.json");
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().find(".dream.alg") != std::string::npos, refused.error().c_str());
    }

    void fileLayout()
    {
        const nlohmann::json j = nlohmann::json::parse(timelineToJson(makeTimeline()));
        QCOMPARE(QString::fromStdString(j["format"].get<std::string>()), QStringLiteral("dlmstudio-timeline"));
        QCOMPARE(j["version"].get<int>(), 2);
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
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList {QStringLiteral("run.json")});
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
        QVERIFY2(
            QString::fromStdString(st.error()).contains(QLatin1String("cannot save the timeline")), st.error().c_str());
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
};

QTEST_GUILESS_MAIN(TestTimelineJson)
#include "test_timeline_json.moc"
