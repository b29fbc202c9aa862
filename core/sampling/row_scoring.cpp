#include "core/sampling/row_scoring.h"

#include "core/base/counter_rng.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace dlm {

namespace {

using Entry = RowScratch::Entry;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// Rank order of the top-k and of the argmax: larger first, NaN before any number, the lower id first on ties.
inline bool ranksBefore(float av, int32_t ai, float bv, int32_t bi)
{
    const bool an = std::isnan(av), bn = std::isnan(bv);
    if (an || bn)
        return an && (!bn || ai < bi);
    return av > bv || (av == bv && ai < bi);
}

// Puts (value, id) into `top` (rank order, at most k entries) when it ranks before the last one kept.
inline void offer(std::vector<Entry> &top, size_t k, float value, int32_t id)
{
    if (top.size() == k) {
        if (!ranksBefore(value, id, top.back().value, top.back().id))
            return;
        top.pop_back();
    }
    size_t i = top.size();
    top.push_back({value, id});
    for (; i > 0 && ranksBefore(value, id, top[i - 1].value, top[i - 1].id); --i)
        top[i] = top[i - 1];
    top[i] = {value, id};
}

// The k best entries of a row. The row is read in id order, so a value equal to the last kept never enters, and a
// block of values all <= the last is passed over in one test (no branch per value).
void collectTop(const float *l, int64_t vocab, size_t k, std::vector<Entry> &top)
{
    top.clear();
    int64_t v = 0;
    for (; v < vocab && top.size() < k; ++v)
        offer(top, k, l[v], int32_t(v));
    constexpr int64_t kBlock = 16;
    for (; v + kBlock <= vocab; v += kBlock) {
        const float last = top.back().value;
        int enter = 0;
        for (int64_t j = 0; j < kBlock; ++j)
            enter |= !(l[v + j] <= last); // a larger value, or a NaN
        if (!enter)
            continue;
        for (int64_t j = 0; j < kBlock; ++j)
            offer(top, k, l[v + j], int32_t(v + j));
    }
    for (; v < vocab; ++v)
        offer(top, k, l[v], int32_t(v));
}

// Cephes' expf: 2^n e^r with |r| <= ln 2 / 2 and a degree-6 polynomial; plain arithmetic a compiler vectorises.
inline float expNonPositiveInline(float d)
{
    const float dc = d < -87.0f ? -87.0f : d; // also -inf; e^-87 is still a normal float
    const int32_t n = int32_t(dc * 1.44269504088896341f - 0.5f); // round to nearest: dc <= 0
    const float fn = float(n);
    float r = dc - fn * 0.693359375f;
    r = r - fn * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    const float y = p * (r * r) + r + 1.0f;
    const uint32_t bits = uint32_t(n + 127) << 23; // n in [-126, 0]
    float scale;
    std::memcpy(&scale, &bits, sizeof scale);
    return d < -87.0f ? 0.0f : y * scale;
}

/** The softmax's sums over a row with a finite maximum m: sum e, sum e (l - m), and the smallest logit. */
struct ExpSums
{
    double sum = 0, weighted = 0;
    float lowest = 0;
};

// 32 lanes, lane i summing ids i, i + 32, ... in order, then the lanes in order: a fixed order whatever the thread
// count, and one plain loop a compiler vectorises (with -fno-trapping-math, see core/CMakeLists.txt).
ExpSums expSums(const float *l, int64_t vocab, float m)
{
    constexpr int kLanes = 32;
    double s[kLanes] = {}, w[kLanes] = {};
    float lo[kLanes];
    std::fill(lo, lo + kLanes, std::numeric_limits<float>::infinity());
    const auto add = [&](int lane, float x) {
        const float d = x - m;
        const float e = expNonPositiveInline(d);
        s[lane] += double(e);
        w[lane] += double(e * (d < -87.0f ? -87.0f : d)); // e is 0 below -87: no 0 * -inf
        lo[lane] = x < lo[lane] ? x : lo[lane];
    };
    int64_t v = 0;
    for (; v + kLanes <= vocab; v += kLanes)
        for (int i = 0; i < kLanes; ++i)
            add(i, l[v + i]);
    for (int i = 0; v < vocab; ++v, ++i)
        add(i, l[v]);
    ExpSums out;
    out.lowest = lo[0];
    for (int i = 0; i < kLanes; ++i) {
        out.sum += s[i];
        out.weighted += w[i];
        out.lowest = std::min(out.lowest, lo[i]);
    }
    return out;
}

// ln(1 + d) for 1 + d in [sqrt(1/2), sqrt(2)): 2 atanh(s), s = d / (2 + d), |s| <= 0.172, to s^9.
inline float lnOnePlus(float d)
{
    const float s = d / (2.0f + d);
    const float s2 = s * s;
    return 2.0f * s * (1.0f + s2 * (0.333333343f + s2 * (0.2f + s2 * (0.142857149f + s2 * 0.111111112f))));
}

// ln x for a positive normal double, ~2e-7 relative near 1 (the mantissa's distance to 1 is taken in double,
// so -ln u keeps its relative accuracy for u next to 1) and ~3e-6 absolute elsewhere.
inline float fastLn(double x)
{
    uint64_t b;
    std::memcpy(&b, &x, sizeof b);
    int e = int((b >> 52) & 0x7ff) - 1023;
    const uint64_t mb = (b & 0xfffffffffffffull) | 0x3ff0000000000000ull;
    double m;
    std::memcpy(&m, &mb, sizeof m);
    if (m > 1.4142135623730951) {
        m *= 0.5;
        ++e;
    }
    return float(e) * 0.693147182f + lnOnePlus(float(m - 1.0));
}

inline float fastLn(float x)
{
    uint32_t b;
    std::memcpy(&b, &x, sizeof b);
    int e = int((b >> 23) & 0xff) - 127;
    const uint32_t mb = (b & 0x7fffffu) | 0x3f800000u;
    float m;
    std::memcpy(&m, &mb, sizeof m);
    if (m > 1.41421356f) {
        m *= 0.5f;
        ++e;
    }
    return float(e) * 0.693147182f + lnOnePlus(m - 1.0f);
}

/**
 * LLaDA's Gumbel-max, argmax_v exp(l_v) / (-ln u_v)^T in float64, found without the float64 exp, log and pow
 * on every token. The score's log, l - T ln(-ln u), is screened with fast logs (error below kScreenError (1 + T));
 * only the ids whose screened score lies within kNear (1 + T) of the best are scored exactly, in id order, and the
 * first exact maximum wins. Every id whose exact score could be the maximum (or tie with it) is among them, so
 * the result is the exhaustive loop's. With counter noise most ids never reach a log: -ln u >= 1 - u >= 2^(e-53),
 * e the exponent of the bits' distance to 2^53 - 1, bounds the score from above for the price of a count of
 * leading zeros. The screen stands only where every exact score is a normal double (sameAsExact); other rows,
 * and u = 1 (whose exact score is +-inf), are scored exactly.
 */
class GumbelArgmax
{
public:
    static constexpr double kScreenError = 1e-5;
    static constexpr double kNear = 4e-5; // > 2 kScreenError

