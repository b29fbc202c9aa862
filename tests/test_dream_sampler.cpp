// Dream's stochastic choices, statistically: origin's reveals, alg_temp's positions and the sampled tokens must
// follow the distributions Dream draws from (torch.rand < p, torch.multinomial without replacement,
// Categorical over the filtered softmax). Seeds are fixed, so a run always gives the same frequencies: the
// bounds are wide (several standard deviations) and can only fail when a distribution is wrong.
#include "core/sampling/dream_sampler.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <QtTest>

#include <cmath>
#include <numeric>

using namespace dlm;

namespace {

GenerationSettings settingsFor(DreamAlg alg, double temperature, double algTemp, uint64_t seed)
{
    GenerationSettings s = dreamDefaults();
    s.alg = alg;
    s.temperature = temperature;
    s.algTemp = algTemp;
    s.seed = seed;
    return s;
}

std::vector<int32_t> positions(int n)
{
    std::vector<int32_t> p(static_cast<size_t>(n));
    std::iota(p.begin(), p.end(), 0);
    return p;
}

/** P(row r is among k draws without replacement, weights w), by enumerating the draw orders (k <= 2). */
double inclusion(const std::vector<double> &w, size_t r, int k)
{
    double first = w[r];
    if (k == 1)
        return first;
    double second = 0.0;
    for (size_t a = 0; a < w.size(); ++a) {
        if (a != r)
            second += w[a] * w[r] / (1.0 - w[a]);
    }
    return first + second;
}

} // namespace

