// Taking edits back and making them again in a Session on a tiny random LLaDA model: undo detaches the
// records an edit made (a branch tail or a whole forked branch), redo attaches the same records again, and
// both refuse, changing nothing, when the history no longer fits. Also the piece table the session keeps.
#include "core/base/compute_threads.h"
#include "core/model/llada_model.h"
#include "core/model/model_loader.h"
#include "core/session/session.h"
#include "core/text/tokenizer.h"
#include "tiny_session.h"

#include <QtTest>

#include <algorithm>

using namespace dlm;

class TestSessionUndo : public QObject
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
        GenerationSettings s = testing::TinySession::small();
        s.topK = 3;
        return s;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const std::string problem = m_tiny.open();
        QVERIFY2(problem.empty(), problem.c_str());
    }

    void takingEditsBackDetachesAndRestoresTheSameRecords()
    {
        auto ses = make(small());
        QVERIFY(ses->run(nullptr, 2).ok());
        const int pos = ses->promptLength() + 5;
        QVERIFY(ses->setTokens(pos, {42}).ok()); // record 3 on branch 0
        QVERIFY(ses->run(nullptr, 1).ok()); // record 4
        const auto mainRecords = ses->timeline().branch(0).records;
        QVERIFY(ses->goTo(1).ok());
        QVERIFY(ses->remask({ses->current().committed.at(0)}).ok()); // forks branch 1 at record 1
        QVERIFY(ses->run(nullptr, 2).ok());
        const Branch fork = ses->timeline().branch(1);
        QCOMPARE(fork.size(), 5);
        const StepRecord *forkEdit = fork.records.at(2).get();
        const StepRecord *tipEdit = mainRecords.at(3).get();

        // Refused, changing nothing: a record that is not the edit, an edit that is not where it is claimed.
        QVERIFY(!ses->takeBackEdit(0, 2, mainRecords.at(2).get()).ok());
        QVERIFY(!ses->takeBackEdit(0, 3, forkEdit).ok());
        QVERIFY(!ses->takeBackEdit(3, 1, forkEdit).ok());
        QCOMPARE(ses->timeline().branchCount(), 2);
        QCOMPARE(ses->branchId(), 1);
        QCOMPARE(ses->index(), 4);

        // The forking edit takes its whole branch, steps included; the cursor returns to where it was made.
        auto branch = ses->takeBackEdit(1, 2, forkEdit);
        QVERIFY2(branch.ok(), branch.error().c_str());
        QCOMPARE(ses->timeline().branchCount(), 1);
        QCOMPARE(ses->branchId(), 0);
        QCOMPARE(ses->index(), 1);
        QVERIFY(ses->timeline().branch(0).records == mainRecords);

        // The tip edit takes the step after it; branch 0 is what it was before the edit.
        QVERIFY(ses->goTo(4).ok());
        auto tail = ses->takeBackEdit(0, 3, tipEdit);
        QVERIFY2(tail.ok(), tail.error().c_str());
        QCOMPARE(ses->timeline().branch(0).size(), 3);
        QCOMPARE(ses->index(), 2);

        // Redo puts the very same records back, newest undo last, without computing anything.
        QVERIFY(ses->restoreEdit(**tail).ok());
        QVERIFY(ses->timeline().branch(0).records == mainRecords);
        QCOMPARE(ses->index(), 3);
        QVERIFY(ses->restoreEdit(**branch).ok());
        QCOMPARE(ses->timeline().branchCount(), 2);
        QVERIFY(ses->timeline().branch(1).records == fork.records);
        QCOMPARE(ses->timeline().branch(1).parent, 0);
        QCOMPARE(ses->timeline().branch(1).forkIndex, 1);
        QCOMPARE(ses->branchId(), 1);
        QCOMPARE(ses->index(), 2);

        // An older branch cannot go while a newer one exists (ids are indices), nor records a branch forks from.
        QVERIFY(ses->switchBranch(0, 3).ok());
        QVERIFY(ses->setTokens(pos + 1, {43}).ok()); // forks branch 2 at record 3, the tip edit itself
        QCOMPARE(ses->timeline().branchCount(), 3);
        QVERIFY(!ses->takeBackEdit(1, 2, forkEdit).ok());
        QVERIFY(!ses->takeBackEdit(0, 3, tipEdit).ok());
        QCOMPARE(ses->timeline().branchCount(), 3);
        QVERIFY(ses->timeline().branch(0).records == mainRecords);

        // A step computed where an undone edit would go back makes its redo refuse rather than replace it.
        QVERIFY(ses->takeBackEdit(2, 4, ses->timeline().branch(2).records.at(4).get()).ok());
        QVERIFY(ses->goTo(4).ok());
        auto again = ses->takeBackEdit(0, 3, tipEdit);
        QVERIFY(again.ok());
        QVERIFY(ses->step().ok()); // record 3 again, now without the edit
        const auto recomputed = ses->timeline().branch(0).records;
        const Status redo = ses->restoreEdit(**again);
        QVERIFY(!redo.ok());
        QVERIFY2(redo.error().find("computed") != std::string::npos, redo.error().c_str());
        QVERIFY(ses->timeline().branch(0).records == recomputed);
    }

    void pieceTableCoversEveryIdOnce()
    {
        auto ses = make(small());
        QVERIFY(ses->run(nullptr, 3).ok());
        QVERIFY(ses->setText(ses->promptLength() + 1, " the dog").ok());
        const Timeline &t = ses->timeline();
        const auto &pieces = t.pieces;
        // Sorted, no id twice, and every id a record holds or proposes has its tokenizer piece.
        for (size_t i = 1; i < pieces.size(); ++i)
            QVERIFY(pieces[i - 1].first < pieces[i].first);
        for (const auto &record : t.branch(0).records) {
            std::vector<int32_t> ids = record->tokens;
            ids.insert(ids.end(), record->candidates.begin(), record->candidates.end());
            ids.insert(ids.end(), record->topIds.begin(), record->topIds.end());
            for (int32_t id : ids) {
                if (id >= 0)
                    QCOMPARE(t.pieceOf(id), m_tiny.tokenizer()->piece(id));
            }
        }
    }
};

QTEST_MAIN(TestSessionUndo)
#include "test_session_undo.moc"
