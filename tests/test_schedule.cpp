// Block layout and per-step quota: hand-computed cases, and the equivalence between the app's dynamic
// quota and LLaDA's precomputed split when nothing is edited.
#include "core/sampling/schedule.h"

#include <QtTest>

using dlm::BlockSchedule;

class TestSchedule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void splitMatchesLlada_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("steps");
        QTest::addColumn<QList<int>>("expected");
        // LLaDA: base = n div S everywhere, the first n mod S steps get one more.
        QTest::newRow("divisible") << 8 << 4 << QList<int>{2, 2, 2, 2};
        QTest::newRow("remainder 1") << 9 << 4 << QList<int>{3, 2, 2, 2};
        QTest::newRow("remainder 3") << 11 << 4 << QList<int>{3, 3, 3, 2};
        QTest::newRow("more steps than tokens") << 3 << 5 << QList<int>{1, 1, 1, 0, 0};
        QTest::newRow("one step") << 7 << 1 << QList<int>{7};
        QTest::newRow("nothing to do") << 0 << 3 << QList<int>{0, 0, 0};
    }
    void splitMatchesLlada()
    {
        QFETCH(int, n);
        QFETCH(int, steps);
        QFETCH(QList<int>, expected);
        const auto got = BlockSchedule::split(n, steps);
        QCOMPARE(QList<int>(got.begin(), got.end()), expected);
    }

    void dynamicQuotaEqualsPrecomputedSplit()
    {
        // Committing quota(n, S) and recomputing from what is left gives the same sequence as LLaDA's
        // precomputed split, for every n and S in a range.
        for (int n = 0; n <= 40; ++n) {
            for (int steps = 1; steps <= 12; ++steps) {
                const auto split = BlockSchedule::split(n, steps);
                int left = n;
                for (int i = 0; i < steps; ++i) {
                    const int q = BlockSchedule::quota(left, steps - i);
                    QCOMPARE(q, split[static_cast<size_t>(i)]);
                    left -= q;
                }
                QCOMPARE(left, 0);
            }
        }
    }

    void quotaAfterStepsRunOut()
    {
        // After an edit remasks tokens in a finished block, the leftover is committed at once.
        QCOMPARE(BlockSchedule::quota(5, 0), 5);
        QCOMPARE(BlockSchedule::quota(5, -2), 5);
        QCOMPARE(BlockSchedule::quota(0, 3), 0);
    }

    void blockLayout_data()
    {
        QTest::addColumn<int>("prompt");
        QTest::addColumn<int>("gen");
        QTest::addColumn<int>("block");
        QTest::addColumn<int>("steps");
        QTest::addColumn<QList<int>>("starts");
        QTest::addColumn<QList<int>>("ends");
        QTest::addColumn<QList<int>>("stepsPerBlock");
        QTest::newRow("one block") << 3 << 8 << 8 << 4 << QList<int>{3} << QList<int>{11} << QList<int>{4};
        QTest::newRow("divisible") << 2 << 8 << 4 << 6 << QList<int>{2, 6} << QList<int>{6, 10} << QList<int>{3, 3};
        QTest::newRow("short last block") << 0 << 10 << 4 << 6 << QList<int>{0, 4, 8} << QList<int>{4, 8, 10}
                                          << QList<int>{2, 2, 2};
        QTest::newRow("steps remainder") << 1 << 12 << 4 << 8 << QList<int>{1, 5, 9} << QList<int>{5, 9, 13}
                                         << QList<int>{3, 3, 2};
    }
    void blockLayout()
    {
        QFETCH(int, prompt);
        QFETCH(int, gen);
        QFETCH(int, block);
        QFETCH(int, steps);
        QFETCH(QList<int>, starts);
        QFETCH(QList<int>, ends);
        QFETCH(QList<int>, stepsPerBlock);
        BlockSchedule s(prompt, gen, block, steps);
        QCOMPARE(s.blockCount(), static_cast<int>(starts.size()));
        int totalSteps = 0;
        for (int b = 0; b < s.blockCount(); ++b) {
            QCOMPARE(s.blockStart(b), starts[b]);
            QCOMPARE(s.blockEnd(b), ends[b]);
            QCOMPARE(s.stepsForBlock(b), stepsPerBlock[b]);
            totalSteps += s.stepsForBlock(b);
            QCOMPARE(s.blockOf(starts[b]), b);
            QCOMPARE(s.blockOf(ends[b] - 1), b);
        }
        QCOMPARE(totalSteps, steps);
        if (prompt > 0)
            QCOMPARE(s.blockOf(prompt - 1), -1);
    }
};

QTEST_GUILESS_MAIN(TestSchedule)
#include "test_schedule.moc"
