// The Session API on a tiny random LLaDA model: schedule bookkeeping in the records, determinism, history
// navigation, edits and forks, locks, threshold decoding, infilling and refusals.
#include "core/model/llada_model.h"
#include "core/base/compute_threads.h"

#include <ATen/ATen.h>

#include "core/session/session.h"
#include "core/timeline/timeline_json.h"
#include "tiny_session.h"
#include "core/text/tokenizer.h"

#include <QtTest>

#include <cmath>

using namespace dlm;

namespace {

bool sameRecords(const StepRecord &a, const StepRecord &b)
{
    return a.tokens == b.tokens && a.states == b.states && a.committed == b.committed && a.remasked == b.remasked
        && a.candidates == b.candidates && a.confidence == b.confidence && a.topIds == b.topIds
        && a.topProbs == b.topProbs && a.quota == b.quota;
}

} // namespace

class TestSession : public QObject
{
    Q_OBJECT

private:
    testing::TinySession m_tiny;

    std::unique_ptr<Session> make(const GenerationSettings &s, const std::string &prompt = "the cat sat on")
    {
        return m_tiny.make(s, prompt);
    }

    static GenerationSettings small()
    {
        return testing::TinySession::small();
    }

private Q_SLOTS:
    void initTestCase()
    {
        const std::string problem = m_tiny.open();
        QVERIFY2(problem.empty(), problem.c_str());
    }

    void runRecordsEveryStep_data()
    {
        QTest::addColumn<int>("gen");
        QTest::addColumn<int>("steps");
        QTest::addColumn<int>("block");
        QTest::newRow("one block") << 12 << 6 << 12;
        QTest::newRow("uneven") << 10 << 4 << 10;
        QTest::newRow("blocks, steps remainder") << 10 << 7 << 4;
    }
    void runRecordsEveryStep()
    {
        QFETCH(int, gen);
        QFETCH(int, steps);
        QFETCH(int, block);
        GenerationSettings s = small();
        s.genLength = gen;
        s.steps = steps;
        s.blockLength = block;
        auto ses = make(s);
        const int promptLen = ses->promptLength();
        QVERIFY(promptLen > 0);
        QVERIFY(ses->run(nullptr).ok());
        QVERIFY(ses->finished());
        const Branch &b = ses->timeline().branch(0);
        QCOMPARE(b.size(), steps + 1); // no block is empty, so every scheduled step runs
        int masked = gen;
        for (int i = 1; i < b.size(); ++i) {
            const StepRecord &r = b.at(i);
            QCOMPARE(r.kind, RecordKind::Denoise);
            QCOMPARE(r.denoiseStep, i);
            QCOMPARE(static_cast<int>(r.committed.size()), r.quota);
            masked -= r.quota;
            QCOMPARE(r.maskedCount(ses->maskId()), masked);
            int newThisStep = 0;
            for (int p = 0; p < r.length(); ++p) {
                if (r.states[static_cast<size_t>(p)] == PositionState::CommittedThisStep)
                    ++newThisStep;
                if (p < promptLen)
                    QCOMPARE(r.states[static_cast<size_t>(p)], PositionState::Prompt);
                if (r.considered(p)) {
                    // The candidate is the top-1 alternative at temperature 0, and its probability heads the list.
                    QCOMPARE(r.topIds[static_cast<size_t>(p * r.topK)], r.candidates[static_cast<size_t>(p)]);
                    QCOMPARE(r.topProbs[static_cast<size_t>(p * r.topK)], r.probability[static_cast<size_t>(p)]);
                    QVERIFY(p >= promptLen);
                }
            }
            QCOMPARE(newThisStep, static_cast<int>(r.committed.size()));
            // The remasked positions are exactly the eligible ones (predictions right of the block are
            // recorded too, but never eligible) that were not committed.
            int considered = 0;
            for (int p = 0; p < r.length(); ++p)
                considered += r.considered(p) && !r.laterPrediction(p) ? 1 : 0;
            QCOMPARE(considered, static_cast<int>(r.committed.size() + r.remasked.size()));
            QVERIFY(r.forwardMs > 0.0);
        }
        QCOMPARE(masked, 0);
    }

