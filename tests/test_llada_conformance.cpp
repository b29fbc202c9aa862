// Conformance with LLaDA's generate.py: a literal re-implementation of that function with tensor ops runs
// on the same logits as the Session, and every step must commit the same positions with the same tokens.
// The logits come from a small deterministic function of the whole canvas, so every commit changes what
// later steps see. For T > 0 both sides draw the Gumbel noise from the same uniforms. Prompts with masks
// (infilling) are replayed too: per-step commit counts and the final canvas, masks left over included.
#include "core/sampling/candidates.h"
#include "core/base/counter_rng.h"
#include "core/model/logits_model.h"
#include "core/session/session.h"
#include "canvas_function_model.h"

#include <ATen/ATen.h>

#include <QtTest>

#include <algorithm>
#include <limits>

using namespace dlm;
using dlm::testing::CanvasFunctionModel;

namespace {

struct StepCommits
{
    std::vector<int64_t> positions; // sorted
    std::vector<int64_t> tokens;    // at those positions
};

// LLaDA's generate(), transcribed: blocks, get_num_transfer_tokens, Gumbel noise, low_confidence, topk. The
// prompt may hold masks: they are eligible (mask_index is the whole canvas) but only the block's masks set the
// quota. `canvas`, when given, receives the final x.
std::vector<StepCommits> lladaReference(LogitsModel &model, const std::vector<int64_t> &prompt, int steps,
                                        int genLength, int blockLength, double temperature, double cfgScale,
                                        uint64_t seed, std::vector<int64_t> *canvas = nullptr)
{
    const int64_t maskId = model.config().maskTokenId;
    const int64_t P = static_cast<int64_t>(prompt.size());
    at::Tensor x = at::full({1, P + genLength}, maskId, at::kLong);
    for (int64_t i = 0; i < P; ++i)
        x[0][i] = prompt[static_cast<size_t>(i)];
    const at::Tensor promptIndex = x != maskId;
    const int numBlocks = genLength / blockLength;
    const int stepsPerBlock = steps / numBlocks;
    std::vector<StepCommits> out;
    int globalStep = 0;
    for (int nb = 0; nb < numBlocks; ++nb) {
        const at::Tensor blockMask = x.narrow(1, P + nb * blockLength, blockLength) == maskId;
        const int64_t maskNum = blockMask.sum().item<int64_t>();
        std::vector<int64_t> transfer(static_cast<size_t>(stepsPerBlock), maskNum / stepsPerBlock);
        for (int64_t i = 0; i < maskNum % stepsPerBlock; ++i)
            ++transfer[static_cast<size_t>(i)];
        for (int i = 0; i < stepsPerBlock; ++i) {
            ++globalStep;
            const at::Tensor maskIndex = x == maskId;
            at::Tensor logits;
            if (cfgScale > 0) {
                at::Tensor unX = x.clone();
                unX.masked_fill_(promptIndex, maskId);
                const at::Tensor both = model.logits(at::cat({x, unX}, 0));
                const at::Tensor c = both.narrow(0, 0, 1), u = both.narrow(0, 1, 1);
                logits = u + (cfgScale + 1) * (c - u);
            } else {
                logits = model.logits(x);
            }
            at::Tensor noisy = logits;
            if (temperature > 0) {
                const int64_t L = x.size(1), V = logits.size(2);
                at::Tensor u = at::empty({1, L, V}, at::kDouble);
                for (int64_t p = 0; p < L; ++p)
                    for (int64_t v = 0; v < V; ++v)
                        u[0][p][v] = counterUniform(seed, RngStream::Gumbel, static_cast<uint64_t>(globalStep),
                                                    static_cast<uint64_t>(p), static_cast<uint64_t>(v));
                noisy = logits.to(at::kDouble).exp() / (-u.log()).pow(temperature);
            }
            at::Tensor x0 = noisy.argmax(-1);
            const at::Tensor p = at::softmax(logits, -1);
            at::Tensor x0p = p.gather(-1, x0.unsqueeze(-1)).squeeze(-1);
            const int64_t right = P + (nb + 1) * blockLength;
            if (right < x.size(1))
                x0p.narrow(1, right, x.size(1) - right).fill_(-std::numeric_limits<float>::infinity());
            x0 = at::where(maskIndex, x0, x);
            const at::Tensor confidence =
                at::where(maskIndex, x0p, at::full_like(x0p, -std::numeric_limits<float>::infinity()));
            const at::Tensor select = std::get<1>(confidence[0].topk(transfer[static_cast<size_t>(i)]));
            StepCommits sc;
            const at::Tensor sorted = std::get<0>(select.sort());
            for (int64_t k = 0; k < sorted.numel(); ++k) {
                const int64_t pos = sorted[k].item<int64_t>();
                sc.positions.push_back(pos);
                sc.tokens.push_back(x0[0][pos].item<int64_t>());
                x[0][pos] = x0[0][pos];
            }
            out.push_back(sc);
        }
    }
    if (canvas)
        for (int64_t p = 0; p < x.size(1); ++p)
            canvas->push_back(x[0][p].item<int64_t>());
    return out;
}

/** The settings of one generate() call: gen_length, steps, block_length, temperature, cfg_scale and the seed. */
GenerationSettings lladaSettings(int genLength, int steps, int blockLength, double temperature, double cfg, uint64_t seed)
{
    GenerationSettings s;
    s.genLength = genLength;
    s.steps = steps;
    s.blockLength = blockLength;
    s.temperature = temperature;
    s.cfgScale = cfg;
    s.seed = seed;
    return s;
}

} // namespace

