// Exact savings and Fast-dLLM's KV caches on LLaDA's forward:
// - the head on selected rows gives those rows of the full logits bit for bit;
// - the cached passes (prefix, dual) match a double-precision reference written here that mixes keys and
//   values of the canvas the cache was filled from with fresh ones, as Fast-dLLM's modeling code does;
// - a Session with --cache prefix|dual commits what a literal transcription of Fast-dLLM's
//   generate_with_prefix_cache / generate_with_dual_cache commits, in quota and threshold modes;
// - the first step of a cached run equals the uncached one.
#include "core/model/kv_cache.h"
#include "core/model/llada_model.h"
#include "core/sampling/schedule.h"

#include <ATen/ATen.h>

#include "tiny_session.h"

#include <QtTest>

#include <limits>

using namespace dlm;
using dlm::testing::TinySession;

namespace {

at::Tensor canvasOf(const std::vector<int32_t> &tokens)
{
    return at::tensor(std::vector<int64_t>(tokens.begin(), tokens.end()), at::kLong).unsqueeze(0);
}

// --- A double-precision LLaDA forward with cache mixing, written from the architecture description. ---

at::Tensor norm64(const at::Tensor &x, const at::Tensor &g, double eps)
{
    return g.to(at::kDouble) * x / (x.pow(2).mean(-1, true) + eps).sqrt();
}

at::Tensor rope64(const at::Tensor &x, int64_t firstPosition, double theta)
{
    const int64_t n = x.size(2), hd = x.size(3), half = hd / 2;
    at::Tensor out = x.clone();
    for (int64_t t = 0; t < n; ++t) {
        for (int64_t i = 0; i < half; ++i) {
            const double angle = double(firstPosition + t) * std::pow(theta, -2.0 * double(i) / double(hd));
            const at::Tensor a = x.select(2, t).select(-1, i), b = x.select(2, t).select(-1, i + half);
            out.select(2, t).select(-1, i).copy_(a * std::cos(angle) - b * std::sin(angle));
            out.select(2, t).select(-1, i + half).copy_(b * std::cos(angle) + a * std::sin(angle));
        }
    }
    return out;
}

struct Reference
{
    const LladaModel &model;

