// The sampler's row loops (core/sampling/row_scoring) against the plain formulas: the screened Gumbel-max
// against the exhaustive float64 loop on thousands of rows (it must never pick another token), the softmax's
// probabilities, entropy, margin and top-k against float64 sums, the fast exp against std::exp, and rows a model
// should never produce (NaN, infinities, one token).
#include "core/base/counter_rng.h"
#include "core/sampling/row_scoring.h"

#include <QtTest>

#include <cmath>
#include <limits>
#include <vector>

using namespace dlm;

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

/** One row's results, with its own top-k storage. */
struct Scored
{
    RowResult result;
    std::vector<int32_t> topIds;
    std::vector<float> topProbs;
};

Scored score(const std::vector<float> &row, const RowDraw &draw, int topK)
{
    static RowScratch scratch;
    Scored s;
    s.topIds.assign(size_t(topK), 7);
    s.topProbs.assign(size_t(topK), 7.0f);
    s.result.topIds = s.topIds.data();
    s.result.topProbs = s.topProbs.data();
    scoreLogitRow(row.data(), int64_t(row.size()), draw, topK, scratch, s.result);
    return s;
}

/** argmax exp(l) / (-log u)^T over every token in float64, as torch's argmax: NaN wins, then the first maximum. */
int32_t exhaustiveGumbel(const std::vector<float> &row, const RowDraw &draw)
{
    int32_t best = -1;
    double bestScore = 0;
    for (size_t v = 0; v < row.size(); ++v) {
        if (int64_t(v) == draw.excludedId)
            continue;
        const double u = draw.uniforms ? draw.uniforms[v] : counterUniformAt(draw.rowKey, v);
        const double s = std::exp(double(row[v])) / std::pow(-std::log(u), draw.temperature);
        if (std::isnan(s))
            return int32_t(v);
        if (best < 0 || s > bestScore) {
            best = int32_t(v);
            bestScore = s;
        }
    }
    return best < 0 ? 0 : best;
}

/** Logits from the counter RNG (portable, unlike <random>'s distributions): uniform in [-scale, scale]. */
std::vector<float> randomRow(uint64_t key, size_t vocab, double scale)
{
    std::vector<float> row(vocab);
    for (size_t v = 0; v < vocab; ++v)
        row[v] = float(scale * (2.0 * counterUniformAt(key, v) - 1.0));
    return row;
}

} // namespace