    GumbelArgmax(const float *logits, int64_t vocab, const RowDraw &draw, RowScratch &scratch)
        : m_l(logits)
        , m_vocab(vocab)
        , m_draw(draw)
        , m_near(scratch.near)
        , m_tolerance(kNear * (1.0 + draw.temperature))
    {
    }

    /** Whether the screen's error bound holds on this row: every exact score finite and normal. */
    static bool sameAsExact(float highest, float lowest, double t)
    {
        // -ln u lies in [5.5e-17, 708] for a screened u (counter draws: [2^-54, 1 - 2^-54]): ln(-ln u) in
        // [-37.5, 6.6]. The float64 exp(l) and pow(-ln u, T) stay normal, and so does their quotient.
        return std::isfinite(highest) && std::isfinite(lowest) && t <= 18.0 && double(highest) + 37.5 * t <= 700.0
            && double(lowest) - 6.7 * t >= -700.0;
    }

    /** The exhaustive loop, exactly as torch's argmax over the float64 scores: NaN wins, then the first maximum. */
    int32_t exact() const
    {
        int32_t best = -1;
        double bestScore = 0;
        for (int64_t v = 0; v < m_vocab; ++v) {
            if (v == m_draw.excludedId)
                continue;
            const double s = exactScore(v);
            if (std::isnan(s))
                return int32_t(v);
            if (best < 0 || s > bestScore) {
                best = int32_t(v);
                bestScore = s;
            }
        }
        return best < 0 ? 0 : best;
    }

    /** The screened search; `seeds` (the top logits) give the best score a head start. */
    int32_t screened(const std::vector<Entry> &seeds)
    {
        m_near.clear();
        m_best = -std::numeric_limits<double>::infinity();
        for (const Entry &e : seeds) {
            if (e.id == m_draw.excludedId)
                continue;
            const double u = uniform(e.id);
            if (screenable(u))
                m_best = std::max(m_best, screen(e.value, u));
        }
        if (m_draw.uniforms)
            scanGiven();
        else
            scanCounter();
        int32_t best = -1;
        double bestScore = 0;
        for (const auto &[v, screenedScore] : m_near) {
            const double s = exactScore(v);
            if (std::isnan(s))
                return v;
            if (best < 0 || s > bestScore) {
                best = v;
                bestScore = s;
            }
        }
        return best < 0 ? 0 : best;
    }

private:
    double uniform(int64_t v) const
    {
        return m_draw.uniforms ? m_draw.uniforms[v] : counterUniformAt(m_draw.rowKey, uint64_t(v));
    }

    double exactScore(int64_t v) const
    {
        return std::exp(double(m_l[v])) / std::pow(-std::log(uniform(v)), m_draw.temperature);
    }

    // u in [2^-1022, 1): -ln u in [1.1e-16, 708], where the fast logs hold their error bound.
    static bool screenable(double u) { return u >= std::numeric_limits<double>::min() && u < 1.0; }

