// Dream's and LLaDA-MoE's forward passes against a naive double-precision implementation written separately
// (family_reference.h), on random fixtures with the published tensor names and config keys, loaded through
// the same loader as real checkpoints: logits, Dream's one-position shift, the experts each position used,
// BF16, and whole generations with LLaDA's sampler whose routing survives a timeline file.
#include "core/base/compute_threads.h"
#include "core/model/decoder_model.h"
#include "core/model/model_loader.h"
#include "core/session/session.h"
#include "core/text/tokenizer.h"
#include "core/timeline/timeline_json.h"

#include <ATen/ATen.h>

#include "family_reference.h"
#include "tiny_family_model.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace dlm;
using dlm::testing::Mat;
using dlm::testing::NaiveFamilyModel;
using dlm::testing::NaiveRoute;
using dlm::testing::TinyFamilyOptions;

namespace {

const std::vector<int> kIds = {1, 17, 3, 42, 3, 3, 99, 150, 7, 3, 64};

at::Tensor idsTensor(const std::vector<int> &ids)
{
    return at::tensor(std::vector<int64_t>(ids.begin(), ids.end()), at::kLong).unsqueeze(0);
}

/** max |engine - reference| with the reference's row `i - shift` (row 0 stays row 0) compared to row i. */
double maxDiff(const at::Tensor &engine, const Mat &reference, int shift)
{
    const at::Tensor e = engine.to(at::kDouble).contiguous();
    const auto a = e.accessor<double, 2>();
    double worst = 0.0;
    for (int64_t p = 0; p < e.size(0); ++p) {
        const size_t src = size_t(std::max<int64_t>(0, p - shift));
        for (int64_t v = 0; v < e.size(1); ++v)
            worst = std::max(worst, std::abs(a[p][v] - reference[src][size_t(v)]));
    }
    return worst;
}

} // namespace