class TestRowScoring : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fastExpAgreesWithStdExp()
    {
        double worst = 0;
        for (float d = -87.0f; d <= 0.0f; d += 0.001953125f) {
            const double want = std::exp(double(d));
            worst = std::max(worst, std::fabs(double(expNonPositive(d)) - want) / want);
        }
        QVERIFY2(worst < 3e-7, qPrintable(QString::number(worst))); // a few float ulps
        QCOMPARE(expNonPositive(0.0f), 1.0f);
        QCOMPARE(expNonPositive(-88.0f), 0.0f);
        QCOMPARE(expNonPositive(-kInf), 0.0f);
    }

    void screenedGumbelIsTheExhaustiveArgmax_data()
    {
        QTest::addColumn<double>("temperature");
        QTest::addColumn<double>("scale");
        for (double t : {0.05, 0.7, 1.0, 3.0, 15.0})
            for (double scale : {0.001, 2.0, 20.0})
                QTest::addRow("T=%g, logits in +-%g", t, scale) << t << scale;
    }

    void screenedGumbelIsTheExhaustiveArgmax()
    {
        QFETCH(double, temperature);
        QFETCH(double, scale);
        for (uint64_t r = 0; r < 150; ++r) {
            const size_t vocab = 1 + size_t(counterBitsAt(r, 99) % 3000);
            std::vector<float> row = randomRow(mix64(r), vocab, scale);
            if (r % 5 == 0) // ties
                for (size_t v = 0; v < vocab; v += 3)
                    row[v] = row[0];
            RowDraw draw;
            draw.temperature = temperature;
            draw.rowKey = counterRowKey(r, RngStream::Gumbel, 3, r);
            draw.excludedId = r % 2 ? int64_t(r % vocab) : -1;
            QCOMPARE(score(row, draw, 5).result.candidate, exhaustiveGumbel(row, draw));
        }
    }

    void givenUniformsIncludingOne()
    {
        // u = 1 makes -log u = 0: an exact score of +inf (T not an odd integer) that the screen must not miss.
        std::vector<float> row = randomRow(5, 500, 4.0);
        std::vector<double> u(row.size());
        for (size_t v = 0; v < u.size(); ++v)
            u[v] = counterUniformAt(77, v);
        for (double t : {0.5, 1.0}) {
            RowDraw draw;
            draw.temperature = t;
            draw.uniforms = u.data();
            QCOMPARE(score(row, draw, 0).result.candidate, exhaustiveGumbel(row, draw));
            u[321] = 1.0;
            QCOMPARE(score(row, draw, 0).result.candidate, exhaustiveGumbel(row, draw));
            u[321] = 0.5;
            u[row.size() - 1] = 1e-310; // subnormal: past the fast logs' range, scored exactly
            row.back() = 9.0f;
            QCOMPARE(score(row, draw, 0).result.candidate, exhaustiveGumbel(row, draw));
        }
    }

    void rowsOutsideTheScreensRangeAreScoredExactly()
    {
        // exp(800) overflows float64: every score is +inf or NaN, and torch's argmax takes the first NaN.
        std::vector<float> row = randomRow(9, 300, 3.0);
        row[40] = 800.0f;
        row[41] = 800.0f;
        for (double t : {0.7, 40.0}) {
            RowDraw draw;
            draw.temperature = t;
            draw.rowKey = counterRowKey(1, RngStream::Gumbel, 1, 1);
            QCOMPARE(score(row, draw, 0).result.candidate, exhaustiveGumbel(row, draw));
        }
    }

    void softmaxDetailsAgreeWithFloat64()
    {
        for (uint64_t r = 0; r < 40; ++r) {
            const size_t vocab = 2 + size_t(counterBitsAt(r, 5) % 5000);
            const std::vector<float> row = randomRow(r + 1000, vocab, r % 2 ? 15.0 : 1.0);
            double m = -kInf, sum = 0, entropy = 0;
            for (float x : row)
                m = std::max(m, double(x));
            for (float x : row)
                sum += std::exp(double(x) - m);
            std::vector<std::pair<double, int32_t>> ranked;
            for (size_t v = 0; v < vocab; ++v) {
                const double p = std::exp(double(row[v]) - m) / sum;
                entropy -= p > 0 ? p * std::log(p) : 0.0;
                ranked.emplace_back(-double(row[v]), int32_t(v));
            }
            std::sort(ranked.begin(), ranked.end());
            const Scored s = score(row, RowDraw {}, 5);
            const auto p = [&](int32_t id) { return std::exp(double(row[size_t(id)]) - m) / sum; };
            QCOMPARE(s.result.candidate, ranked[0].second);
            QVERIFY(std::fabs(s.result.probability - p(ranked[0].second)) < 1e-6);
            QVERIFY(std::fabs(s.result.margin - (p(ranked[0].second) - p(ranked[1].second))) < 1e-6);
            QVERIFY(std::fabs(s.result.entropy - entropy) < 1e-5);
            for (size_t j = 0; j < 5; ++j) {
                if (j >= vocab) {
                    QCOMPARE(s.topIds[j], -1);
                    QCOMPARE(s.topProbs[j], 0.0f);
                    continue;
                }
                QCOMPARE(s.topIds[j], ranked[j].second);
                QVERIFY(std::fabs(s.topProbs[j] - p(ranked[j].second)) < 1e-6);
            }
            QCOMPARE(s.topProbs[0], s.result.probability); // the same number, not merely close
        }
    }

    void tiesGoToTheLowerIdAndTheExcludedIdIsSkipped()
    {
        const std::vector<float> row {1.0f, 3.0f, 0.5f, 3.0f, 3.0f};
        RowDraw draw;
        Scored s = score(row, draw, 4);
        QCOMPARE(s.topIds, (std::vector<int32_t> {1, 3, 4, 0}));
        QCOMPARE(s.result.candidate, 1);
        QCOMPARE(s.result.margin, 0.0f);
        draw.excludedId = 1;
        QCOMPARE(score(row, draw, 4).result.candidate, 3);
        // A one-token vocabulary: its only token, excluded or not; the margin is its probability.
        draw.excludedId = 0;
        s = score({2.0f}, draw, 2);
        QCOMPARE(s.result.candidate, 0);
        QCOMPARE(s.result.probability, 1.0f);
        QCOMPARE(s.result.margin, 1.0f);
        QCOMPARE(s.topIds, (std::vector<int32_t> {0, -1}));
    }

    void givenCandidateOnlyGetsItsDetails()
    {
        const std::vector<float> row {0.0f, 2.0f, 1.0f};
        RowDraw draw;
        draw.given = 2;
        const Scored s = score(row, draw, 1);
        QCOMPARE(s.result.candidate, 2);
        const double sum = 1.0 + std::exp(2.0) + std::exp(1.0);
        QVERIFY(std::fabs(s.result.probability - std::exp(1.0) / sum) < 1e-7);
        QCOMPARE(s.topIds[0], 1);
    }

    void rowsAModelShouldNeverProduce()
    {
        // NaN ranks first (torch's argmax and topk), and the softmax of such a row is NaN, as torch's.
        Scored s = score({0.0f, kNaN, 5.0f}, RowDraw {}, 2);
        QCOMPARE(s.result.candidate, 1);
        QVERIFY(std::isnan(s.result.probability) && std::isnan(s.result.entropy) && std::isnan(s.result.margin));
        QCOMPARE(s.topIds, (std::vector<int32_t> {1, 2}));
        s = score({0.0f, kInf, 5.0f}, RowDraw {}, 1);
        QCOMPARE(s.result.candidate, 1);
        QVERIFY(std::isnan(s.result.probability));
        // -inf logits are probability 0, and do not spoil the entropy.
        s = score({-kInf, 0.0f, 0.0f}, RowDraw {}, 3);
        QCOMPARE(s.topProbs[2], 0.0f);
        QVERIFY(std::fabs(s.result.entropy - std::log(2.0)) < 1e-6);
        RowDraw gumbel;
        gumbel.temperature = 1.0;
        gumbel.rowKey = 3;
        const std::vector<float> row {-kInf, 0.0f, kNaN};
        QCOMPARE(score(row, gumbel, 0).result.candidate, exhaustiveGumbel(row, gumbel));
    }
};

QTEST_GUILESS_MAIN(TestRowScoring)
#include "test_row_scoring.moc"
