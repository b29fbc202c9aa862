// The engine's share of the machine: reading the run queue, choosing a thread count from it, telling the
// engine's own threads from competition, and describing the OpenMP wait policy in effect.

#include "core/base/busy_load.h"
#include "core/base/compute_environment.h"
#include "core/base/thread_budget.h"

#include <QtTest>

#include <cstdlib>

using namespace dlm;

class TestThreadBudget : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesProcsRunning_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("expected"); // -1: nothing found
        QTest::newRow("typical") << "\ncpu  1 2 3\nctxt 99\nprocs_running 3\nprocs_blocked 0\n" << 3;
        QTest::newRow("last line") << "\nbtime 1\nprocs_running 12" << 12;
        QTest::newRow("missing") << "\ncpu 1 2 3\nprocs_blocked 0\n" << -1;
        QTest::newRow("not a number") << "\nprocs_running x\n" << -1;
        QTest::newRow("negative") << "\nprocs_running -2\n" << -1;
        QTest::newRow("prefix of another key") << "\nmy_procs_running 4\n" << -1;
    }
    void parsesProcsRunning()
    {
        QFETCH(QString, text);
        QFETCH(int, expected);
        const auto n = parseProcsRunning(text.toStdString());
        QCOMPARE(n.value_or(-1), expected);
    }

    void threadsForLoad_data()
    {
        QTest::addColumn<int>("cores");
        QTest::addColumn<int>("others");
        QTest::addColumn<int>("expected");
        QTest::newRow("idle 2-core") << 2 << 0 << 2;
        QTest::newRow("one busy program") << 2 << 1 << 1;
        QTest::newRow("overloaded") << 2 << 7 << 1;
        QTest::newRow("8 cores, 3 busy") << 8 << 3 << 5;
        QTest::newRow("one core") << 1 << 0 << 1;
        QTest::newRow("no cores reported") << 0 << 0 << 1;
        QTest::newRow("negative estimate") << 4 << -1 << 4;
    }
    void threadsForLoad()
    {
        QFETCH(int, cores);
        QFETCH(int, others);
        QFETCH(int, expected);
        QCOMPARE(dlm::threadsForLoad(cores, others), expected);
    }

    void budgetIgnoresAMomentaryTask()
    {
        ThreadBudget budget(2);
        // Within a step the fewest competitors counts: a task that ran during one sample only is ignored.
        QCOMPARE(budget.nextFromSamples({1, 0, 1}), 2);
        QCOMPARE(budget.nextFromSamples({0, 0, 0}), 2);
        // One step that saw a busy program does not take a core away (median of the last three steps)...
        QCOMPARE(budget.nextFromSamples({1, 1, 1}), 2);
        // ...a second one does, and it stays taken while the program runs.
        QCOMPARE(budget.nextFromSamples({1, 1, 1}), 1);
        QCOMPARE(budget.nextFromSamples({1, 2, 1}), 1);
        // Once the program is gone for two steps, both cores come back.
        QCOMPARE(budget.nextFromSamples({0, 0, 0}), 1);
        QCOMPARE(budget.nextFromSamples({0, 0, 0}), 2);
    }

    void budgetWithoutRunQueueUsesEveryCore()
    {
        ThreadBudget budget(4);
        QCOMPARE(budget.nextFromSamples({}), 4);
    }

    void readsTheRealRunQueue()
    {
        // This very thread is running while it reads.
        const auto n = readProcsRunning();
        QVERIFY(n.has_value());
        QVERIFY(*n >= 1);
    }

    void busyThreadsAreCompetitionNotEngine()
    {
        BusyLoad load(2);
        QCOMPARE(load.threads(), 2);
        // The busy threads are running, but they are not the engine's compute threads.
        QCOMPARE(ownComputeThreadsRunning(), 0);
    }

    void describesThePolicyFromTheEnvironment()
    {
        qputenv("GOMP_SPINCOUNT", "1234");
        qunsetenv("OMP_WAIT_POLICY");
        qunsetenv("DLM_COMPUTE_ENVIRONMENT");
        ComputeEnvironment env = computeEnvironment();
        QCOMPARE(QString::fromStdString(env.spinCount), QStringLiteral("1234"));
        QCOMPARE(QString::fromStdString(env.origin), QStringLiteral("from the environment"));
        QVERIFY(QString::fromStdString(env.describe()).contains(QStringLiteral("spin 1234 times")));

        qputenv("OMP_WAIT_POLICY", "PASSIVE");
        qunsetenv("GOMP_SPINCOUNT");
        env = computeEnvironment();
        QCOMPARE(QString::fromStdString(env.waitPolicy), QStringLiteral("passive"));
        QVERIFY(QString::fromStdString(env.describe()).contains(QStringLiteral("sleep when idle")));

        qunsetenv("OMP_WAIT_POLICY");
        qputenv("DLM_COMPUTE_ENVIRONMENT", "set");
        qputenv("GOMP_SPINCOUNT", kEngineSpinCount);
        env = computeEnvironment();
        QCOMPARE(QString::fromStdString(env.origin), QStringLiteral("set by DLM Studio"));
    }
};

QTEST_GUILESS_MAIN(TestThreadBudget)
#include "test_thread_budget.moc"
