// Predictions of later blocks (settings.laterBlocks): recorded or skipped, they never change a run.
// - canvases, commits, remasks, decisions and the block's recorded values are identical with the setting on
//   and off, under several samplers (quota, random remasking, threshold, cfg, prefix and dual caches);
// - the later rows' recorded values are those of the full logits (model.logits()) of the same canvas;
// - the record says what the head ran and why a later mask has no prediction (off, dual cache's block-only
//   steps); the timeline file keeps it, and a file from before the setting loads with the default.
#include "core/base/file_util.h"
#include "core/timeline/timeline_json.h"

#include <ATen/ATen.h>

#include "tiny_session.h"

#include "source_dir.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <limits>

using namespace dlm;
using dlm::testing::TinySession;

namespace {

/** 16 positions in 4 blocks of 4: three blocks lie right of the first one. */
GenerationSettings fourBlocks()
{
    GenerationSettings s;
    s.genLength = 16;
    s.blockLength = 4;
    s.steps = 8;
    s.topK = 3;
    s.seed = 9;
    return s;
}

template<typename T> bool sameBits(const std::vector<T> &a, const std::vector<T> &b)
{
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

/** The first difference between a record with later blocks skipped and one with them recorded, or empty. */
QString blockDifference(const StepRecord &skip, const StepRecord &rec)
{
    if (skip.tokens != rec.tokens || skip.states != rec.states)
        return QStringLiteral("canvas");
    if (skip.committed != rec.committed || skip.remasked != rec.remasked)
        return QStringLiteral("commits or remasks");
    if (skip.quota != rec.quota || skip.threshold != rec.threshold || skip.block != rec.block)
        return QStringLiteral("quota, threshold or block");
    if (!sameBits(skip.confidence, rec.confidence)) // what the decision saw, everywhere
        return QStringLiteral("confidence");
    const size_t k = size_t(skip.topK);
    for (int p = 0; p < skip.length(); ++p) {
        const size_t i = size_t(p);
        if (!skip.considered(p))
            continue;
        if (rec.candidates[i] != skip.candidates[i] || rec.laterPrediction(p))
            return QStringLiteral("candidate at %1").arg(p);
        for (const auto v : {&StepRecord::probability, &StepRecord::margin, &StepRecord::entropy}) {
            if (std::memcmp(&(skip.*v)[i], &(rec.*v)[i], sizeof(float)) != 0)
                return QStringLiteral("probability, margin or entropy at %1").arg(p);
        }
        if (std::memcmp(&skip.topIds[i * k], &rec.topIds[i * k], k * sizeof(int32_t)) != 0
            || std::memcmp(&skip.topProbs[i * k], &rec.topProbs[i * k], k * sizeof(float)) != 0)
            return QStringLiteral("top-k at %1").arg(p);
    }
    return {};
}

/** The samplers the setting must leave alone: quota, random remasking, threshold, margin, cfg, both caches. */
std::vector<std::pair<const char *, GenerationSettings>> samplerCases()
{
    const GenerationSettings base = fourBlocks();
    GenerationSettings random = base;
    random.measure = ConfidenceMeasure::Random;
    random.temperature = 0.8;
    GenerationSettings threshold = base;
    threshold.useThreshold = true;
    threshold.threshold = 0.5;
    GenerationSettings margin = base;
    margin.measure = ConfidenceMeasure::Margin;
    GenerationSettings cfg = base;
    cfg.cfgScale = 1.5;
    GenerationSettings dual = base;
    dual.cache = CacheMode::Dual;
    GenerationSettings prefix = threshold;
    prefix.cache = CacheMode::Prefix;
    return {{"low_confidence", base}, {"random, temperature", random}, {"threshold", threshold}, {"margin", margin},
        {"cfg", cfg}, {"cache dual", dual}, {"cache prefix, threshold", prefix}};
}

} // namespace

class TestLaterBlocks : public QObject
{
    Q_OBJECT

private:
    TinySession m_tiny;

    std::unique_ptr<Session> finished(GenerationSettings s, LaterBlocks later)
    {
        s.laterBlocks = later;
        auto session = m_tiny.make(s);
        const Status ran = session->run(nullptr);
        if (!ran)
            qFatal("%s", ran.error().c_str());
        return session;
    }

private Q_SLOTS:
    void initTestCase()
    {
        // Peaked predictions (std 0.5), so decisions do not hang on ties of near-uniform confidences.
        testing::TinyModelOptions options;
        options.weightStd = 0.5;
        const std::string error = m_tiny.open(1, options);
        QVERIFY2(error.empty(), error.c_str());
    }

