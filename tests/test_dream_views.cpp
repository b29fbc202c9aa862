// Dream in the window: the sampler form shows the loaded family's rows only and carries Dream's fields, and
// the decision chart states Dream's decision in Dream's terms (k from the schedule at t -> s; origin's
// independent reveals, which have no cut).

#include "core/timeline/timeline.h"
#include "ui/panels/sampler_form.h"
#include "ui/views/decision_chart.h"

#include <QtTest>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QSpinBox>

using namespace dlm;

namespace {

StepRecord dreamStep(
    int step, DreamAlg alg, std::vector<int32_t> committed, std::vector<int32_t> remasked, double t, double s)
{
    StepRecord r;
    r.kind = RecordKind::Denoise;
    r.denoiseStep = step;
    r.tokens = {10, 11, 99, 99, 99, 99};
    r.states = {PositionState::Prompt, PositionState::Prompt, PositionState::Remasked, PositionState::Remasked,
        PositionState::Remasked, PositionState::Remasked};
    r.flags.assign(6, 0);
    r.candidates = {-1, -1, 20, 21, 22, 23};
    const float inf = std::numeric_limits<float>::infinity();
    r.confidence = {-inf, -inf, 0.9f, 0.5f, 0.7f, 0.2f};
    r.probability = {0, 0, 0.9f, 0.5f, 0.7f, 0.2f};
    for (int32_t p : committed) {
        r.tokens[static_cast<size_t>(p)] = r.candidates[static_cast<size_t>(p)];
        r.states[static_cast<size_t>(p)] = PositionState::CommittedThisStep;
    }
    r.sampler = SamplerKind::Dream;
    r.dreamAlg = alg;
    r.scheduleT = t;
    r.scheduleS = s;
    r.transferCount = static_cast<int>(committed.size());
    r.quota = alg == DreamAlg::Origin ? -1 : r.transferCount;
    r.committed = std::move(committed);
    r.remasked = std::move(remasked);
    return r;
}

Timeline dreamTimeline(DreamAlg alg)
{
    Timeline t;
    t.settings = dreamDefaults();
    t.settings.alg = alg;
    t.model.maskId = 99;
    t.model.vocabSize = 100;
    t.promptIds = {10, 11};
    StepRecord initial;
    initial.tokens = {10, 11, 99, 99, 99, 99};
    initial.states = {PositionState::Prompt, PositionState::Prompt, PositionState::Masked, PositionState::Masked,
        PositionState::Masked, PositionState::Masked};
    initial.flags.assign(6, 0);
    t.start(std::move(initial));
    t.append(0,
        dreamStep(1, alg, alg == DreamAlg::Origin ? std::vector<int32_t> {3, 5} : std::vector<int32_t> {2, 4},
            alg == DreamAlg::Origin ? std::vector<int32_t> {2, 4} : std::vector<int32_t> {3, 5}, 0.62, 0.55));
    return t;
}

} // namespace

class TestDreamViews : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void chartSaysKFromTheSchedule()
    {
        DecisionChart chart;
        chart.setTimelineBranch(dreamTimeline(DreamAlg::MaskgitPlus), 0);
        chart.setCurrentIndex(1);
        QCOMPARE(chart.cutMode(), DecisionChart::CutMode::Quota);
        QCOMPARE(chart.quotaCut(), 2);
        QVERIFY2(
            chart.summary().contains(QStringLiteral("maskgit_plus: k = 2 from the schedule at t=0.62 \u2192 s=0.55")),
            qPrintable(chart.summary()));
        QCOMPARE(chart.committedCount(), 2);
    }

    void chartOriginHasNoCut()
    {
        DecisionChart chart;
        chart.setTimelineBranch(dreamTimeline(DreamAlg::Origin), 0);
        chart.setCurrentIndex(1);
        QCOMPARE(chart.cutMode(), DecisionChart::CutMode::None);
        QVERIFY(std::isnan(chart.cutLineCoordinate()));
        QVERIFY2(chart.summary().contains(QStringLiteral("origin: independent reveals with p = 1 \u2212 s/t = 0.113")),
            qPrintable(chart.summary()));
        // The reveals ignore the confidence: the committed bars are not the most confident ones.
        QCOMPARE(chart.barFate(0), DecisionChart::Fate::Remasked);
    }

    void formShowsTheFamilysRows()
    {
        SamplerForm form;
        form.show();
        auto *dreamRows = form.findChild<QWidget *>(QStringLiteral("dreamRows"));
        auto *blockLength = form.findChild<QSpinBox *>(QStringLiteral("blockLength"));
        auto *measure = form.findChild<QComboBox *>(QStringLiteral("remasking"));
        QVERIFY(dreamRows && blockLength && measure);
        QVERIFY(!dreamRows->isVisible());
        QVERIFY(blockLength->isVisible());

        GenerationSettings s = dreamDefaults();
        s.alg = DreamAlg::TopkMargin;
        s.algTemp = 0.25;
        s.topP = 0.9;
        s.sampleTopK = 17;
        s.eps = 0.002;
        form.setSettings(s);
        QVERIFY(dreamRows->isVisible());
        QVERIFY(!blockLength->isVisible());
        QVERIFY(!measure->isVisible());
        const GenerationSettings back = form.settings();
        QCOMPARE(back.sampler, SamplerKind::Dream);
        QCOMPARE(back.alg, DreamAlg::TopkMargin);
        QCOMPARE(back.algTemp, 0.25);
        QCOMPARE(back.topP, 0.9);
        QCOMPARE(back.sampleTopK, 17);
        QCOMPARE(back.eps, 0.002);

        QSignalSpy edited(&form, &SamplerForm::edited);
        form.findChild<QDoubleSpinBox *>(QStringLiteral("eps"))->setValue(0.01); // as a user would
        QCOMPARE(edited.count(), 1);
        QCOMPARE(form.settings().eps, 0.01);

        form.setSettings(GenerationSettings {});
        QVERIFY(!dreamRows->isVisible());
        QVERIFY(blockLength->isVisible());
    }
};

QTEST_MAIN(TestDreamViews)
#include "test_dream_views.moc"