class TestDreamSampler : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    /** origin: each mask revealed with probability 1 - s/t, independently; all of them on the last step. */
    void originRevealFrequency()
    {
        const std::vector<float> grid = dreamTimesteps(6, 1e-3);
        const int rows = 40;
        const at::Tensor logits = at::randn({rows, 7});
        for (int step : {0, 2, 4}) {
            const DreamStepPlan plan = dreamStepPlan(grid, step, rows);
            long revealed = 0;
            const int seeds = 1000;
            std::vector<int> perRow(rows, 0);
            for (int seed = 0; seed < seeds; ++seed) {
                const DreamRows out = dreamStep(logits, positions(rows),
                    settingsFor(DreamAlg::Origin, 0.0, 0.0, static_cast<uint64_t>(seed)), plan, step + 1);
                revealed += static_cast<long>(out.transfer.size());
                for (int32_t r : out.transfer)
                    ++perRow[static_cast<size_t>(r)];
            }
            const double p = plan.revealP;
            const double freq = double(revealed) / (double(rows) * seeds);
            const double sigma = std::sqrt(p * (1 - p) / (double(rows) * seeds));
            QVERIFY2(std::fabs(freq - p) < 6 * sigma,
                qPrintable(QStringLiteral("step %1: revealed %2 of the time, expected %3").arg(step).arg(freq).arg(p)));
            // Independent per position: no position is revealed much more often than another.
            for (int c : perRow)
                QVERIFY(std::fabs(double(c) / seeds - p) < 6 * std::sqrt(p * (1 - p) / seeds));
        }
        const DreamStepPlan last = dreamStepPlan(grid, 5, rows);
        const DreamRows out = dreamStep(logits, positions(rows), settingsFor(DreamAlg::Origin, 0.0, 0.0, 3), last, 6);
        QCOMPARE(static_cast<int>(out.transfer.size()), rows);
    }

    /** alg_temp > 0: k positions drawn without replacement from softmax(confidence / alg_temp). */
    void algTempSelectionFrequency()
    {
        // maskgit_plus at temperature 0: confidence = max probability, set per row by two-logit rows.
        const std::vector<double> conf {0.9, 0.75, 0.6, 0.55};
        at::Tensor logits = at::full({4, 2}, 0.0f);
        for (int r = 0; r < 4; ++r)
            logits[r][0]
                = static_cast<float>(std::log(conf[static_cast<size_t>(r)] / (1 - conf[static_cast<size_t>(r)])));
        const double algTemp = 0.1;
        std::vector<double> w(4);
        double z = 0.0;
        for (size_t r = 0; r < 4; ++r)
            z += w[r] = std::exp(conf[r] / algTemp);
        for (double &x : w)
            x /= z;
        DreamStepPlan plan;
        plan.t = 0.5f;
        plan.s = 0.25f;
        plan.transferCount = 2;
        const int seeds = 20000;
        std::vector<int> chosen(4, 0);
        for (int seed = 0; seed < seeds; ++seed) {
            const DreamRows out = dreamStep(logits, positions(4),
                settingsFor(DreamAlg::MaskgitPlus, 0.0, algTemp, static_cast<uint64_t>(seed)), plan, 1);
            QCOMPARE(out.transfer.size(), size_t(2));
            QVERIFY(out.transfer[0] != out.transfer[1]);
            for (int32_t r : out.transfer)
                ++chosen[static_cast<size_t>(r)];
        }
        for (size_t r = 0; r < 4; ++r) {
            const double want = inclusion(w, r, 2);
            const double got = double(chosen[r]) / seeds;
            QVERIFY2(std::fabs(got - want) < 6 * std::sqrt(want * (1 - want) / seeds) + 1e-3,
                qPrintable(QStringLiteral("row %1 chosen %2 of the time, expected %3").arg(r).arg(got).arg(want)));
        }
        // alg_temp 0 takes the two most confident, always.
        const DreamRows top = dreamStep(logits, positions(4), settingsFor(DreamAlg::MaskgitPlus, 0.0, 0.0, 1), plan, 1);
        QCOMPARE(top.transfer, (std::vector<int32_t> {0, 1}));
    }

    /** Temperature > 0: tokens from softmax(filtered logits / T); filtered-out tokens never appear. */
    void sampledTokensFollowFilteredSoftmax()
    {
        const at::Tensor row = at::tensor(std::vector<float> {2.0f, 1.5f, 1.0f, 0.2f, -1.0f, -3.0f});
        const int rows = 20000;
        const at::Tensor logits = row.unsqueeze(0).expand({rows, 6}).contiguous();
        GenerationSettings s = settingsFor(DreamAlg::MaskgitPlus, 0.7, 0.0, 42);
        s.sampleTopK = 4;
        s.topP = 0.9;
        const at::Tensor filtered = dreamFilteredLogits(row.unsqueeze(0), s.temperature, s.topP, s.sampleTopK);
        const at::Tensor p = at::softmax(filtered, -1)[0];
        DreamStepPlan plan;
        plan.transferCount = 0;
        const DreamRows out = dreamStep(logits, positions(rows), s, plan, 1);
        std::vector<int> count(6, 0);
        for (int32_t c : out.candidates)
            ++count[static_cast<size_t>(c)];
        for (int v = 0; v < 6; ++v) {
            const double want = p[v].item<double>();
            const double got = double(count[static_cast<size_t>(v)]) / rows;
            if (want == 0.0)
                QCOMPARE(count[static_cast<size_t>(v)], 0);
            else
                QVERIFY2(std::fabs(got - want) < 6 * std::sqrt(want * (1 - want) / rows),
                    qPrintable(QStringLiteral("token %1 drawn %2 of the time, expected %3").arg(v).arg(got).arg(want)));
        }
        // By hand: at T = 0.7 the probabilities are about .549, .269, .132, .042, ...; the cumulative mass passes
        // 0.9 at token 2, which stays (the first one over is kept), so tokens 3 and after are never drawn, and
        // top_k 4 would have removed 4 and 5 anyway.
        QCOMPARE(count[3] + count[4] + count[5], 0);
        QVERIFY(count[2] > 0);
    }

    /** Equal confidences at the cut: torch.topk leaves the order unspecified; this sampler takes the lower row. */
    void tiesGoToTheLowerPosition()
    {
        const at::Tensor logits = at::tensor(std::vector<float> {1.0f, 0.0f, 2.0f, 0.0f, 1.0f, 0.0f}).view({3, 2});
        DreamStepPlan plan;
        plan.transferCount = 1;
        const DreamRows out = dreamStep(logits, {4, 7, 9}, settingsFor(DreamAlg::MaskgitPlus, 0.0, 0.0, 1), plan, 1);
        QCOMPARE(out.transfer, (std::vector<int32_t> {1}));
        plan.transferCount = 2;
        const DreamRows two = dreamStep(logits, {4, 7, 9}, settingsFor(DreamAlg::MaskgitPlus, 0.0, 0.0, 1), plan, 1);
        QCOMPARE(two.transfer, (std::vector<int32_t> {1, 0}));
    }

    /** Counter noise: a seeded step draws the same tokens and positions with one thread or several. */
    void sameDrawsAcrossThreadCounts()
    {
        const at::Tensor logits = at::randn({64, 300});
        GenerationSettings s = settingsFor(DreamAlg::Entropy, 0.9, 0.3, 11);
        s.topP = 0.8;
        DreamStepPlan plan;
        plan.transferCount = 10;
        const int before = at::get_num_threads();
        at::set_num_threads(1);
        const DreamRows one = dreamStep(logits, positions(64), s, plan, 2);
        at::set_num_threads(4);
        const DreamRows four = dreamStep(logits, positions(64), s, plan, 2);
        at::set_num_threads(before);
        QCOMPARE(one.candidates, four.candidates);
        QCOMPARE(one.transfer, four.transfer);
        // A different seed draws differently (the seed is used at all).
        s.seed = 12;
        QVERIFY(dreamStep(logits, positions(64), s, plan, 2).candidates != one.candidates);
    }

    /** Dream's confidences, by hand: margin is top1 - top2, entropy is sum p log(p + 1e-10). */
    void confidenceMeasures()
    {
        const at::Tensor logits = at::log(at::tensor(std::vector<float> {0.5f, 0.3f, 0.2f})).unsqueeze(0);
        DreamStepPlan plan;
        plan.transferCount = 1;
        const auto conf = [&](DreamAlg alg) {
            return dreamStep(logits, {0}, settingsFor(alg, 0.0, 0.0, 1), plan, 1).confidence.at(0);
        };
        QVERIFY(std::fabs(conf(DreamAlg::MaskgitPlus) - 0.5f) < 1e-6f);
        QVERIFY(std::fabs(conf(DreamAlg::TopkMargin) - 0.2f) < 1e-6f);
        const double h = 0.5 * std::log(0.5) + 0.3 * std::log(0.3) + 0.2 * std::log(0.2);
        QVERIFY(std::fabs(conf(DreamAlg::Entropy) - h) < 1e-5);
        QCOMPARE(dreamStep(logits, {0}, settingsFor(DreamAlg::Entropy, 0.0, 0.0, 1), plan, 1).candidates.at(0), 0);
    }
};

QTEST_GUILESS_MAIN(TestDreamSampler)
#include "test_dream_sampler.moc"