    /**
     * Logits (double) of positions [qs, qe) of `canvas`. `kept` (per layer K, V before rotary, from an earlier
     * pass over the whole canvas) supplies the keys/values the cache would: prefix, positions < qs; dual, all
     * positions outside [qs, qe). With `record`, the pass's own K, V of every layer are stored there.
     */
    at::Tensor logits(const std::vector<int32_t> &canvas, int64_t qs, int64_t qe, CacheMode mode,
        const std::vector<std::pair<at::Tensor, at::Tensor>> *kept,
        std::vector<std::pair<at::Tensor, at::Tensor>> *record) const
    {
        const ModelConfig &c = model.config();
        const LladaWeights &w = model.weights();
        const int64_t len = int64_t(canvas.size()), nh = c.nHeads, nkv = c.nKvHeads, hd = c.headDim();
        const at::Tensor ids = canvasOf(canvas)[0].narrow(0, qs, qe - qs);
        at::Tensor x = w.wte.to(at::kDouble).index_select(0, ids); // [n, d]
        for (size_t l = 0; l < w.blocks.size(); ++l) {
            const auto &b = w.blocks[l];
            const at::Tensor h = norm64(x, b.attnNorm, c.rmsNormEps);
            const auto proj = [&](const at::Tensor &m, int64_t heads) {
                return at::matmul(h, m.to(at::kDouble).t()).view({qe - qs, heads, hd}).permute({1, 0, 2}).unsqueeze(0);
            };
            at::Tensor q = proj(b.qProj, nh), k = proj(b.kProj, nkv), v = proj(b.vProj, nkv);
            if (record)
                record->push_back({k, v});
            if (kept && mode == CacheMode::Prefix) {
                k = at::cat({(*kept)[l].first.narrow(2, 0, qs), k}, 2);
                v = at::cat({(*kept)[l].second.narrow(2, 0, qs), v}, 2);
            } else if (kept && mode == CacheMode::Dual) {
                at::Tensor kk = (*kept)[l].first.clone(), vv = (*kept)[l].second.clone();
                kk.narrow(2, qs, qe - qs).copy_(k);
                vv.narrow(2, qs, qe - qs).copy_(v);
                k = kk, v = vv;
            }
            if (k.size(2) != len)
                throw std::logic_error("the reference's keys must cover the canvas");
            q = rope64(q, qs, c.ropeTheta);
            k = rope64(k, 0, c.ropeTheta);
            k = k.repeat_interleave(nh / nkv, 1);
            v = v.repeat_interleave(nh / nkv, 1);
            const at::Tensor att = at::softmax(at::matmul(q, k.transpose(-2, -1)) / std::sqrt(double(hd)), -1);
            const at::Tensor y = at::matmul(att, v)[0].permute({1, 0, 2}).reshape({qe - qs, c.dModel});
            x = x + at::matmul(y, b.attnOut.to(at::kDouble).t());
            const at::Tensor f = norm64(x, b.ffNorm, c.rmsNormEps);
            const at::Tensor gate = at::matmul(f, b.ffProj.to(at::kDouble).t());
            const at::Tensor up = at::matmul(f, b.upProj.to(at::kDouble).t());
            x = x + at::matmul(at::silu(gate) * up, b.ffOut.to(at::kDouble).t());
        }
        return at::matmul(norm64(x, w.lnF, c.rmsNormEps), w.head.to(at::kDouble).t());
    }
};

// --- Fast-dLLM's generate_with_prefix_cache / generate_with_dual_cache, transcribed. ---

struct Commit
{
    std::vector<int64_t> positions, tokens; // positions sorted
};

// get_transfer_index at temperature 0 with low_confidence, over the rows of `logits` ([1, n, V]) that
// `maskIndex` marks; `offset` is the canvas position of row 0. Writes the commits into x.
Commit transfer(
    at::Tensor &x, const at::Tensor &logits, at::Tensor maskIndex, int64_t offset, int64_t quota, double threshold)
{
    const at::Tensor x0 = logits.argmax(-1);
    const at::Tensor p = at::softmax(logits.to(at::kDouble), -1);
    const at::Tensor x0p = p.gather(-1, x0.unsqueeze(-1)).squeeze(-1);
    const at::Tensor confidence
        = at::where(maskIndex, x0p, at::full_like(x0p, -std::numeric_limits<double>::infinity()));
    if (threshold > 0)
        quota = maskIndex.sum().item<int64_t>();
    const auto [values, select] = confidence[0].topk(quota);
    std::vector<int64_t> chosen;
    for (int64_t k = 0; k < quota; ++k)
        if (k == 0 || threshold <= 0 || values[k].item<double>() >= threshold)
            chosen.push_back(select[k].item<int64_t>());
    std::sort(chosen.begin(), chosen.end());
    Commit c;
    for (int64_t row : chosen) {
        c.positions.push_back(offset + row);
        c.tokens.push_back(x0[0][row].item<int64_t>());
        x[0][offset + row] = x0[0][row];
    }
    return c;
}

std::vector<Commit> fastDllmReference(LogitsModel &model, const std::vector<int32_t> &prompt, int genLength,
    int blockLength, int steps, CacheMode mode, double threshold, int32_t maskId)
{
    const int64_t P = int64_t(prompt.size()), len = P + genLength;
    std::vector<int32_t> start(prompt);
    start.resize(size_t(len), maskId);
    at::Tensor x = canvasOf(start);
    const int blocks = genLength / blockLength, perBlock = steps / blocks;
    std::vector<Commit> out;
    for (int nb = 0; nb < blocks; ++nb) {
        const int64_t s = P + int64_t(nb) * blockLength, e = s + blockLength;
        const int64_t masks = (x.narrow(1, s, blockLength) == maskId).sum().item<int64_t>();
        const std::vector<int> quota = BlockSchedule::split(int(masks), perBlock);
        KvCache cache;
        at::Tensor mask = x == maskId;
        mask.narrow(1, e, len - e).fill_(false);
        out.push_back(transfer(x, model.logitsFillingCache(x, at::arange(len), cache), mask, 0, quota[0], threshold));
        for (int i = 1;; ++i) {
            const int64_t from = s, to = mode == CacheMode::Dual ? e : len;
            at::Tensor m = x.narrow(1, from, to - from) == maskId;
            if (to > e)
                m.narrow(1, blockLength, to - e).fill_(false);
            const at::Tensor logits = model.logitsFromCache(x, at::arange(from, to), cache, mode, s, e);
            out.push_back(transfer(x, logits, m, from, threshold > 0 ? 0 : quota[size_t(i)], threshold));
            if ((x.narrow(1, s, blockLength) == maskId).sum().item<int64_t>() == 0)
                break;
        }
    }
    return out;
}

} // namespace

class TestKvCache : public QObject
{
    Q_OBJECT

private:
    TinySession m_tiny;

