// The evaluator against models whose true numbers are known: uniform logits (every CE is ln V, the ELBO
// perplexity is exactly V) and the true distribution of i.i.d. text (CE, ELBO and unigram all near the
// entropy). Plus windowing, determinism and bad input.
#include "core/train/evaluator.h"
#include "core/model/logits_model.h"

#include <ATen/ATen.h>

#include <QtTest>

#include <cmath>
#include <random>

using namespace dlm;

namespace {

/** Returns the same log-probabilities at every position, whatever the input. */
class ContextFreeModel : public LogitsModel
{
public:
    ContextFreeModel(std::vector<double> logProbs, int maxSeq)
        : m_logits(at::empty({int64_t(logProbs.size())}, at::kFloat))
    {
        for (size_t i = 0; i < logProbs.size(); ++i)
            m_logits[int64_t(i)] = float(logProbs[i]);
        m_config.vocabSize = int(logProbs.size());
        m_config.maskTokenId = int32_t(logProbs.size() - 1);
        m_config.maxSequenceLength = maxSeq;
    }
    at::Tensor logits(const at::Tensor &ids) override
    {
        ++calls;
        return m_logits.view({1, 1, -1}).expand({ids.size(0), ids.size(1), m_logits.size(0)}).contiguous();
    }
    const ModelConfig &config() const override { return m_config; }
    std::string name() const override { return "context-free"; }
    std::string configHash() const override { return {}; }
    int calls = 0;

private:
    at::Tensor m_logits;
    ModelConfig m_config;
};

constexpr int kVocab = 21; // 20 tokens and the mask

/** A Zipf-like distribution over the 20 tokens; the mask gets (practically) zero probability. */
std::vector<double> zipf()
{
    std::vector<double> p(kVocab, 0.0);
    double sum = 0;
    for (int i = 0; i < kVocab - 1; ++i)
        sum += p[size_t(i)] = 1.0 / (i + 1);
    for (double &v : p)
        v /= sum;
    return p;
}

std::vector<int32_t> sample(const std::vector<double> &p, int count, uint32_t seed)
{
    std::mt19937 engine(seed);
    std::discrete_distribution<int> draw(p.begin(), p.end());
    std::vector<int32_t> ids(static_cast<size_t>(count));
    for (auto &id : ids)
        id = draw(engine);
    return ids;
}

} // namespace