    double screen(float l, double u) const { return double(l) - m_draw.temperature * double(fastLn(-fastLn(u))); }

    // An id whose screened score is near the best joins the list; a new best drops those no longer near it.
    void consider(int32_t v, double score)
    {
        if (score < m_best - m_tolerance)
            return;
        if (score > m_best) {
            m_best = score;
            const double cut = m_best - m_tolerance;
            m_near.erase(std::remove_if(m_near.begin(), m_near.end(),
                             [cut](const std::pair<int32_t, double> &n) { return n.second < cut; }),
                m_near.end());
        }
        m_near.emplace_back(v, score);
    }

    // u outside the screen's range (u = 1: an exact score of +-inf): scored exactly whatever, and kept.
    void keepForExact(int32_t v) { m_near.emplace_back(v, std::numeric_limits<double>::quiet_NaN()); }

    void scanGiven()
    {
        for (int64_t v = 0; v < m_vocab; ++v) {
            if (v == m_draw.excludedId)
                continue;
            const double u = m_draw.uniforms[v];
            if (screenable(u))
                consider(int32_t(v), screen(m_l[v], u));
            else
                keepForExact(int32_t(v));
        }
    }

    void scanCounter()
    {
        // ln(-ln u) >= ln(1 - u) >= (e - 53) ln 2 where 2^e <= 2^53 - 1 - bits: the score is at most l + ceiling[e].
        double ceiling[53];
        for (int e = 0; e < 53; ++e)
            ceiling[e]
                = m_draw.temperature * 0.6931471805599453 * double(53 - e) + kScreenError * (1.0 + m_draw.temperature);
        constexpr uint64_t kTopBits = (uint64_t(1) << 53) - 1;
        double cut = m_best - m_tolerance;
        for (int64_t v = 0; v < m_vocab; ++v) {
            const uint64_t bits = counterBitsAt(m_draw.rowKey, uint64_t(v));
            const uint64_t gap = kTopBits - bits;
            if (gap == 0) { // u = 1
                if (v != m_draw.excludedId)
                    keepForExact(int32_t(v));
                continue;
            }
            if (double(m_l[v]) + ceiling[63 - __builtin_clzll(gap)] < cut || v == m_draw.excludedId)
                continue;
            consider(int32_t(v), screen(m_l[v], uniformFromBits(bits)));
            cut = m_best - m_tolerance;
        }
    }

    const float *m_l;
    int64_t m_vocab;
    const RowDraw &m_draw;
    std::vector<std::pair<int32_t, double>> &m_near;
    double m_tolerance;
    double m_best = 0;
};

} // namespace

float expNonPositive(float d)
{
    return expNonPositiveInline(d);
}

void scoreLogitRow(
    const float *logits, int64_t vocab, const RowDraw &draw, int topK, RowScratch &scratch, RowResult &out)
{
    const size_t keep = size_t(std::max(topK, 0));
    if (vocab <= 0) {
        out = RowResult {-1, kNaN, kNaN, kNaN, out.topIds, out.topProbs};
        std::fill(out.topIds, out.topIds + keep, -1);
        std::fill(out.topProbs, out.topProbs + keep, 0.0f);
        return;
    }
    const bool gumbel = draw.given < 0 && draw.temperature > 0.0;
    const size_t seeds = gumbel ? 8 : 0; // the top logits start the Gumbel screen near its maximum
    const size_t k = size_t(std::min<int64_t>(vocab, int64_t(std::max({keep, size_t(2), seeds}))));
    std::vector<Entry> &top = scratch.top;
    collectTop(logits, vocab, k, top);

    const float m = top.front().value;
    const bool finite = std::isfinite(m); // else NaN probabilities, as torch's softmax
    const ExpSums sums = finite ? expSums(logits, vocab, m) : ExpSums {};
    const double sum = finite ? sums.sum : std::numeric_limits<double>::quiet_NaN();
    const auto probability
        = [&](int32_t id) { return finite ? float(double(expNonPositiveInline(logits[id] - m)) / sum) : kNaN; };

    if (draw.given >= 0) {
        out.candidate = draw.given;
    } else if (!gumbel) {
        out.candidate = top.front().id;
        for (const Entry &e : top) {
            if (e.id != draw.excludedId) {
                out.candidate = e.id;
                break;
            }
        }
    } else {
        GumbelArgmax search(logits, vocab, draw, scratch);
        out.candidate
            = GumbelArgmax::sameAsExact(m, sums.lowest, draw.temperature) ? search.screened(top) : search.exact();
    }
    out.probability = probability(out.candidate);
    const float p1 = probability(top[0].id);
    out.margin = k >= 2 ? p1 - probability(top[1].id) : p1;
    out.entropy = float(std::log(sum) - sums.weighted / sum);
    for (size_t j = 0; j < keep; ++j) {
        out.topIds[j] = j < top.size() ? top[j].id : -1;
        out.topProbs[j] = j < top.size() ? probability(top[j].id) : 0.0f;
    }
}

} // namespace dlm