    std::vector<int32_t> canvas(int length, uint64_t seed) const
    {
        std::vector<int32_t> ids(static_cast<size_t>(length));
        const int vocab = m_tiny.model()->config().vocabSize;
        for (int i = 0; i < length; ++i)
            ids[size_t(i)] = int32_t((seed * 7919 + uint64_t(i) * 104729) % uint64_t(vocab - 1));
        return ids;
    }

private slots:
    void initTestCase()
    {
        // Peaky predictions: with the fixtures' usual small weights every masked position gets nearly the same
        // confidence, and float32 vs float64 softmax would decide the order of ties, not the cache.
        dlm::testing::TinyModelOptions options;
        options.weightStd = 0.4;
        const std::string error = m_tiny.open(1, options);
        QVERIFY2(error.empty(), error.c_str());
    }

    void headOnRowsIsExact_data()
    {
        QTest::addColumn<QVector<int>>("rows");
        QTest::newRow("one row") << QVector<int> {5};
        QTest::newRow("a block") << QVector<int> {8, 9, 10, 11, 12, 13, 14, 15};
        QTest::newRow("scattered") << QVector<int> {0, 3, 17, 18, 23};
        QVector<int> all;
        for (int i = 0; i < 24; ++i)
            all << i;
        QTest::newRow("every row") << all;
        QTest::newRow("long canvas, a block") << QVector<int> {140, 141, 142, 143, 144, 145, 146, 147, 148, 149};
        QTest::newRow("long canvas, one row") << QVector<int> {100};
    }

    void headOnRowsIsExact()
    {
        QFETCH(QVector<int>, rows);
        LladaModel &model = *m_tiny.model();
        const at::Tensor ids = canvasOf(canvas(rows.back() >= 24 ? 150 : 24, 3));
        const at::Tensor index = at::tensor(std::vector<int64_t>(rows.begin(), rows.end()), at::kLong);
        const at::Tensor full = model.logits(ids).index_select(1, index);
        QVERIFY(at::equal(model.logitsAt(ids, index), full));
        KvCache cache;
        QVERIFY(at::equal(model.logitsFillingCache(ids, index, cache), full));
        QCOMPARE(int(cache.keys.size()), model.config().nLayers);
    }

    void cachedPassesMatchTheReference_data()
    {
        QTest::addColumn<int>("mode");
        QTest::newRow("prefix") << int(CacheMode::Prefix);
        QTest::newRow("dual") << int(CacheMode::Dual);
    }

    void cachedPassesMatchTheReference()
    {
        QFETCH(int, mode);
        const CacheMode cacheMode = CacheMode(mode);
        LladaModel &model = *m_tiny.model();
        const Reference reference {model};
        // The cache is filled from one canvas; the block (and for prefix the suffix) then change, as commits do.
        const std::vector<int32_t> before = canvas(24, 5);
        std::vector<int32_t> after = before;
        for (int p = 8; p < 24; p += 3)
            after[size_t(p)] = int32_t((after[size_t(p)] + 11) % (model.config().vocabSize - 1));
        if (cacheMode == CacheMode::Dual) // dual keeps the suffix: it must not change
            for (int p = 16; p < 24; ++p)
                after[size_t(p)] = before[size_t(p)];
        const int64_t s = 8, e = 16, queryEnd = cacheMode == CacheMode::Dual ? e : 24;

        KvCache cache;
        model.logitsFillingCache(canvasOf(before), at::arange(24), cache);
        const at::Tensor cached
            = model.logitsFromCache(canvasOf(after), at::arange(s, queryEnd), cache, cacheMode, s, e)[0];

        std::vector<std::pair<at::Tensor, at::Tensor>> kept;
        reference.logits(before, 0, 24, CacheMode::None, nullptr, &kept);
        const at::Tensor expected = reference.logits(after, s, queryEnd, cacheMode, &kept, nullptr);
        const double diff = (cached.to(at::kDouble) - expected).abs().max().item<double>();
        QVERIFY2(diff < 1e-4, qPrintable(QString::number(diff)));

        // And it is an approximation: the uncached logits of the changed canvas are not these.
        const at::Tensor exact
            = reference.logits(after, 0, 24, CacheMode::None, nullptr, nullptr).narrow(0, s, queryEnd - s);
        QVERIFY((exact - expected).abs().max().item<double>() > 1e-3);
    }

