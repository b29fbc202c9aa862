// The rule that decides when a step reports its layers (ProgressThrottle), on made-up times: a step faster
// than 100 ms reports nothing, a slow one at most every 50 ms, and each step starts the wait afresh.
#include "core/base/progress_throttle.h"

#include <QtTest>

using namespace dlm;
using Ms = std::chrono::milliseconds;

class TestProgressThrottle : public QObject
{
    Q_OBJECT

private:
    const ProgressThrottle::Clock::time_point t0 = ProgressThrottle::Clock::time_point() + std::chrono::hours(1);

private Q_SLOTS:
    void fastStepReportsNothing()
    {
        ProgressThrottle throttle;
        throttle.restart(t0);
        // The demo model: 2 layers + head in ~15 ms.
        for (int ms : {5, 10, 15, 99})
            QVERIFY2(!throttle.due(t0 + Ms(ms)), qPrintable(QString::number(ms)));
    }

    void slowStepReportsAtMostEvery50Ms()
    {
        ProgressThrottle throttle;
        throttle.restart(t0);
        QVERIFY(!throttle.due(t0 + Ms(60)));
        QVERIFY(throttle.due(t0 + Ms(100)));
        QVERIFY(!throttle.due(t0 + Ms(101)));
        QVERIFY(!throttle.due(t0 + Ms(149)));
        QVERIFY(throttle.due(t0 + Ms(150)));
        // Layers of 300 ms each: every one of them is reported.
        QVERIFY(throttle.due(t0 + Ms(450)));
        QVERIFY(throttle.due(t0 + Ms(750)));
        // 1,000 layers in 1 s send at most 21 reports.
        int reports = 0;
        throttle.restart(t0);
        for (int us = 0; us <= 1000000; us += 1000)
            reports += throttle.due(t0 + std::chrono::microseconds(us));
        QCOMPARE(reports, 19); // at 100, 150, ..., 1000 ms
    }

    void restartWaitsAfreshForEachStep()
    {
        ProgressThrottle throttle(Ms(100), Ms(50));
        throttle.restart(t0);
        QVERIFY(throttle.due(t0 + Ms(200)));
        throttle.restart(t0 + Ms(210)); // the next step
        QVERIFY(!throttle.due(t0 + Ms(260)));
        QVERIFY(!throttle.due(t0 + Ms(309)));
        QVERIFY(throttle.due(t0 + Ms(310)));
    }
};

QTEST_GUILESS_MAIN(TestProgressThrottle)
#include "test_progress_throttle.moc"
