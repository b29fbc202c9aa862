// Conformance with Dream's generation_utils.py: a literal transcription of _sample and sample_tokens
// (top_p_logits, top_k_logits) with tensor ops runs on the same canvas-dependent fake logits as the Session.
// Where Dream is deterministic (temperature 0, alg_temp 0, not origin) every canvas must be identical; where it
// draws (torch.rand, Categorical, multinomial) the per-step counts are still fixed by the schedule, and every
// step is replayed against the reference's sample_tokens on the canvas the Session saw.
#include "canvas_function_model.h"
#include "core/sampling/dream_schedule.h"
#include "core/session/session.h"

#include <ATen/ATen.h>

#include <QtTest>

#include <limits>

using namespace dlm;
using dlm::testing::CanvasFunctionModel;

namespace {

struct DreamCase
{
    DreamAlg alg = DreamAlg::MaskgitPlus;
    int steps = 8;
    double eps = 1e-3;
    double temperature = 0.0;
    double topP = 1.0;
    int topK = 0;
    double algTemp = 0.0;
};

at::Tensor topPLogits(at::Tensor logits, double topP)
{
    auto [sortedLogits, sortedIndices] = at::sort(logits, -1, true);
    const at::Tensor cumulative = at::cumsum(at::softmax(sortedLogits, -1), -1);
    at::Tensor remove = cumulative > topP;
    const int64_t v = remove.size(-1);
    remove.narrow(-1, 1, v - 1).copy_(remove.narrow(-1, 0, v - 1).clone());
    remove.select(-1, 0).fill_(false);
    at::Tensor mask = at::zeros_like(logits, logits.options().dtype(at::kBool));
    mask = mask.scatter_(-1, sortedIndices, remove);
    return logits.masked_fill(mask, std::numeric_limits<float>::lowest());
}

at::Tensor topKLogits(at::Tensor logits, int topK)
{
    const int64_t k = std::min<int64_t>(topK, logits.size(-1));
    const at::Tensor removeIdx = logits < std::get<0>(at::topk(logits, k)).select(-1, k - 1).unsqueeze(-1);
    return logits.masked_fill(removeIdx, std::numeric_limits<float>::lowest());
}

// sample_tokens(logits, temperature, top_p, top_k, margin_confidence, neg_entropy) -> (confidence, x0, probs)
std::tuple<at::Tensor, at::Tensor, at::Tensor> sampleTokens(at::Tensor logits, const DreamCase &c)
{
    if (c.temperature > 0)
        logits = logits / c.temperature;
    if (c.topP < 1)
        logits = topPLogits(logits, c.topP);
    if (c.topK > 0)
        logits = topKLogits(logits, c.topK);
    const at::Tensor probs = at::softmax(logits, -1);
    at::Tensor confidence, x0;
    if (c.temperature > 0) {
        x0 = at::multinomial(probs, 1).squeeze(-1); // dists.Categorical(probs=probs).sample()
        confidence = at::gather(probs, -1, x0.unsqueeze(-1)).squeeze(-1);
    } else {
        std::tie(confidence, x0) = probs.max(-1);
    }
    if (c.alg == DreamAlg::TopkMargin) {
        const at::Tensor sorted = std::get<0>(at::sort(probs, -1, true));
        confidence = sorted.select(1, 0) - sorted.select(1, 1);
    }
    if (c.alg == DreamAlg::Entropy)
        confidence = at::sum(probs * at::log(probs + 1e-10), -1);
    return {confidence, x0, probs};
}

// _sample's loop for batch 1; returns x after every step and the number of tokens each step transferred.
std::vector<at::Tensor> dreamReference(
    LogitsModel &model, const at::Tensor &start, const DreamCase &c, std::vector<int64_t> *transferred)
{
    const int64_t mask = model.config().maskTokenId;
    at::Tensor x = start.clone();
    const at::Tensor timesteps = at::linspace(1, c.eps, c.steps + 1);
    std::vector<at::Tensor> history;
    for (int i = 0; i < c.steps; ++i) {
        const at::Tensor maskIndex = x == mask;
        const at::Tensor logits = model.logits(x);
        const at::Tensor maskLogits = logits.index({maskIndex});
        const at::Tensor t = timesteps[i], s = timesteps[i + 1];
        const at::Tensor before = x.clone();
        if (c.alg == DreamAlg::Origin) {
            const at::Tensor p = i < c.steps - 1 ? 1 - s / t : at::ones({}, at::kFloat);
            at::Tensor x0 = at::zeros_like(x.index({maskIndex})) + mask;
            const at::Tensor transfer = at::rand(x0.sizes()) < p;
            if (transfer.any().item<bool>())
                x0.index_put_({transfer}, std::get<1>(sampleTokens(maskLogits.index({transfer}), c)));
            x.index_put_({maskIndex}, x0);
        } else {
            auto [confidence, x0, probs] = sampleTokens(maskLogits, c);
            const at::Tensor numMask = maskIndex.sum() / maskIndex.size(0);
            const int64_t k = i < c.steps - 1 ? static_cast<int64_t>((numMask * (1 - s / t)).item<float>())
                                              : static_cast<int64_t>(numMask.item<float>());
            at::Tensor full = at::full_like(x, -std::numeric_limits<float>::infinity(), at::kFloat);
            full.index_put_({maskIndex}, confidence);
            if (k > 0) {
                at::Tensor transferIndex;
                if (c.algTemp == 0) {
                    transferIndex = std::get<1>(at::topk(full, k));
                } else {
                    full = at::softmax(full / c.algTemp, -1);
                    transferIndex = at::multinomial(full, k);
                }
                at::Tensor x_ = at::zeros_like(x) + mask;
                x_.index_put_({maskIndex}, x0);
                x.index_put_({0, transferIndex[0]}, x_.index({0, transferIndex[0]}));
            }
        }
        transferred->push_back(((before == mask) & (x != mask)).sum().item<int64_t>());
        history.push_back(x.clone());
    }
    return history;
}

// Flat enough that top_p 0.95 keeps several tokens: with a one-token nucleus every confidence is exactly 1 (or
// 0 for entropy), and which of those ties torch.topk returns is unspecified (this sampler takes the lowest
// position first), so the comparison would test torch's sort order rather than Dream's rules.
std::shared_ptr<CanvasFunctionModel> makeModel(uint64_t seed)
{
    return std::make_shared<CanvasFunctionModel>(40, 39, seed, 0.3);
}

GenerationSettings dreamSettings(const DreamCase &c, int genLength, uint64_t seed)
{
    GenerationSettings s = dreamDefaults();
    s.genLength = genLength;
    s.steps = c.steps;
    s.eps = c.eps;
    s.alg = c.alg;
    s.temperature = c.temperature;
    s.topP = c.topP;
    s.sampleTopK = c.topK;
    s.algTemp = c.algTemp;
    s.seed = seed;
    s.topK = 3;
    return s;
}

// The prompt holds one mask of its own: Dream's mask_index covers the whole sequence, so it is filled too.
const std::vector<int32_t> kPrompt {3, 14, 39, 15, 9};

at::Tensor startCanvas(int genLength)
{
    at::Tensor x = at::full({1, static_cast<int64_t>(kPrompt.size()) + genLength}, 39, at::kLong);
    for (size_t i = 0; i < kPrompt.size(); ++i)
        x[0][static_cast<int64_t>(i)] = kPrompt[i];
    return x;
}

std::vector<int64_t> tokensOf(const StepRecord &r)
{
    return std::vector<int64_t>(r.tokens.begin(), r.tokens.end());
}

std::vector<int64_t> tokensOf(const at::Tensor &x)
{
    const at::Tensor c = x.reshape({-1}).contiguous();
    return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

void addCases()
{
    QTest::addColumn<int>("alg");
    QTest::addColumn<int>("genLength");
    QTest::addColumn<int>("steps");
    QTest::addColumn<double>("eps");
    QTest::addColumn<double>("temperature");
    QTest::addColumn<double>("topP");
    QTest::addColumn<int>("topK");
    QTest::addColumn<double>("algTemp");
    QTest::addColumn<uint64_t>("seed");
    for (DreamAlg alg : {DreamAlg::MaskgitPlus, DreamAlg::TopkMargin, DreamAlg::Entropy, DreamAlg::Origin}) {
        const int a = static_cast<int>(alg);
        const QByteArray n = dreamAlgName(alg);
        QTest::newRow(n + " 16/8") << a << 16 << 8 << 1e-3 << 0.0 << 1.0 << 0 << 0.0 << uint64_t(1);
        QTest::newRow(n + " 23/7 eps .05") << a << 23 << 7 << 0.05 << 0.0 << 1.0 << 0 << 0.0 << uint64_t(2);
        QTest::newRow(n + " 30/12 top_p .95") << a << 30 << 12 << 1e-3 << 0.0 << 0.95 << 0 << 0.0 << uint64_t(3);
        QTest::newRow(n + " 12/12 top_k 6") << a << 12 << 12 << 1e-2 << 0.0 << 1.0 << 6 << 0.0 << uint64_t(4);
        QTest::newRow(n + " 20/5 top_p+top_k") << a << 20 << 5 << 1e-3 << 0.0 << 0.9 << 8 << 0.0 << uint64_t(5);
        QTest::newRow(n + " T .8") << a << 18 << 6 << 1e-3 << 0.8 << 1.0 << 0 << 0.0 << uint64_t(6);
        QTest::newRow(n + " T 1.2 top_p .9") << a << 18 << 9 << 1e-3 << 1.2 << 0.9 << 5 << 0.0 << uint64_t(7);
        QTest::newRow(n + " alg_temp .5") << a << 20 << 10 << 1e-3 << 0.0 << 1.0 << 0 << 0.5 << uint64_t(8);
        QTest::newRow(n + " T .7 alg_temp .2") << a << 20 << 4 << 1e-3 << 0.7 << 0.95 << 0 << 0.2 << uint64_t(9);
    }
}

} // namespace

class TestDreamConformance : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { at::manual_seed(77); }