class TestEvaluator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void uniformModelScoresLogV()
    {
        ContextFreeModel model(std::vector<double>(kVocab, 0.0), 64);
        const auto ids = sample(zipf(), 64 * 6, 1);
        EvalOptions o;
        o.mcSamples = 4;
        auto r = evaluateModel(model, ids, o);
        QVERIFY2(r.ok(), r.error().c_str());
        const double logV = std::log(double(kVocab));
        QCOMPARE(r->seqLen, 64);
        QCOMPARE(r->windows, 6);
        QCOMPARE(r->masked.size(), size_t(3));
        const int expectedMasked[] = {10, 32, 54}; // round(r * 64)
        for (size_t k = 0; k < 3; ++k) {
            QCOMPARE(r->masked[k].maskedPerWindow, expectedMasked[k]);
            QCOMPARE(r->masked[k].maskedTokens, int64_t(6 * expectedMasked[k]));
            QVERIFY(std::abs(r->masked[k].crossEntropy - logV) < 1e-5);
        }
        // Every ELBO sample is (L / l) * l * ln V / L = ln V: the bound is exact and has no spread.
        QCOMPARE(r->elboSamples, int64_t(24));
        QVERIFY(std::abs(r->elboNll - logV) < 1e-5);
        QVERIFY(std::abs(r->elboPerplexity - kVocab) < 1e-3);
        QVERIFY(r->elboStdErr < 1e-5);
    }

    void trueDistributionScoresEntropy()
    {
        const std::vector<double> p = zipf();
        double entropy = 0;
        std::vector<double> logp(p.size());
        for (size_t i = 0; i < p.size(); ++i) {
            logp[i] = p[i] > 0 ? std::log(p[i]) : -1e4;
            if (p[i] > 0)
                entropy -= p[i] * std::log(p[i]);
        }
        ContextFreeModel model(logp, 256);
        const auto ids = sample(p, 128 * 40, 2);
        EvalOptions o;
        o.seqLen = 128;
        o.mcSamples = 8;
        o.seed = 9;
        auto r = evaluateModel(model, ids, o);
        QVERIFY2(r.ok(), r.error().c_str());
        QCOMPARE(r->windows, 40);
        // For i.i.d. text the best predictor ignores context, so each masked CE averages the entropy; the
        // spread of a mean over thousands of tokens is about 0.02 nats.
        for (const MaskedCrossEntropy &m : r->masked)
            QVERIFY2(std::abs(m.crossEntropy - entropy) < 0.08, qPrintable(QString::number(m.crossEntropy)));
        QVERIFY2(std::abs(r->elboNll - entropy) < 4 * r->elboStdErr + 0.02,
            qPrintable(QStringLiteral("%1 vs %2 +- %3").arg(r->elboNll).arg(entropy).arg(r->elboStdErr)));
        QVERIFY(r->elboStdErr > 0 && r->elboStdErr < 0.05);
        QVERIFY(std::abs(r->elboPerplexity / std::exp(entropy) - 1) < 0.06);
        // The unigram fitted on 5120 tokens of the same text: close to exp(entropy), a little above (smoothing).
        QVERIFY2(std::abs(r->unigramPerplexity / std::exp(entropy) - 1) < 0.03,
            qPrintable(QStringLiteral("%1 vs %2").arg(r->unigramPerplexity).arg(std::exp(entropy))));
    }

    void unigramByHand()
    {
        // Tokens 0 0 0 1 over a vocabulary of 3 (+ mask = 4): p(0) = 4/8, p(1) = 2/8.
        ContextFreeModel model(std::vector<double>(4, 0.0), 16);
        auto r = evaluateModel(model, {0, 0, 0, 1}, EvalOptions {});
        QVERIFY(r.ok());
        QCOMPARE(r->windows, 1);
        QCOMPARE(r->seqLen, 4);
        const double nll = -(3 * std::log(4.0 / 8) + std::log(2.0 / 8)) / 4;
        QVERIFY(std::abs(r->unigramNll - nll) < 1e-12);
        QVERIFY(std::abs(r->unigramPerplexity - std::exp(nll)) < 1e-12);
    }

    void windowsAndDeterminism()
    {
        const std::vector<double> p = zipf();
        std::vector<double> logp(p.size(), -1e4);
        for (size_t i = 0; i + 1 < p.size(); ++i)
            logp[i] = std::log(p[i]);
        ContextFreeModel model(logp, 32);
        const auto ids = sample(p, 32 * 10 + 7, 3); // 10 whole windows and a dropped tail
        EvalOptions o;
        o.mcSamples = 3;
        o.batchSize = 5;
        auto a = evaluateModel(model, ids, o);
        QVERIFY(a.ok());
        QCOMPARE(a->seqLen, 32); // min(256, max_sequence_length)
        QCOMPARE(a->windows, 10);
        QCOMPARE(a->evaluatedTokens, int64_t(320));
        QCOMPARE(model.calls, (10 * 6 + 4) / 5); // (3 ratios + 3 samples) per window, 5 canvases per pass

        // Batching does not change the draws; the seed does.
        o.batchSize = 7;
        auto b = evaluateModel(model, ids, o);
        QVERIFY(a->elboNll == b->elboNll && a->masked[1].crossEntropy == b->masked[1].crossEntropy);
        o.seed = 1;
        auto c = evaluateModel(model, ids, o);
        QVERIFY(a->elboNll != c->elboNll);

        o.maxWindows = 4;
        auto limited = evaluateModel(model, ids, o);
        QCOMPARE(limited->windows, 4);
    }

    void badInput()
    {
        ContextFreeModel model(std::vector<double>(kVocab, 0.0), 64);
        auto outside = evaluateModel(model, {1, 2, 30}, EvalOptions {});
        QVERIFY(!outside.ok());
        QVERIFY2(outside.error().find("token 2 has id 30") != std::string::npos, outside.error().c_str());
        EvalOptions o;
        o.seqLen = 65;
        auto tooLong = evaluateModel(model, {1, 2, 3}, o);
        QVERIFY(!tooLong.ok());
        QVERIFY2(tooLong.error().find("--seq-len: 65") != std::string::npos, tooLong.error().c_str());
        QVERIFY(!evaluateModel(model, {}, EvalOptions {}).ok());
    }
};

QTEST_GUILESS_MAIN(TestEvaluator)
#include "test_evaluator.moc"