    void decisionsIdenticalOnAndOff_data()
    {
        QTest::addColumn<int>("index");
        const auto cases = samplerCases();
        for (size_t i = 0; i < cases.size(); ++i)
            QTest::newRow(cases[i].first) << int(i);
    }
    void decisionsIdenticalOnAndOff()
    {
        QFETCH(int, index);
        const GenerationSettings settings = samplerCases()[size_t(index)].second;
        const auto skip = finished(settings, LaterBlocks::Skip);
        const auto rec = finished(settings, LaterBlocks::Record);
        const Branch &a = skip->timeline().branch(0);
        const Branch &b = rec->timeline().branch(0);
        QCOMPARE(b.size(), a.size());
        int recorded = 0;
        for (int i = 1; i < a.size(); ++i) {
            const QString d = blockDifference(a.at(i), b.at(i));
            QVERIFY2(d.isEmpty(), qPrintable(QStringLiteral("record %1: %2 differs").arg(i).arg(d)));
            QCOMPARE(a.at(i).laterRows, 0);
            QCOMPARE(b.at(i).headRows, a.at(i).headRows + b.at(i).laterRows);
            // Skipped: nothing right of the block was predicted; recorded: every later mask was, or none.
            int later = 0;
            for (int p = 0; p < b.at(i).length(); ++p)
                later += b.at(i).laterPrediction(p) ? 1 : 0;
            QCOMPARE(later, b.at(i).laterRows);
            recorded += later;
            if (a.at(i).later != LaterPredictions::Unknown)
                QCOMPARE(a.at(i).later, LaterPredictions::Off);
        }
        QVERIFY(recorded > 0); // the setting did something to compare
    }

    /** The later rows' values are the full logits' rows of the step's canvas. */
    void laterRowsEqualFullLogits()
    {
        GenerationSettings s = fourBlocks();
        s.laterBlocks = LaterBlocks::Record;
        auto session = m_tiny.make(s);
        const std::vector<int32_t> canvas = session->current().tokens;
        QVERIFY(session->step().ok());
        const StepRecord &r = session->current();
        QCOMPARE(r.later, LaterPredictions::Recorded);
        QCOMPARE(r.laterRows, 12);
        QCOMPARE(r.headRows, 16);

        at::InferenceMode guard;
        const at::Tensor ids = at::tensor(std::vector<int64_t>(canvas.begin(), canvas.end()), at::kLong).unsqueeze(0);
        const at::Tensor logits = m_tiny.model()->logits(ids)[0].to(at::kDouble);
        const int32_t mask = session->maskId();
        const int firstLater = session->promptLength() + 4;
        for (int p = firstLater; p < r.length(); ++p) {
            const size_t i = size_t(p);
            QVERIFY(r.laterPrediction(p));
            at::Tensor row = logits[p].clone();
            const at::Tensor probs = at::softmax(row, -1);
            row[mask] = -std::numeric_limits<double>::infinity(); // the mask is never a candidate
            const int64_t best = row.argmax().item<int64_t>();
            QCOMPARE(r.candidates[i], int32_t(best));
            const double p1 = probs[best].item<double>();
            QVERIFY2(std::fabs(r.probability[i] - p1) < 1e-6, qPrintable(QString::number(p)));
            const double entropy = -(probs * probs.log()).sum().item<double>();
            QVERIFY(std::fabs(r.entropy[i] - entropy) < 1e-5);
            const at::Tensor top = std::get<1>(probs.topk(r.topK));
            for (int j = 0; j < r.topK; ++j) {
                QCOMPARE(r.topIds[i * size_t(r.topK) + size_t(j)], int32_t(top[j].item<int64_t>()));
                QVERIFY(std::fabs(r.topProbs[i * size_t(r.topK) + size_t(j)] - probs[top[j]].item<double>()) < 1e-6);
            }
            QCOMPARE(r.confidence[i], -std::numeric_limits<float>::infinity());
            QCOMPARE(r.states[i], PositionState::Masked); // never remasked: it was not eligible
        }
    }