    /** Deterministic settings: the Session's canvas after every step is the reference's. */
    void canvasesMatchDream_data() { addCases(); }
    void canvasesMatchDream()
    {
        QFETCH(int, alg);
        QFETCH(int, genLength);
        QFETCH(int, steps);
        QFETCH(double, eps);
        QFETCH(double, temperature);
        QFETCH(double, topP);
        QFETCH(int, topK);
        QFETCH(double, algTemp);
        QFETCH(uint64_t, seed);
        const DreamCase c {static_cast<DreamAlg>(alg), steps, eps, temperature, topP, topK, algTemp};
        auto model = makeModel(seed);
        std::vector<int64_t> refCounts;
        const auto history = dreamReference(*model, startCanvas(genLength), c, &refCounts);

        auto session = Session::createFromIds(model, nullptr, dreamSettings(c, genLength, seed), kPrompt);
        QVERIFY2(session.ok(), session.error().c_str());
        QVERIFY((*session)->run(nullptr).ok());
        QVERIFY((*session)->finished());
        const Branch &branch = (*session)->timeline().branch(0);
        QVERIFY(branch.size() - 1 <= steps);
        const bool deterministic = c.alg != DreamAlg::Origin && temperature == 0 && algTemp == 0;
        for (int i = 1; i < branch.size(); ++i) {
            const StepRecord &r = branch.at(i);
            QCOMPARE(r.sampler, SamplerKind::Dream);
            if (deterministic)
                QCOMPARE(tokensOf(r), tokensOf(history[static_cast<size_t>(i - 1)]));
            if (c.alg != DreamAlg::Origin) // counts depend on the schedule alone, not on the draws
                QCOMPARE(static_cast<int64_t>(r.committed.size()), refCounts[static_cast<size_t>(i - 1)]);
        }
        QCOMPARE(tokensOf(branch.at(branch.size() - 1)).size(), tokensOf(history.back()).size());
        if (deterministic)
            QCOMPARE(tokensOf(branch.at(branch.size() - 1)), tokensOf(history.back()));
    }

