// Candidate scoring on hand-computed logits: each confidence measure, Gumbel-max sampling (its formula on
// given noise, and its statistics with the counter RNG), top-k details, and classifier-free guidance mixing.
// LibTorch headers come before Qt's: Qt's `slots` macro breaks them otherwise.
#include "core/sampling/candidates.h"
#include "core/base/counter_rng.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <QtTest>

#include <cmath>

using namespace dlm;

namespace {

at::Tensor rowsOf(const std::vector<std::vector<float>> &rows)
{
    const int64_t n = static_cast<int64_t>(rows.size()), v = static_cast<int64_t>(rows[0].size());
    at::Tensor t = at::empty({n, v}, at::kFloat);
    for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < v; ++j)
            t[i][j] = rows[static_cast<size_t>(i)][static_cast<size_t>(j)];
    return t;
}

std::vector<double> softmax(const std::vector<float> &l)
{
    double mx = l[0];
    for (float x : l)
        mx = std::max(mx, static_cast<double>(x));
    std::vector<double> p;
    double sum = 0;
    for (float x : l) {
        p.push_back(std::exp(x - mx));
        sum += p.back();
    }
    for (double &x : p)
        x /= sum;
    return p;
}

} // namespace

class TestCandidates : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void greedyCandidatesAndLowConfidence()
    {
        const std::vector<std::vector<float>> l{{1.f, 2.f, 3.f}, {0.f, 5.f, 0.f}};
        auto s = scoreRows(rowsOf(l), {4, 7}, ConfidenceMeasure::LowConfidence, 0.0, 1, 1);
        QCOMPARE(s.candidates, (std::vector<int32_t>{2, 1}));
        // softmax([1,2,3])[2] = e^3 / (e + e^2 + e^3)
        const double p0 = std::exp(3.0) / (std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
        const double p1 = std::exp(5.0) / (std::exp(5.0) + 2.0);
        QVERIFY(std::abs(s.confidence[0] - p0) < 1e-6);
        QVERIFY(std::abs(s.confidence[1] - p1) < 1e-6);
    }

    void marginMeasure()
    {
        const std::vector<float> row{0.f, 1.f, 2.f, -1.f};
        auto s = scoreRows(rowsOf({row}), {0}, ConfidenceMeasure::Margin, 0.0, 1, 1);
        const auto p = softmax(row);
        QVERIFY(std::abs(s.confidence[0] - (p[2] - p[1])) < 1e-6);
    }

    void entropyMeasure()
    {
        const std::vector<float> row{0.5f, 0.5f, 0.5f, 0.5f}; // uniform over 4: entropy ln 4
        auto s = scoreRows(rowsOf({row, {10.f, 0.f, 0.f, 0.f}}), {0, 1}, ConfidenceMeasure::Entropy, 0.0, 1, 1);
        QVERIFY(std::abs(s.confidence[0] + std::log(4.0)) < 1e-6);
        QVERIFY(s.confidence[1] > s.confidence[0]); // the peaked row is surer
        QVERIFY(s.confidence[1] <= 0.0f);
    }

    void randomMeasureIsSeededUniform()
    {
        const std::vector<float> row{0.f, 1.f};
        std::vector<std::vector<float>> rows(200, row);
        std::vector<int32_t> pos(200);
        for (int i = 0; i < 200; ++i)
            pos[static_cast<size_t>(i)] = i;
        auto a = scoreRows(rowsOf(rows), pos, ConfidenceMeasure::Random, 0.0, 42, 3);
        auto b = scoreRows(rowsOf(rows), pos, ConfidenceMeasure::Random, 0.0, 42, 3);
        auto c = scoreRows(rowsOf(rows), pos, ConfidenceMeasure::Random, 0.0, 43, 3);
        QCOMPARE(a.confidence, b.confidence);
        QVERIFY(a.confidence != c.confidence);
        double mean = 0;
        for (float x : a.confidence) {
            QVERIFY(x > 0.0f && x < 1.0f);
            mean += x;
        }
        mean /= 200;
        QVERIFY(std::abs(mean - 0.5) < 0.08); // 4 standard errors of a U(0,1) mean over 200 draws
    }

    void gumbelFollowsLladaFormulaOnGivenNoise()
    {
        // With u given, the candidate must be argmax exp(l) / (-log u)^T, computed here by hand.
        const std::vector<float> row{1.0f, 1.2f, 0.8f};
        at::Tensor u = at::empty({1, 3}, at::kDouble);
        const double us[3] = {0.9, 0.05, 0.6};
        for (int j = 0; j < 3; ++j)
            u[0][j] = us[j];
        for (double T : {0.5, 1.0, 2.0}) {
            int best = -1;
            double bestScore = -1;
            for (int j = 0; j < 3; ++j) {
                const double score = std::exp(static_cast<double>(row[static_cast<size_t>(j)])) /
                                     std::pow(-std::log(us[j]), T);
                if (score > bestScore) {
                    bestScore = score;
                    best = j;
                }
            }
            auto s = scoreRows(rowsOf({row}), {0}, ConfidenceMeasure::LowConfidence, T, 0, 1, -1, 0, &u);
            QCOMPARE(s.candidates[0], best);
            // The confidence is p(candidate) under the noiseless softmax.
            QVERIFY(std::abs(s.confidence[0] - softmax(row)[static_cast<size_t>(best)]) < 1e-6);
        }
    }

    void gumbelSamplesSoftmaxOfLogitsOverT()
    {
        // Sampling statistics: over many (step, position) draws the candidate frequencies approach
        // softmax(l / T). 4000 draws: a 4.5-sigma band keeps the test deterministic and meaningful.
        const std::vector<float> row{0.0f, 1.0f, 2.0f};
        const double T = 1.5;
        std::vector<float> scaled;
        for (float x : row)
            scaled.push_back(static_cast<float>(x / T));
        const auto expected = softmax(scaled);
        const int rows = 400, stepsN = 10;
        std::vector<std::vector<float>> logits(rows, row);
        std::vector<int32_t> pos(rows);
        for (int i = 0; i < rows; ++i)
            pos[static_cast<size_t>(i)] = i;
        std::vector<int> counts(3, 0);
        for (int step = 1; step <= stepsN; ++step) {
            auto s = scoreRows(rowsOf(logits), pos, ConfidenceMeasure::LowConfidence, T, 7, step);
            for (int32_t c : s.candidates)
                ++counts[static_cast<size_t>(c)];
        }
        const double n = rows * stepsN;
        for (int j = 0; j < 3; ++j) {
            const double p = expected[static_cast<size_t>(j)];
            const double sigma = std::sqrt(p * (1 - p) / n);
            QVERIFY2(std::abs(counts[static_cast<size_t>(j)] / n - p) < 4.5 * sigma,
                     qPrintable(QStringLiteral("token %1: %2 vs %3").arg(j).arg(counts[static_cast<size_t>(j)] / n).arg(p)));
        }
    }

    void maskTokenIsNeverACandidate()
    {
        // Token 1 dominates but is the mask id: the candidate is the best other token, and the confidence
        // is still its probability under the untouched softmax.
        const std::vector<float> row{1.0f, 9.0f, 2.0f};
        for (double T : {0.0, 1.0}) {
            auto s = scoreRows(rowsOf({row, row}), {0, 1}, ConfidenceMeasure::LowConfidence, T, 3, 1, 1);
            for (int r = 0; r < 2; ++r) {
                QVERIFY(s.candidates[static_cast<size_t>(r)] != 1);
                QVERIFY(std::abs(s.confidence[static_cast<size_t>(r)] -
                                 softmax(row)[static_cast<size_t>(s.candidates[static_cast<size_t>(r)])]) < 1e-6);
            }
            if (T == 0.0)
                QCOMPARE(s.candidates[0], 2);
        }
    }

    void temperatureZeroIgnoresSeed()
    {
        const std::vector<float> row{0.3f, 0.1f, 0.2f};
        auto a = scoreRows(rowsOf({row}), {0}, ConfidenceMeasure::LowConfidence, 0.0, 1, 1);
        auto b = scoreRows(rowsOf({row}), {0}, ConfidenceMeasure::LowConfidence, 0.0, 99, 5);
        QCOMPARE(a.candidates, b.candidates);
        QCOMPARE(a.confidence, b.confidence);
    }

    void describeRowsTopKMarginEntropy()
    {
        const std::vector<float> row{0.f, 3.f, 1.f, 2.f};
        auto s = scoreRows(rowsOf({row}), {0}, ConfidenceMeasure::LowConfidence, 0.0, 1, 1, -1, 3);
        const RowDetails &d = s.details;
        const auto p = softmax(row);
        QCOMPARE(d.topIds, (std::vector<int32_t>{1, 3, 2}));
        QVERIFY(std::abs(d.topProbs[0] - p[1]) < 1e-6);
        QVERIFY(std::abs(d.topProbs[2] - p[2]) < 1e-6);
        QVERIFY(std::abs(d.margin[0] - (p[1] - p[3])) < 1e-6);
        double h = 0;
        for (double x : p)
            h -= x * std::log(x);
        QVERIFY(std::abs(d.entropy[0] - h) < 1e-5);
        QVERIFY(std::abs(d.probability[0] - p[1]) < 1e-6);
    }

    void describeRowsPadsWhenVocabularyIsSmall()
    {
        auto s = scoreRows(rowsOf({{1.f, 2.f}}), {0}, ConfidenceMeasure::LowConfidence, 0.0, 1, 1, -1, 4);
        const RowDetails &d = s.details;
        QCOMPARE(d.topIds, (std::vector<int32_t>{1, 0, -1, -1}));
        QCOMPARE(d.topProbs[3], 0.0f);
    }

    void sameBitsForAnyThreadCount()
    {
        // 48 rows of a 6,000-token vocabulary go out to threads in ranges; each row is computed whole by one
        // thread, so nothing may change with the count, not even the last bit of an entropy.
        const at::Tensor logits = at::randn({48, 6000}, at::TensorOptions().dtype(at::kFloat)) * 4;
        std::vector<int32_t> pos(48);
        for (int i = 0; i < 48; ++i)
            pos[static_cast<size_t>(i)] = 3 * i;
        const int before = at::get_num_threads();
        const auto bits = [](const std::vector<float> &v) {
            return QByteArray(reinterpret_cast<const char *>(v.data()), int(v.size() * sizeof(float)));
        };
        for (double T : {0.0, 0.7}) {
            std::vector<ScoredRows> runs;
            for (int threads : {1, 2, 3}) {
                at::set_num_threads(threads);
                runs.push_back(scoreRows(logits, pos, ConfidenceMeasure::Entropy, T, 9, 4, 5, 5));
            }
            for (const ScoredRows &s : runs) {
                QCOMPARE(s.candidates, runs[0].candidates);
                QCOMPARE(s.details.topIds, runs[0].details.topIds);
                QCOMPARE(bits(s.confidence), bits(runs[0].confidence));
                QCOMPARE(bits(s.details.probability), bits(runs[0].details.probability));
                QCOMPARE(bits(s.details.entropy), bits(runs[0].details.entropy));
                QCOMPARE(bits(s.details.margin), bits(runs[0].details.margin));
                QCOMPARE(bits(s.details.topProbs), bits(runs[0].details.topProbs));
            }
        }
        at::set_num_threads(before);
    }

    void guidanceMixing()
    {
        // u + (w + 1)(c - u): c = 2, u = 1, w = 0.5 gives 1 + 1.5 = 2.5; w = 0 gives c back.
        at::Tensor c = at::full({1, 2}, 2.0f), u = at::full({1, 2}, 1.0f);
        QCOMPARE(mixGuidance(c, u, 0.5)[0][0].item<float>(), 2.5f);
        QCOMPARE(mixGuidance(c, u, 0.0)[0][1].item<float>(), 2.0f);
        QCOMPARE(mixGuidance(c, u, 3.0)[0][0].item<float>(), 5.0f);
    }

    void counterRngIsAPureFunction()
    {
        QCOMPARE(counterUniform(1, RngStream::Gumbel, 2, 3, 4), counterUniform(1, RngStream::Gumbel, 2, 3, 4));
        QVERIFY(counterUniform(1, RngStream::Gumbel, 2, 3, 4) != counterUniform(1, RngStream::Gumbel, 2, 3, 5));
        QVERIFY(counterUniform(1, RngStream::Gumbel, 2, 3, 4) != counterUniform(1, RngStream::RandomConfidence, 2, 3, 4));
    }
};

QTEST_GUILESS_MAIN(TestCandidates)
#include "test_candidates.moc"
