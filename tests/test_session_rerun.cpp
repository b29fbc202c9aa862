// "Run again with…" and the one-pass prediction on the tiny random model: the second run is a branch with
// its own settings, the same prompt and seed, and exactly the records a fresh session with those settings
// makes; the prediction equals a direct forward pass.
#include "core/model/llada_model.h"

#include <ATen/ATen.h>

#include "core/sampling/schedule.h"
#include "core/session/session.h"
#include "core/timeline/timeline_json.h"
#include "tiny_session.h"

#include <QtTest>

#include <cmath>

using namespace dlm;

class TestSessionRerun : public QObject
{
    Q_OBJECT

private:
    testing::TinySession m_tiny;

private Q_SLOTS:
    void initTestCase()
    {
        const std::string problem = m_tiny.open();
        QVERIFY2(problem.empty(), problem.c_str());
    }

    void rerunIsABranchWithItsSettings_data()
    {
        QTest::addColumn<int>("steps");
        QTest::addColumn<double>("temperature");
        QTest::addColumn<bool>("threshold");
        QTest::newRow("fewer steps") << 3 << 0.0 << false;
        QTest::newRow("sampled") << 6 << 0.8 << false;
        QTest::newRow("threshold") << 6 << 0.0 << true;
    }

    void rerunIsABranchWithItsSettings()
    {
        QFETCH(int, steps);
        QFETCH(double, temperature);
        QFETCH(bool, threshold);
        GenerationSettings first = testing::TinySession::small();
        first.seed = 11;
        auto s = m_tiny.make(first);
        QVERIFY(s->run(nullptr));
        const int rootSize = s->timeline().branch(0).size();

        GenerationSettings again = first;
        again.steps = steps;
        again.temperature = temperature;
        again.useThreshold = threshold;
        again.threshold = 0.5;
        again.seed = 99; // ignored: a run again keeps the timeline's seed
        QVERIFY(s->runAgainWith(again));
        QCOMPARE(s->branchId(), 1);
        QCOMPARE(s->index(), 0);
        QVERIFY(s->run(nullptr));
        QVERIFY(s->finished());

        const Timeline &t = s->timeline();
        const Branch &b = t.branch(1);
        QCOMPARE(b.parent, 0);
        QCOMPARE(b.forkIndex, 0);
        QCOMPARE(b.records.front(), t.branch(0).records.front()); // the same initial record
        QCOMPARE(t.settingsFor(1).steps, steps);
        QCOMPARE(t.settingsFor(1).useThreshold, threshold);
        QCOMPARE(t.settingsFor(1).seed, uint64_t(11));
        QCOMPARE(t.settingsFor(0).steps, 6); // the first run keeps its own
        QCOMPARE(t.branch(0).size(), rootSize);

        // The branch is what a fresh session with the new settings (and the first seed) computes.
        GenerationSettings fresh = again;
        fresh.seed = 11;
        auto reference = m_tiny.make(fresh);
        QVERIFY(reference->run(nullptr));
        const Branch &ref = reference->timeline().branch(0);
        QCOMPARE(b.size(), ref.size());
        for (int i = 0; i < b.size(); ++i) {
            QCOMPARE(b.at(i).tokens, ref.at(i).tokens);
            QCOMPARE(b.at(i).committed, ref.at(i).committed);
            QCOMPARE(b.at(i).quota, ref.at(i).quota);
        }

        // Back on the first branch, stepping there still uses the first settings (a fork of the first run).
        QVERIFY(s->switchBranch(0, 1));
        QVERIFY(s->remask({s->current().committed.front()}));
        QVERIFY(s->step());
        QVERIFY(!t.branch(s->branchId()).settings);
        // 11 masked (one remasked) with 5 of the first run's 6 steps left in the block.
        QCOMPARE(s->current().quota, BlockSchedule::quota(11, 5));
        QCOMPARE(s->current().threshold, 0.0);
    }