    /**
     * Every step, stochastic ones included, replayed against the reference's sample_tokens on the canvas the
     * Session saw: at temperature 0 every revealed token is the reference's x0; above it, every revealed
     * token lies in the filtered support; with alg_temp 0 the revealed set is the reference's top-k.
     */
    void stepsMatchSampleTokens_data() { addCases(); }
    void stepsMatchSampleTokens()
    {
        QFETCH(int, alg);
        QFETCH(int, genLength);
        QFETCH(int, steps);
        QFETCH(double, eps);
        QFETCH(double, temperature);
        QFETCH(double, topP);
        QFETCH(int, topK);
        QFETCH(double, algTemp);
        QFETCH(uint64_t, seed);
        const DreamCase c {static_cast<DreamAlg>(alg), steps, eps, temperature, topP, topK, algTemp};
        auto model = makeModel(seed);
        auto session = Session::createFromIds(model, nullptr, dreamSettings(c, genLength, seed), kPrompt);
        QVERIFY2(session.ok(), session.error().c_str());
        QVERIFY((*session)->run(nullptr).ok());
        const Branch &branch = (*session)->timeline().branch(0);
        for (int i = 1; i < branch.size(); ++i) {
            const StepRecord &before = branch.at(i - 1), &r = branch.at(i);
            const at::Tensor x = at::tensor(tokensOf(before), at::kLong).unsqueeze(0);
            const at::Tensor maskIndex = x == 39;
            const at::Tensor maskLogits = model->logits(x).index({maskIndex});
            auto [confidence, x0, probs] = sampleTokens(maskLogits, DreamCase {c.alg, steps, eps, 0.0, topP, topK});
            if (temperature > 0) // the support of the tempered, filtered distribution
                probs = std::get<2>(sampleTokens(maskLogits, c));
            std::vector<int64_t> rowOf(before.tokens.size(), -1);
            int64_t row = 0;
            for (size_t p = 0; p < before.tokens.size(); ++p)
                rowOf[p] = before.tokens[p] == 39 ? row++ : -1;
            QCOMPARE(static_cast<int64_t>(r.committed.size() + r.remasked.size()), row);
            for (int32_t p : r.committed) {
                const int64_t rr = rowOf[static_cast<size_t>(p)];
                QVERIFY(rr >= 0);
                if (temperature == 0)
                    QCOMPARE(static_cast<int64_t>(r.tokens[static_cast<size_t>(p)]), x0[rr].item<int64_t>());
                else
                    QVERIFY(probs[rr][r.tokens[static_cast<size_t>(p)]].item<float>() > 0.0f);
            }
            if (c.alg != DreamAlg::Origin && algTemp == 0 && temperature == 0) {
                const int k = static_cast<int>(r.committed.size());
                const at::Tensor top = std::get<1>(at::topk(confidence, k));
                std::vector<int64_t> want, got;
                for (int j = 0; j < k; ++j) {
                    want.push_back(top[j].item<int64_t>());
                    got.push_back(rowOf[static_cast<size_t>(r.committed[static_cast<size_t>(j)])]);
                }
                std::sort(want.begin(), want.end());
                std::sort(got.begin(), got.end());
                QCOMPARE(got, want);
            }
            if (i == steps) // the last step of the grid reveals everything left
                QVERIFY(r.remasked.empty());
        }
    }
};

QTEST_GUILESS_MAIN(TestDreamConformance)
#include "test_dream_conformance.moc"