    void blocksAreFilledLeftToRight()
    {
        GenerationSettings s = small();
        s.genLength = 12;
        s.blockLength = 4;
        s.steps = 6;
        auto ses = make(s);
        QVERIFY(ses->run(nullptr).ok());
        const Branch &b = ses->timeline().branch(0);
        const int promptLen = ses->promptLength();
        for (int i = 1; i < b.size(); ++i) {
            const StepRecord &r = b.at(i);
            for (int32_t p : r.committed)
                QCOMPARE((p - promptLen) / 4, r.block);
        }
    }

    void seededRunsAreIdentical()
    {
        GenerationSettings s = small();
        s.temperature = 0.8;
        s.seed = 11;
        auto a = make(s);
        QVERIFY(a->run(nullptr).ok());
        setComputeThreads(1);
        auto b = make(s);
        QVERIFY(b->run(nullptr).ok());
        setComputeThreads(2);
        const Branch &ba = a->timeline().branch(0), &bb = b->timeline().branch(0);
        QCOMPARE(ba.size(), bb.size());
        for (int i = 0; i < ba.size(); ++i)
            QVERIFY2(sameRecords(ba.at(i), bb.at(i)), qPrintable(QStringLiteral("record %1 differs").arg(i)));
        s.seed = 12;
        auto c = make(s);
        QVERIFY(c->run(nullptr).ok());
        bool differs = false;
        for (int i = 1; i < ba.size(); ++i)
            differs = differs || ba.at(i).tokens != c->timeline().branch(0).at(i).tokens;
        QVERIFY2(differs, "another seed should give another sample at temperature 0.8");
    }

    void historyNavigationIsInstant()
    {
        auto ses = make(small());
        QVERIFY(ses->run(nullptr, 3).ok());
        QCOMPARE(ses->index(), 3);
        QVERIFY(ses->goTo(1).ok());
        QVERIFY(ses->step().ok());
        QCOMPARE(ses->index(), 2);
        QCOMPARE(ses->timeline().branch(0).size(), 4); // stepping inside history computes nothing
        QVERIFY(!ses->goTo(9).ok());
        QVERIFY(ses->goTo(3).ok());
        QVERIFY(ses->step().ok());
        QCOMPARE(ses->timeline().branch(0).size(), 5);
    }

    void callbackStopsTheRun()
    {
        auto ses = make(small());
        int calls = 0;
        QVERIFY(ses->run([&](const StepRecord &) { return ++calls < 2; }).ok());
        QCOMPARE(calls, 2);
        QCOMPARE(ses->index(), 2);
        QVERIFY(!ses->finished());
    }

    void editAtTipAppendsAnEditRecord()
    {
        auto ses = make(small());
        QVERIFY(ses->run(nullptr, 2).ok());
        const int pos = ses->promptLength() + 5;
        const int32_t token = 42;
        QVERIFY(ses->setTokens(pos, {token}).ok());
        QCOMPARE(ses->timeline().branchCount(), 1);
        const StepRecord &r = ses->current();
        QCOMPARE(r.kind, RecordKind::Edit);
        QCOMPARE(r.tokens[static_cast<size_t>(pos)], token);
        QCOMPARE(r.states[static_cast<size_t>(pos)], PositionState::Edited);
        QCOMPARE(r.denoiseStep, 2);
        QVERIFY(ses->run(nullptr).ok());
        QVERIFY(ses->finished());
        QCOMPARE(ses->current().tokens[static_cast<size_t>(pos)], token); // the model works around it
        QCOMPARE(ses->current().states[static_cast<size_t>(pos)], PositionState::Edited);
        QCOMPARE(ses->current().denoiseStep, 6); // edits do not consume steps
    }