    void sessionMatchesFastDllm_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<int>("genLength");
        QTest::addColumn<int>("blockLength");
        QTest::addColumn<int>("steps");
        QTest::addColumn<double>("threshold");
        QTest::newRow("dual, 2 blocks") << int(CacheMode::Dual) << 16 << 8 << 8 << 0.0;
        QTest::newRow("prefix, 2 blocks") << int(CacheMode::Prefix) << 16 << 8 << 8 << 0.0;
        QTest::newRow("dual, 3 blocks, 2 steps each") << int(CacheMode::Dual) << 12 << 4 << 6 << 0.0;
        QTest::newRow("prefix, 4 blocks, uneven quota") << int(CacheMode::Prefix) << 20 << 5 << 8 << 0.0;
        QTest::newRow("dual, threshold") << int(CacheMode::Dual) << 16 << 8 << 8 << 0.9;
        QTest::newRow("prefix, threshold") << int(CacheMode::Prefix) << 16 << 8 << 8 << 0.9;
    }

    void sessionMatchesFastDllm()
    {
        QFETCH(int, mode);
        QFETCH(int, genLength);
        QFETCH(int, blockLength);
        QFETCH(int, steps);
        QFETCH(double, threshold);
        GenerationSettings set;
        set.genLength = genLength;
        set.blockLength = blockLength;
        set.steps = steps;
        set.cache = CacheMode(mode);
        set.useThreshold = threshold > 0;
        set.threshold = threshold;
        auto session = m_tiny.make(set);
        QVERIFY(session->run({}).ok());

        const Timeline &t = session->timeline();
        const std::vector<Commit> transcribed = fastDllmReference(
            *m_tiny.model(), t.promptIds, genLength, blockLength, steps, set.cache, threshold, session->maskId());
        // When a block's first step already fills it, Fast-dLLM's loop still runs one pass that commits
        // nothing; the session does not spend a step on nothing, so those passes are left out.
        std::vector<Commit> expected;
        for (const Commit &c : transcribed)
            if (!c.positions.empty())
                expected.push_back(c);
        QVERIFY(expected.size() >= size_t(genLength / blockLength) * 2); // several steps a block: the cache is used
        const Branch &branch = t.branch(0);
        QCOMPARE(branch.size() - 1, int(expected.size()));
        int cachedSteps = 0;
        for (int i = 1; i < branch.size(); ++i) {
            const StepRecord &r = branch.at(i);
            std::vector<int64_t> positions(r.committed.begin(), r.committed.end());
            std::sort(positions.begin(), positions.end());
            const Commit &c = expected[size_t(i - 1)];
            QCOMPARE(positions, c.positions);
            for (size_t k = 0; k < positions.size(); ++k)
                QCOMPARE(int64_t(r.tokens[size_t(positions[k])]), c.tokens[k]);
            cachedSteps += r.forwardPositions < r.length();
        }
        // Every step but the first of each block ran on the cache.
        QCOMPARE(cachedSteps, branch.size() - 1 - genLength / blockLength);
        QVERIFY(cachedSteps > 0);
    }

    void firstStepEqualsTheUncachedStep()
    {
        GenerationSettings set;
        set.genLength = 16;
        set.blockLength = 8;
        set.steps = 8;
        auto exact = m_tiny.make(set);
        set.cache = CacheMode::Dual;
        auto cached = m_tiny.make(set);
        QVERIFY(exact->step().ok() && cached->step().ok());
        const StepRecord &a = exact->current(), &b = cached->current();
        QCOMPARE(a.tokens, b.tokens);
        QCOMPARE(a.candidates, b.candidates);
        QVERIFY(std::memcmp(a.confidence.data(), b.confidence.data(), a.confidence.size() * sizeof(float)) == 0);
        QVERIFY(std::memcmp(a.topProbs.data(), b.topProbs.data(), a.topProbs.size() * sizeof(float)) == 0);
        QCOMPARE(b.forwardPositions, b.length());
        // The second step of the block runs the block only.
        QVERIFY(cached->step().ok());
        QCOMPARE(cached->current().forwardPositions, 8);
    }

    void editOutsideTheBlockRefillsTheCache()
    {
        GenerationSettings set;
        set.genLength = 16;
        set.blockLength = 8;
        set.steps = 8;
        set.cache = CacheMode::Dual;
        auto session = m_tiny.make(set);
        QVERIFY(session->step().ok() && session->step().ok());
        // An edit after the block changes keys the cache kept: the next step must run the whole canvas.
        const int last = session->current().length() - 1;
        QVERIFY(session->setTokens(last, {5}).ok());
        QVERIFY(session->step().ok());
        QCOMPARE(session->current().forwardPositions, session->current().length());
        QVERIFY(session->step().ok());
        QCOMPARE(session->current().forwardPositions, 8);
    }

    void cacheWithGuidanceIsRefused()
    {
        GenerationSettings set;
        set.cache = CacheMode::Prefix;
        set.cfgScale = 1.0;
        const Status s = validateSettings(set);
        QVERIFY(!s.ok());
        QVERIFY(s.error().find("cfg") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestKvCache)
#include "test_kv_cache.moc"