    void rerunRefusesAnotherLength()
    {
        auto s = m_tiny.make(testing::TinySession::small());
        GenerationSettings longer = testing::TinySession::small();
        longer.genLength = 16;
        longer.blockLength = 16;
        const Status st = s->runAgainWith(longer);
        QVERIFY(!st);
        QVERIFY2(QString::fromStdString(st.error()).contains(QStringLiteral("gen length")), st.error().c_str());
        QCOMPARE(s->timeline().branchCount(), 1);
        GenerationSettings bad = testing::TinySession::small();
        bad.steps = 0;
        QVERIFY(!s->runAgainWith(bad));
        QCOMPARE(s->timeline().branchCount(), 1);
    }

    void rerunSurvivesSaveAndContinue()
    {
        auto s = m_tiny.make(testing::TinySession::small());
        QVERIFY(s->run(nullptr, 2));
        GenerationSettings again = testing::TinySession::small();
        again.steps = 4;
        QVERIFY(s->runAgainWith(again));
        QVERIFY(s->run(nullptr, 1));
        auto loaded = timelineFromJson(timelineToJson(s->timeline()), "mem.json");
        QVERIFY(loaded.ok());
        QCOMPARE(loaded->settingsFor(1).steps, 4);
        auto adopted = Session::adopt(m_tiny.model(), m_tiny.tokenizer(), *loaded);
        QVERIFY2(adopted.ok(), adopted.ok() ? "" : adopted.error().c_str());
        QVERIFY((*adopted)->switchBranch(1));
        QVERIFY((*adopted)->run(nullptr));
        QVERIFY(s->run(nullptr));
        const Branch &a = (*adopted)->timeline().branch(1);
        const Branch &b = s->timeline().branch(1);
        QCOMPARE(a.size(), b.size());
        QCOMPARE(a.last().tokens, b.last().tokens);
    }

    void predictionEqualsDirectForward_data()
    {
        QTest::addColumn<int>("position");
        QTest::addColumn<int>("record");
        QTest::newRow("prompt, initial canvas") << 1 << 0;
        QTest::newRow("prompt, after three steps") << 2 << 3;
        QTest::newRow("generated position") << 8 << 3;
    }

    void predictionEqualsDirectForward()
    {
        QFETCH(int, position);
        QFETCH(int, record);
        auto s = m_tiny.make(testing::TinySession::small());
        QVERIFY(s->run(nullptr, 3));
        const Timeline before = s->timeline();
        const StepRecord &r = before.branch(0).at(record);
        auto p = s->predictPosition(r, position, 5);
        QVERIFY2(p.ok(), p.ok() ? "" : p.error().c_str());
        QCOMPARE(p->position, position);

        at::InferenceMode guard;
        const at::Tensor ids = at::tensor(std::vector<int64_t>(r.tokens.begin(), r.tokens.end()), at::kLong);
        const at::Tensor probs = at::softmax(m_tiny.model()->logits(ids.unsqueeze(0))[0][position], -1);
        auto [topP, topI] = probs.topk(5);
        QCOMPARE(static_cast<int>(p->topIds.size()), 5);
        for (int j = 0; j < 5; ++j) {
            QCOMPARE(p->topIds[static_cast<size_t>(j)], static_cast<int32_t>(topI[j].item<int64_t>()));
            QVERIFY(std::abs(p->topProbs[static_cast<size_t>(j)] - topP[j].item<float>()) < 1e-6f);
            QCOMPARE(p->pieces[static_cast<size_t>(j)], m_tiny.tokenizer()->piece(p->topIds[static_cast<size_t>(j)]));
        }
        const float entropy = -(probs * probs.log()).sum().item<float>();
        QVERIFY(std::abs(p->entropy - entropy) < 1e-4f);
        // Nothing recorded, nothing moved.
        QCOMPARE(s->timeline().branch(0).size(), before.branch(0).size());
        QCOMPARE(s->index(), 3);
        QVERIFY(!s->predictPosition(r, r.length(), 5));
    }
};

QTEST_GUILESS_MAIN(TestSessionRerun)
#include "test_session_rerun.moc"