    void editInThePastForksABranch()
    {
        auto ses = make(small());
        QVERIFY(ses->run(nullptr).ok());
        const Branch original = ses->timeline().branch(0);
        std::vector<StepRecord> before;
        for (int i = 0; i < original.size(); ++i)
            before.push_back(original.at(i));
        QVERIFY(ses->goTo(2).ok());
        const int pos = ses->promptLength();
        QVERIFY(ses->remask({ses->current().committed.empty() ? pos : ses->current().committed[0]}).ok());
        QCOMPARE(ses->timeline().branchCount(), 2);
        QCOMPARE(ses->branchId(), 1);
        const Branch &fork = ses->timeline().branch(1);
        QCOMPARE(fork.parent, 0);
        QCOMPARE(fork.forkIndex, 2);
        QCOMPARE(fork.size(), 4);
        QVERIFY(ses->run(nullptr).ok());
        // The old branch is untouched, record by record.
        const Branch &old = ses->timeline().branch(0);
        QCOMPARE(old.size(), static_cast<int>(before.size()));
        for (int i = 0; i < old.size(); ++i)
            QVERIFY(sameRecords(old.at(i), before[static_cast<size_t>(i)]));
        // Switching back is instant.
        QVERIFY(ses->switchBranch(0).ok());
        QCOMPARE(ses->index(), old.size() - 1);
    }

    void adoptedTimelineContinuesTheRun()
    {
        GenerationSettings set = small();
        set.temperature = 0.8;
        auto straight = make(set);
        QVERIFY(straight->run(nullptr).ok());

        auto first = make(set);
        QVERIFY(first->run(nullptr, 2).ok());
        QVERIFY(first->setTokens(first->promptLength() + 1, {42}).ok());
        auto saved = timelineFromJson(timelineToJson(first->timeline()), "saved.json");
        QVERIFY2(saved.ok(), saved.error().c_str());
        auto adopted = Session::adopt(m_tiny.model(), m_tiny.tokenizer(), *saved);
        QVERIFY2(adopted.ok(), adopted.error().c_str());
        QCOMPARE((*adopted)->index(), 3);
        QVERIFY((*adopted)->run(nullptr).ok());
        QVERIFY(first->run(nullptr).ok());
        // Same records as the session that never left memory. `a` is a copy: the fork below reallocates the
        // branch list, which would leave a reference dangling.
        const Branch a = (*adopted)->timeline().branch(0);
        const Branch &b = first->timeline().branch(0);
        QCOMPARE(a.size(), b.size());
        for (int i = 0; i < a.size(); ++i)
            QVERIFY2(sameRecords(a.at(i), b.at(i)), qPrintable(QString::number(i)));
        // Going back and editing forks a branch as in a live session.
        QVERIFY((*adopted)->goTo(1).ok());
        QVERIFY((*adopted)->remask({(*adopted)->current().committed.at(0)}).ok());
        QCOMPARE((*adopted)->timeline().branchCount(), 2);
        // The unedited records match the straight run up to the edit.
        for (int i = 0; i <= 2; ++i)
            QVERIFY(sameRecords(a.at(i), straight->timeline().branch(0).at(i)));
    }

    void adoptRefusesAnotherModel()
    {
        auto ses = make(small());
        QVERIFY(ses->run(nullptr, 1).ok());
        const QString otherDir = m_tiny.filePath(QStringLiteral("other"));
        testing::TinyModelOptions options;
        options.maxSequenceLength = 128; // another config.json
        QVERIFY(testing::writeTinyModel(otherDir.toStdString(), options).ok());
        auto other = LladaModel::load(otherDir.toStdString());
        QVERIFY(other.ok());
        auto refused = Session::adopt(*other, m_tiny.tokenizer(), ses->timeline());
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().find("was made with model") != std::string::npos, refused.error().c_str());