    /** Dual cache: block-only steps have no fresh prediction right of the block, and say so. */
    void dualCacheRecordsOnFullCanvasSteps()
    {
        GenerationSettings s = fourBlocks();
        s.cache = CacheMode::Dual;
        const auto session = finished(s, LaterBlocks::Record);
        const Branch &b = session->timeline().branch(0);
        int full = 0, blockOnly = 0;
        for (int i = 1; i < b.size(); ++i) {
            const StepRecord &r = b.at(i);
            if (r.later == LaterPredictions::Unknown) { // the last block: nothing right of it
                QCOMPARE(r.laterRows, 0);
                continue;
            }
            const bool wholeCanvas = r.forwardPositions == r.length();
            QCOMPARE(r.later, wholeCanvas ? LaterPredictions::Recorded : LaterPredictions::BlockOnly);
            QCOMPARE(r.laterRows > 0, wholeCanvas);
            (wholeCanvas ? full : blockOnly) += 1;
        }
        QVERIFY(full > 0);
        QVERIFY(blockOnly > 0);
    }

    void timelineKeepsTheSettingAndTheHeadRows()
    {
        GenerationSettings s = fourBlocks();
        s.cache = CacheMode::Dual;
        for (LaterBlocks later : {LaterBlocks::Record, LaterBlocks::Skip}) {
            const auto session = finished(s, later);
            const std::string text = timelineToJson(session->timeline());
            const auto back = timelineFromJson(text, "later.json");
            QVERIFY2(back.ok(), back.error().c_str());
            QCOMPARE(back->settings.laterBlocks, later);
            const Branch &a = session->timeline().branch(0), &b = back->branch(0);
            for (int i = 1; i < a.size(); ++i) {
                QCOMPARE(b.at(i).headRows, a.at(i).headRows);
                QCOMPARE(b.at(i).laterRows, a.at(i).laterRows);
                QCOMPARE(b.at(i).later, a.at(i).later);
            }
        }
    }

    /** Files from before the key load with the default; their records say nothing about later blocks. */
    void oldFileLoadsWithTheDefault()
    {
        const auto session = finished(fourBlocks(), LaterBlocks::Skip);
        auto json = nlohmann::json::parse(timelineToJson(session->timeline()));
        QCOMPARE(json["settings"]["later_blocks"].get<std::string>(), std::string("skip"));
        json["settings"].erase("later_blocks");
        const auto old = timelineFromJson(json.dump(), "old.json");
        QVERIFY2(old.ok(), old.error().c_str());
        QCOMPARE(old->settings.laterBlocks, LaterBlocks::Record);
        // A committed v2 file written before the setting existed.
        const std::string v2 = dlm::testing::sourceDir().toStdString() + "/tests/data/timeline-v2.json";
        const auto pinned = loadTimeline(v2);
        QVERIFY2(pinned.ok(), pinned.error().c_str());
        QCOMPARE(pinned->settings.laterBlocks, LaterBlocks::Record);
        for (int i = 0; i < pinned->branch(0).size(); ++i) {
            QCOMPARE(pinned->branch(0).at(i).later, LaterPredictions::Unknown);
            QCOMPARE(pinned->branch(0).at(i).headRows, 0);
        }
    }

    void badRecordValuesAreRefused_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("message");
        QTest::newRow("later name") << "later_predictions"
                                    << "\"sometimes\""
                                    << "later_predictions: expected";
        QTest::newRow("head rows") << "head_rows"
                                   << "-1"
                                   << "head_rows";
        QTest::newRow("later > head") << "later_rows"
                                      << "15"
                                      << "later_rows: is more than head_rows";
    }
    void badRecordValuesAreRefused()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, message);
        GenerationSettings s = fourBlocks();
        s.laterBlocks = LaterBlocks::Skip;
        auto session = m_tiny.make(s);
        QVERIFY(session->step().ok());
        auto json = nlohmann::json::parse(timelineToJson(session->timeline()));
        json["branches"][0]["records"][1][key.toStdString()] = nlohmann::json::parse(value.toStdString());
        const auto bad = timelineFromJson(json.dump(), "bad.json");
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().find("bad.json") == 0, bad.error().c_str());
        QVERIFY2(bad.error().find(message.toStdString()) != std::string::npos, bad.error().c_str());
    }
};

QTEST_GUILESS_MAIN(TestLaterBlocks)
#include "test_later_blocks.moc"