class TestLladaConformance : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void commitSequenceMatchesLlada_data()
    {
        QTest::addColumn<int>("genLength");
        QTest::addColumn<int>("steps");
        QTest::addColumn<int>("blockLength");
        QTest::addColumn<double>("temperature");
        QTest::addColumn<double>("cfg");
        QTest::addColumn<uint64_t>("seed");
        QTest::newRow("one block, one token a step") << 16 << 16 << 16 << 0.0 << 0.0 << uint64_t(1);
        QTest::newRow("one block, two a step") << 16 << 8 << 16 << 0.0 << 0.0 << uint64_t(2);
        QTest::newRow("four blocks") << 16 << 8 << 4 << 0.0 << 0.0 << uint64_t(3);
        QTest::newRow("uneven quota in block") << 24 << 10 << 12 << 0.0 << 0.0 << uint64_t(4);
        QTest::newRow("temperature 1") << 16 << 8 << 8 << 1.0 << 0.0 << uint64_t(5);
        QTest::newRow("temperature 0.7, blocks") << 20 << 8 << 5 << 0.7 << 0.0 << uint64_t(6);
        QTest::newRow("cfg 1.5") << 12 << 6 << 6 << 0.0 << 1.5 << uint64_t(7);
        QTest::newRow("cfg and temperature") << 12 << 12 << 4 << 0.5 << 0.5 << uint64_t(8);
    }
    void commitSequenceMatchesLlada()
    {
        QFETCH(int, genLength);
        QFETCH(int, steps);
        QFETCH(int, blockLength);
        QFETCH(double, temperature);
        QFETCH(double, cfg);
        QFETCH(uint64_t, seed);
        const int vocab = 50, maskId = 49;
        auto model = std::make_shared<CanvasFunctionModel>(vocab, maskId, seed);
        const std::vector<int64_t> prompt{3, 14, 15, 9, 26};

        const auto expected = lladaReference(*model, prompt, steps, genLength, blockLength, temperature, cfg, seed);

        const GenerationSettings s = lladaSettings(genLength, steps, blockLength, temperature, cfg, seed);
        auto session = Session::createFromIds(model, nullptr, s, std::vector<int32_t>(prompt.begin(), prompt.end()));
        QVERIFY2(session.ok(), session.error().c_str());
        Session &ses = **session;
        QVERIFY(ses.run(nullptr).ok());
        QVERIFY(ses.finished());
        const Branch &branch = ses.timeline().branch(0);
        QCOMPARE(branch.size() - 1, static_cast<int>(expected.size()));
        for (size_t i = 0; i < expected.size(); ++i) {
            const StepRecord &r = branch.at(static_cast<int>(i) + 1);
            std::vector<int64_t> got(r.committed.begin(), r.committed.end());
            std::sort(got.begin(), got.end());
            QVERIFY2(got == expected[i].positions, qPrintable(QStringLiteral("step %1 commits other positions").arg(i + 1)));
            for (size_t k = 0; k < got.size(); ++k)
                QCOMPARE(static_cast<int64_t>(r.tokens[static_cast<size_t>(got[k])]), expected[i].tokens[k]);
        }
    }

    // Masks typed into the prompt (infilling). generate() sets each block's quota from the block's own masks
    // (get_num_transfer_tokens(block_mask_index, steps)) while prompt masks compete for those commits, so a
    // run commits exactly gen_length tokens and leaves as many masks as the prompt had. The commit counts are
    // get_num_transfer_tokens' split of the block's masks, written out by hand.
    void promptMasksMatchGenerate_data()
    {
        const int64_t M = 49; // the model's mask id
        QTest::addColumn<QVector<qint64>>("prompt");
        QTest::addColumn<int>("genLength");
        QTest::addColumn<int>("steps");
        QTest::addColumn<int>("blockLength");
        QTest::addColumn<double>("temperature");
        QTest::addColumn<double>("cfg");
        QTest::addColumn<QVector<int>>("counts");
        // "The [MASK] licence [MASK] is", gen 8, steps 4, block 8: 8 masks over 4 steps (counting the prompt's
        // two as well would commit 3, 3, 2, 2 and fill them all).
        QTest::newRow("two prompt masks, one block")
            << QVector<qint64> {3, M, 15, M, 26} << 8 << 4 << 8 << 0.0 << 0.0 << QVector<int> {2, 2, 2, 2};
        QTest::newRow("uneven split") << QVector<qint64> {3, M, 15, M, 26} << 10 << 4 << 10 << 0.0 << 0.0
                                      << QVector<int> {3, 3, 2, 2};
        QTest::newRow("four blocks, masks left over carry on")
            << QVector<qint64> {M, 14, M, 9, M} << 16 << 8 << 4 << 0.0 << 0.0 << QVector<int> {2, 2, 2, 2, 2, 2, 2, 2};
        QTest::newRow("temperature and cfg")
            << QVector<qint64> {3, M, 15, M, 26} << 12 << 6 << 6 << 0.7 << 0.5 << QVector<int> {2, 2, 2, 2, 2, 2};
    }
    void promptMasksMatchGenerate()
    {
        QFETCH(QVector<qint64>, prompt);
        QFETCH(int, genLength);
        QFETCH(int, steps);
        QFETCH(int, blockLength);
        QFETCH(double, temperature);
        QFETCH(double, cfg);
        QFETCH(QVector<int>, counts);
        const int vocab = 50, maskId = 49;
        const uint64_t seed = 12;
        auto model = std::make_shared<CanvasFunctionModel>(vocab, maskId, seed);
        const std::vector<int64_t> promptIds(prompt.begin(), prompt.end());
        const int promptMasks = static_cast<int>(std::count(promptIds.begin(), promptIds.end(), maskId));

        std::vector<int64_t> canvas;
        const auto expected
            = lladaReference(*model, promptIds, steps, genLength, blockLength, temperature, cfg, seed, &canvas);
        QCOMPARE(static_cast<int>(expected.size()), counts.size());
        int promptCommits = 0; // the case at hand: prompt masks took some of the blocks' commits
        for (int i = 0; i < counts.size(); ++i) {
            const std::vector<int64_t> &at = expected[static_cast<size_t>(i)].positions;
            QCOMPARE(static_cast<int>(at.size()), counts[i]);
            promptCommits += static_cast<int>(
                std::count_if(at.begin(), at.end(), [&](int64_t p) { return p < prompt.size(); }));
        }
        QVERIFY(promptCommits > 0);

        const GenerationSettings s = lladaSettings(genLength, steps, blockLength, temperature, cfg, seed);
        auto session
            = Session::createFromIds(model, nullptr, s, std::vector<int32_t>(promptIds.begin(), promptIds.end()));
        QVERIFY2(session.ok(), session.error().c_str());
        Session &ses = **session;
        QVERIFY(ses.run(nullptr).ok());
        QVERIFY(ses.finished()); // generate() is done after its steps, masks or not
        QVERIFY(!ses.step().ok());
        const Branch &branch = ses.timeline().branch(0);
        QCOMPARE(branch.size() - 1, counts.size());
        for (int i = 0; i < counts.size(); ++i) {
            const StepRecord &r = branch.at(i + 1);
            QCOMPARE(r.quota, counts[i]);
            std::vector<int64_t> got(r.committed.begin(), r.committed.end());
            std::sort(got.begin(), got.end());
            QVERIFY2(got == expected[static_cast<size_t>(i)].positions,
                qPrintable(QStringLiteral("step %1 commits other positions").arg(i + 1)));
        }
        const std::vector<int32_t> &last = branch.last().tokens;
        QCOMPARE(std::vector<int64_t>(last.begin(), last.end()), canvas);
        QCOMPARE(static_cast<int>(std::count(canvas.begin(), canvas.end(), int64_t(maskId))), promptMasks);
    }
};

QTEST_GUILESS_MAIN(TestLladaConformance)
#include "test_llada_conformance.moc"