        Timeline empty;
        QVERIFY(!Session::adopt(m_tiny.model(), m_tiny.tokenizer(), empty).ok());
    }

    void remaskedTokensAreFilledAgain()
    {
        auto ses = make(small());
        QVERIFY(ses->run(nullptr).ok());
        const int pos = ses->promptLength() + 3;
        QVERIFY(ses->remask({pos}).ok());
        QCOMPARE(ses->current().tokens[static_cast<size_t>(pos)], ses->maskId());
        QVERIFY(!ses->finished());
        QVERIFY(ses->step().ok()); // the block's steps are spent: the leftover is committed at once
        QVERIFY(ses->finished());
        QCOMPARE(ses->current().committed, std::vector<int32_t> {pos});
    }

    void locksAreRespected()
    {
        auto ses = make(small());
        QVERIFY(ses->run(nullptr, 3).ok());
        const int32_t pos = ses->current().committed.at(0);
        QVERIFY(ses->setLocked({pos}, true).ok());
        QVERIFY(ses->current().flags[static_cast<size_t>(pos)] & FlagLocked);
        Status s = ses->remask({pos});
        QVERIFY(!s.ok());
        QVERIFY2(s.error().find("locked") != std::string::npos, s.error().c_str());
        QVERIFY(!ses->setTokens(pos, {7}).ok());
        const int32_t masked = ses->promptLength() + 11;
        if (ses->current().tokens[static_cast<size_t>(masked)] == ses->maskId())
            QVERIFY(!ses->setLocked({masked}, true).ok());
        const int32_t token = ses->current().tokens[static_cast<size_t>(pos)];
        QVERIFY(ses->run(nullptr).ok());
        QCOMPARE(ses->current().tokens[static_cast<size_t>(pos)], token);
        QVERIFY(ses->setLocked({pos}, false).ok());
        QVERIFY(ses->remask({pos}).ok());
    }

    void typedTextFillsConsecutivePositions()
    {
        auto ses = make(small());
        QVERIFY(ses->run(nullptr, 1).ok());
        const int pos = ses->promptLength() + 2;
        int count = 0;
        QVERIFY(ses->setText(pos, " the dog", &count).ok());
        const auto ids = m_tiny.tokenizer()->encode(" the dog");
        QCOMPARE(count, static_cast<int>(ids.size()));
        for (int i = 0; i < count; ++i)
            QCOMPARE(ses->current().tokens[static_cast<size_t>(pos + i)], ids[static_cast<size_t>(i)]);
        QCOMPARE(ses->current().edit.text, std::string(" the dog"));
    }

    void refusedEdits_data()
    {
        QTest::addColumn<int>("what");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("outside canvas") << 0 << QStringLiteral("outside the canvas");
        QTest::newRow("prompt") << 1 << QStringLiteral("part of the prompt");
        QTest::newRow("bad id") << 2 << QStringLiteral("outside the vocabulary");
        QTest::newRow("mask id") << 3 << QStringLiteral("use remask");
        QTest::newRow("remask a mask") << 4 << QStringLiteral("already masked");
        QTest::newRow("text too long") << 5 << QStringLiteral("too long");
    }
    void refusedEdits()
    {
        QFETCH(int, what);
        QFETCH(QString, fragment);
        auto ses = make(small());
        const int end = ses->current().length();
        Status s;
        switch (what) {
        case 0:
            s = ses->setTokens(end, {5});
            break;
        case 1:
            s = ses->setTokens(0, {5});
            break;
        case 2:
            s = ses->setTokens(end - 1, {100000});
            break;
        case 3:
            s = ses->setTokens(end - 1, {ses->maskId()});
            break;
        case 4:
            s = ses->remask({end - 1});
            break;
        case 5:
            s = ses->setText(end - 1, "the cat sat on the mat and the dog ran");
            break;
        }
        QVERIFY(!s.ok());
        QVERIFY2(s.error().find(fragment.toStdString()) != std::string::npos, s.error().c_str());
        QCOMPARE(ses->timeline().branch(0).size(), 1); // nothing was recorded
    }

    void thresholdDecoding()
    {
        GenerationSettings s = small();
        s.useThreshold = true;
        s.threshold = 0.05;
        s.blockLength = 6;
        auto ses = make(s);
        QVERIFY(ses->run(nullptr).ok());
        QVERIFY(ses->finished());
        const Branch &b = ses->timeline().branch(0);
        for (int i = 1; i < b.size(); ++i) {
            const StepRecord &r = b.at(i);
            QCOMPARE(r.quota, -1);
            QVERIFY(!r.committed.empty());
            for (size_t k = 1; k < r.committed.size(); ++k)
                QVERIFY(r.confidence[static_cast<size_t>(r.committed[k])] >= 0.05f);
            for (int32_t p : r.remasked)
                QVERIFY(r.confidence[static_cast<size_t>(p)] < 0.05f);
        }
    }

    // As LLaDA's generate(): prompt masks are eligible but the quota comes from the block's 4 masks, so the run
    // commits 1 a step for 4 steps and ends with 2 masks; Step then says why there is nothing to do. A position
    // sent back to the mask afterwards gets one more commit (test_llada_conformance checks the canvases).
    void infillingPromptMasksCompeteForTheQuota()
    {
        GenerationSettings s = small();
        s.genLength = 4;
        s.steps = 4;
        s.blockLength = 4;
        auto ses = make(s, "the cat [MASK] [MASK] on the mat");
        const StepRecord &first = ses->current();
        QCOMPARE(first.maskedCount(ses->maskId()), 6);
        QVERIFY(ses->run(nullptr).ok());
        QVERIFY(ses->finished());
        const Branch &b = ses->timeline().branch(0);
        QCOMPARE(b.size(), 5);
        for (int i = 1; i < b.size(); ++i)
            QCOMPARE(b.at(i).quota, 1);
        QCOMPARE(ses->current().maskedCount(ses->maskId()), 2);
        const Status refused = ses->step();
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().find("2 masked position(s) stay") != std::string::npos, refused.error().c_str());

        int committed = -1;
        for (int p = ses->promptLength(); p < ses->current().length() && committed < 0; ++p)
            if (ses->current().tokens[static_cast<size_t>(p)] != ses->maskId())
                committed = p;
        QVERIFY(committed >= 0);
        QVERIFY(ses->remask({committed}).ok());
        QVERIFY(!ses->finished());
        QVERIFY(ses->step().ok());
        QCOMPARE(ses->current().quota, 1);
        QCOMPARE(ses->current().committed.size(), size_t(1));
        QVERIFY(ses->finished());
    }

    // An edit that sends a position left of the current block back to the mask adds it to the block's quota:
    // gen 8 in two blocks of 4, 2 steps each; after block 0 and one step of block 1 (2 masks left there), a
    // remask in block 0 makes the last step commit 3, and the run ends with nothing masked.
    void remaskLeftOfTheBlockAddsToItsQuota()
    {
        GenerationSettings s = small();
        s.genLength = 8;
        s.steps = 4;
        s.blockLength = 4;
        auto ses = make(s);
        QVERIFY(ses->run(nullptr, 3).ok());
        QCOMPARE(ses->current().block, 1);
        QCOMPARE(ses->current().maskedCount(ses->maskId()), 2);
        QVERIFY(ses->remask({ses->promptLength() + 1}).ok());
        QVERIFY(ses->step().ok());
        QCOMPARE(ses->current().quota, 3);
        QCOMPARE(ses->current().maskedCount(ses->maskId()), 0);
        QVERIFY(ses->finished());
    }

    void guidanceRuns()
    {
        GenerationSettings s = small();
        s.cfgScale = 1.0;
        auto ses = make(s);
        QVERIFY(ses->run(nullptr).ok());
        QVERIFY(ses->finished());
    }

    void impossibleSettingsAreRefused()
    {
        GenerationSettings s = small();
        s.blockLength = 20;
        auto ses = Session::create(m_tiny.model(), m_tiny.tokenizer(), s, "x");
        QVERIFY(!ses.ok());
        QVERIFY2(ses.error().find("block-length") != std::string::npos, ses.error().c_str());
        s = small();
        s.genLength = 300; // tiny model: max_sequence_length 256
        s.blockLength = 300;
        s.steps = 300;
        ses = Session::create(m_tiny.model(), m_tiny.tokenizer(), s, "x");
        QVERIFY(!ses.ok());
        QVERIFY2(ses.error().find("max_sequence_length") != std::string::npos, ses.error().c_str());
    }

    void piecesAreKeptForReplay()
    {
        auto ses = make(small());
        QVERIFY(ses->run(nullptr).ok());
        for (int32_t id : ses->current().tokens)
            QCOMPARE(ses->timeline().pieceOf(id), m_tiny.tokenizer()->piece(id));
        QVERIFY(!ses->generatedText(ses->current()).empty());
        QVERIFY(!ses->timeline().model.configHash.empty());
        QVERIFY(!ses->timeline().model.tokenizerHash.empty());
    }
};

QTEST_GUILESS_MAIN(TestSession)
#include "test_session.moc"