class TestFamilyModels : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    std::string m_dream, m_moe;

    LoadedModel load(const std::string &dir, ComputeDType dtype = ComputeDType::F32)
    {
        auto loaded = loadModelDirectory(dir, dtype);
        if (!loaded)
            qFatal("%s", loaded.error().c_str());
        return *loaded;
    }

    Mat reference(
        const std::string &dir, const ModelConfig &config, std::vector<std::vector<NaiveRoute>> *routes = nullptr)
    {
        auto store = WeightStore::openDirectory(dir);
        if (!store)
            qFatal("%s", store.error().c_str());
        return NaiveFamilyModel(**store, config).forward(kIds, routes);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        setComputeThreads(2);
        m_dream = m_tmp.filePath(QStringLiteral("dream")).toStdString();
        m_moe = m_tmp.filePath(QStringLiteral("moe")).toStdString();
        auto dream = testing::writeTinyFamilyModel(m_dream);
        QVERIFY2(dream.ok(), dream.error().c_str());
        TinyFamilyOptions moe;
        moe.family = ModelFamily::LladaMoe;
        auto written = testing::writeTinyFamilyModel(m_moe, moe);
        QVERIFY2(written.ok(), written.error().c_str());
    }

    void loaderPicksTheFamily()
    {
        const LoadedModel dream = load(m_dream);
        QCOMPARE(dream.family, ModelFamily::Dream);
        QCOMPARE(dream.config.nKvHeads, 2);
        QVERIFY(dream.config.qkvBias);
        QCOMPARE(dream.config.maskTokenId, 3);
        const LoadedModel moe = load(m_moe);
        QCOMPARE(moe.family, ModelFamily::LladaMoe);
        QCOMPARE(moe.config.numExperts, 8);
        QCOMPARE(moe.config.expertsPerToken, 2);
        // config.json names no mask (as LLaDA-MoE's): the tokenizer's <|mdm_mask|> is found, and the model
        // the session talks to knows it.
        QCOMPARE(moe.config.maskTokenId, 3);
        QCOMPARE(moe.model->config().maskTokenId, 3);
        QCOMPARE(moe.specialIds.mask.from.empty(), false);
    }

    void dreamMatchesTheReferenceShifted()
    {
        const LoadedModel m = load(m_dream);
        const Mat raw = reference(m_dream, m.config);
        const at::Tensor logits = m.model->logits(idsTensor(kIds))[0];
        QCOMPARE(logits.size(0), int64_t(kIds.size()));
        QCOMPARE(logits.size(1), int64_t(m.config.vocabSize));
        const double shifted = maxDiff(logits, raw, 1);
        QVERIFY2(shifted < 1e-4, qPrintable(QString::number(shifted)));
        // The shift is real: without it the rows disagree by far more than rounding.
        const double unshifted = maxDiff(logits, raw, 0);
        QVERIFY2(unshifted > 1e-2, qPrintable(QString::number(unshifted)));
        // Position 0 keeps its own logits.
        double first = 0;
        for (int64_t v = 0; v < logits.size(1); ++v)
            first = std::max(first, std::abs(logits[0][v].item<double>() - raw[0][size_t(v)]));
        QVERIFY(first < 1e-4);
    }

    void moeMatchesTheReferenceAndRecordsItsExperts()
    {
        const LoadedModel m = load(m_moe);
        std::vector<std::vector<NaiveRoute>> routes;
        const Mat raw = reference(m_moe, m.config, &routes);
        const at::Tensor logits = m.model->logits(idsTensor(kIds))[0];
        const double diff = maxDiff(logits, raw, 0);
        QVERIFY2(diff < 1e-4, qPrintable(QString::number(diff)));

        const ExpertRouting *r = m.model->lastRouting();
        QVERIFY(r);
        QCOMPARE(r->layers, m.config.nLayers);
        QCOMPARE(r->positions, int(kIds.size()));
        QCOMPARE(r->k, 2);
        double weightSum = 0;
        for (int layer = 0; layer < r->layers; ++layer) {
            for (int p = 0; p < r->positions; ++p) {
                const NaiveRoute &want = routes[size_t(layer)][size_t(p)];
                for (int slot = 0; slot < r->k; ++slot) {
                    QCOMPARE(int(r->ids[r->index(layer, p, slot)]), want.ids[size_t(slot)]);
                    QVERIFY(std::abs(r->weights[r->index(layer, p, slot)] - want.weights[size_t(slot)]) < 1e-5);
                }
                weightSum += r->weights[r->index(layer, p, 0)] + r->weights[r->index(layer, p, 1)];
            }
        }
        // Not renormalised: two of eight softmax probabilities sum to less than one.
        QVERIFY(weightSum / (r->layers * r->positions) < 0.99);
    }

    void bf16StaysClose()
    {
        const LoadedModel f32 = load(m_dream);
        const LoadedModel bf16 = load(m_dream, ComputeDType::BF16);
        const at::Tensor a = f32.model->logits(idsTensor(kIds));
        const at::Tensor b = bf16.model->logits(idsTensor(kIds));
        QCOMPARE(b.scalar_type(), at::kFloat);
        const double diff = (a - b).abs().max().item<double>();
        const double scale = a.abs().max().item<double>();
        QVERIFY2(diff < 0.05 * scale, qPrintable(QString::number(diff / scale)));
    }

    void generateWithLladasSampler_data()
    {
        QTest::addColumn<bool>("moe");
        QTest::newRow("dream") << false;
        QTest::newRow("llada-moe") << true;
    }

    void generateWithLladasSampler()
    {
        QFETCH(bool, moe);
        const LoadedModel m = load(moe ? m_moe : m_dream);
        GenerationSettings s;
        s.genLength = 8;
        s.steps = 4;
        s.blockLength = 8;
        auto session = Session::create(m.model, m.tokenizer, s, "the cat");
        QVERIFY2(session.ok(), session.ok() ? "" : session.error().c_str());
        Session &run = **session;
        QVERIFY(run.run({}).ok());
        QVERIFY(run.finished());
        const StepRecord &last = run.current();
        QCOMPARE(last.maskedCount(m.config.maskTokenId), 0);
        QCOMPARE(last.experts.empty(), !moe);
        if (!moe)
            return;
        QCOMPARE(last.experts.positions, last.length());
        QCOMPARE(last.experts.layers, m.config.nLayers);

        // The routing goes through the timeline file unchanged.
        const std::string text = timelineToJson(run.timeline());
        auto back = timelineFromJson(text, "run.json");
        QVERIFY2(back.ok(), back.ok() ? "" : back.error().c_str());
        const Branch &a = run.timeline().branch(0), &b = back->branch(0);
        QCOMPARE(b.size(), a.size());
        for (int i = 0; i < a.size(); ++i)
            QVERIFY(a.at(i).experts == b.at(i).experts);
    }
};

QTEST_GUILESS_MAIN(TestFamilyModels)
#include "test_family_models.moc"
