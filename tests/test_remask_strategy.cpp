// The commit/remask decision on hand-made confidences: quota ranking, tie order, locks, and the threshold
// rule including "always at least one".
#include "core/sampling/remask_strategy.h"

#include <QtTest>

#include <cmath>
#include <limits>

using namespace dlm;

namespace {

constexpr float kNotEligible = -std::numeric_limits<float>::infinity();

CommitDecision run(const RemaskStrategy &strategy, std::vector<float> confidence, int quota, double tau,
                   std::vector<uint8_t> locked = {})
{
    std::vector<uint8_t> eligible(confidence.size());
    for (size_t i = 0; i < confidence.size(); ++i)
        eligible[i] = std::isinf(confidence[i]) ? 0 : 1;
    if (locked.empty())
        locked.assign(confidence.size(), 0);
    StrategyInput in;
    in.confidence = &confidence;
    in.eligible = &eligible;
    in.locked = &locked;
    in.quota = quota;
    in.threshold = tau;
    return strategy.decide(in);
}

QList<int> list(const std::vector<int32_t> &v)
{
    return QList<int>(v.begin(), v.end());
}

} // namespace

class TestRemaskStrategy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void quotaTakesTheMostConfident()
    {
        const auto d = run(QuotaStrategy(), {0.1f, 0.9f, kNotEligible, 0.5f, 0.7f}, 2, 0);
        QCOMPARE(list(d.commit), (QList<int>{1, 4}));
        QCOMPARE(list(d.remask), (QList<int>{0, 3}));
    }

    void quotaNeverTakesIneligible()
    {
        const auto d = run(QuotaStrategy(), {kNotEligible, 0.2f, kNotEligible}, 3, 0);
        QCOMPARE(list(d.commit), (QList<int>{1}));
        QVERIFY(d.remask.empty());
    }

    void quotaTiesPreferLowerPosition()
    {
        const auto d = run(QuotaStrategy(), {0.5f, 0.5f, 0.5f, 0.5f}, 2, 0);
        QCOMPARE(list(d.commit), (QList<int>{0, 1}));
        QCOMPARE(list(d.remask), (QList<int>{2, 3}));
    }

    void quotaZeroCommitsNothing()
    {
        const auto d = run(QuotaStrategy(), {0.5f, 0.4f}, 0, 0);
        QVERIFY(d.commit.empty());
        QCOMPARE(list(d.remask), (QList<int>{0, 1}));
    }

    void lockedPositionsAreNeverTouched()
    {
        // An eligible-but-locked position (possible for future strategies) is neither committed nor remasked.
        const auto d = run(QuotaStrategy(), {0.9f, 0.8f, 0.1f}, 1, 0, {1, 0, 0});
        QCOMPARE(list(d.commit), (QList<int>{1}));
        QCOMPARE(list(d.remask), (QList<int>{2}));
    }

    void threshold_data()
    {
        QTest::addColumn<QList<float>>("confidence");
        QTest::addColumn<double>("tau");
        QTest::addColumn<QList<int>>("commit");
        QTest::newRow("two above") << QList<float>{0.95f, 0.2f, 0.91f, 0.89f} << 0.9 << QList<int>{0, 2};
        QTest::newRow("equal counts as above") << QList<float>{0.5f, 0.9f} << 0.9 << QList<int>{1};
        QTest::newRow("none above: the best one") << QList<float>{0.3f, 0.6f, 0.5f} << 0.9 << QList<int>{1};
        QTest::newRow("all above") << QList<float>{0.99f, 0.98f} << 0.5 << QList<int>{0, 1};
        QTest::newRow("ineligible ignored") << QList<float>{kNotEligible, 0.1f} << 0.9 << QList<int>{1};
    }
    void threshold()
    {
        QFETCH(QList<float>, confidence);
        QFETCH(double, tau);
        QFETCH(QList<int>, commit);
        const auto d = run(ThresholdStrategy(), std::vector<float>(confidence.begin(), confidence.end()), -1, tau);
        QCOMPARE(list(d.commit), commit);
        int eligible = 0;
        for (float c : confidence)
            eligible += std::isinf(c) ? 0 : 1;
        QCOMPARE(static_cast<int>(d.commit.size() + d.remask.size()), eligible);
    }

    void rankingIsByConfidenceThenPosition()
    {
        const std::vector<float> c{0.2f, 0.8f, 0.2f, 0.9f};
        const std::vector<uint8_t> e{1, 1, 1, 0};
        QCOMPARE(list(rankByConfidence(c, e)), (QList<int>{1, 0, 2}));
    }
};

QTEST_GUILESS_MAIN(TestRemaskStrategy)
#include "test_remask_strategy.moc"
