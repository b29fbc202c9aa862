// The compare view and the inspector for every token. On hand-made and sample timelines: the positions the
// compare view marks are the diff computed from the timelines, with the first divergence in words. On the tiny
// model in a window: "Run again with" makes a branch with the new settings from the same prompt and seed; the
// inspector shows a committed token's alternatives from the record that committed it, and for a prompt
// position the one-pass prediction, equal to a direct forward pass. Set DLM_COMPARE_SCREENSHOT (and
// DLM_COMPARE_MODEL for another model than the tiny one) to keep the 1366x768 screenshot; docs'
// screenshot-compare.png is  DLM_COMPARE_MODEL=models/demo DLM_COMPARE_SCREENSHOT=docs/screenshot-compare.png
// test_compare screenshotAtLaptopSize.
#pragma push_macro("slots")
#undef slots
#include "core/model/llada_model.h"
#include <ATen/ATen.h>
#pragma pop_macro("slots")

#include "core/timeline/timeline_diff.h"
#include "sample_timeline.h"
#include "tiny_model.h"
#include "ui/views/branch_list.h"
#include "ui/views/compare_plot.h"
#include "ui/views/compare_view.h"
#include "ui/views/token_inspector.h"
#include "ui/views/view_sync.h"
#include "ui/window/compare_actions.h"
#include "window_driver.h"

#include <QComboBox>
#include <QLayout>
#include <QDockWidget>
#include <QPushButton>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace dlm;
using namespace dlm::testing;

namespace {

GenerationSettings small()
{
    GenerationSettings s;
    s.genLength = 12;
    s.steps = 6;
    s.blockLength = 12;
    s.seed = 5;
    return s;
}

bool runToEnd(MainWindow &w)
{
    QSignalSpy done(parts(w).engine(), &EngineController::finished);
    parts(w).engine()->run(parts(w).document()->branch(), parts(w).document()->index());
    return QTest::qWaitFor([&] { return done.count() == 1; }, kWindowTimeoutMs) && waitIdle(w);
}

} // namespace

class TestCompare : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_modelDir;

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_tmp.isValid());
        m_modelDir = m_tmp.filePath(QStringLiteral("tiny"));
        auto config = writeTinyModel(m_modelDir.toStdString());
        QVERIFY2(config.ok(), config.error().c_str());
    }

    void viewMarksTheDiff_data()
    {
        QTest::addColumn<int>("a");
        QTest::addColumn<int>("b");
        for (int a = 0; a < 4; ++a)
            for (int b = 0; b < 4; ++b)
                QTest::addRow("%d vs %d", a, b) << a << b;
    }

    void viewMarksTheDiff()
    {
        QFETCH(int, a);
        QFETCH(int, b);
        const Timeline t = makeSampleTimeline();
        CompareView view;
        view.setTimeline(t);
        view.setBranches(a, b);
        const TimelineDiff expected = diffBranches(t, a, b);
        QCOMPARE(view.markedPositions(), expected.differing);
        QCOMPARE(view.table()->rowCount(), static_cast<int>(expected.positions.size()));
        QCOMPARE(view.pickerA()->currentData().toInt(), a);
        QCOMPARE(view.pickerB()->currentData().toInt(), b);
        const Divergence &d = expected.divergence;
        if (a == b)
            QVERIFY(view.divergenceText().contains(QStringLiteral("two different")));
        else if (d.found)
            QVERIFY2(view.divergenceText().contains(QStringLiteral("First diverge at record %1 / denoise step %2, "
                                                                   "position %3")
                                                        .arg(d.record)
                                                        .arg(d.denoiseStep)
                                                        .arg(d.position)),
                qPrintable(view.divergenceText()));
        else
            QVERIFY(view.divergenceText().startsWith(QStringLiteral("No divergence")));
        // The overlaid plot draws each branch's masked count, record by record.
        const RunSeries sa = runSeries(t.branch(a), t.model.maskId);
        QCOMPARE(view.plots()->maskedSeries(0), sa.masked);
    }

    void viewNamesSettingsAndFirstDivergence()
    {
        // Hand-made: the sample's branch 1 forks after record 1; give it its own steps.
        Timeline t = makeSampleTimeline();
        GenerationSettings other = t.settings;
        other.steps = t.settings.steps + 3;
        t.branchForLoading(1).settings = std::make_shared<const GenerationSettings>(other);
        CompareView view;
        view.setTimeline(t);
        view.setBranches(0, 1);
        QVERIFY2(view.settingsText().contains(QStringLiteral("steps: %1 vs %2").arg(t.settings.steps).arg(other.steps)),
            qPrintable(view.settingsText()));
        // Picking in the combo box compares the picked branch.
        view.pickerB()->setCurrentIndex(3);
        Q_EMIT view.pickerB()->activated(3);
        QCOMPARE(view.branchB(), 3);
        QCOMPARE(view.markedPositions(), diffBranches(t, 0, 3).differing);
    }

    void runAgainMakesABranchAndCompares()
    {
        MainWindow w;
        w.resize(1366, 768);
        w.show();
        QVERIFY(loadAndStart(w, m_modelDir, small(), QStringLiteral("the cat")));
        QVERIFY(runToEnd(w));
        const Timeline first = parts(w).document()->timeline();

        GenerationSettings again = small();
        again.steps = 3;
        again.seed = 1234; // the panel's seed does not matter: a run again keeps the run's
        parts(w).generationPanel()->setSettings(again);
        QSignalSpy done(parts(w).engine(), &EngineController::finished);
        parts(w).compareActions()->runAgain();
        QVERIFY(QTest::qWaitFor([&] { return done.count() == 1; }, kWindowTimeoutMs));
        QVERIFY(waitIdle(w));
        QCOMPARE(differenceFromEngine(w), QString());

        const Timeline &t = parts(w).document()->timeline();
        QCOMPARE(t.branchCount(), 2);
        QCOMPARE(t.branch(1).parent, 0);
        QCOMPARE(t.branch(1).forkIndex, 0);
        QCOMPARE(t.branch(1).records.front(), first.branch(0).records.front());
        QCOMPARE(t.promptIds, first.promptIds);
        QCOMPARE(t.settingsFor(1).steps, 3);
        QCOMPARE(t.settingsFor(1).seed, uint64_t(5));
        QCOMPARE(t.settingsFor(0).steps, 6);
        QCOMPARE(t.branch(1).last().maskedCount(t.model.maskId), 0);
        QCOMPARE(t.branch(1).at(1).quota, 4); // 12 positions over 3 steps
        QCOMPARE(parts(w).document()->branch(), 1);

        // The run-again ends in the compare view: the first run against the new one.
        QTRY_VERIFY(parts(w).compareActions()->dock()->isVisible());
        CompareView *view = parts(w).compareActions()->view();
        QCOMPARE(view->branchA(), 0);
        QCOMPARE(view->branchB(), 1);
        QCOMPARE(view->markedPositions(), diffBranches(t, 0, 1).differing);
        // 6 steps commit 2 positions first, 3 steps commit 4: the canvases part at the first step.
        const Divergence d = diffBranches(t, 0, 1).divergence;
        QVERIFY(d.found);
        QCOMPARE(d.record, 1);
        QVERIFY2(view->divergenceText().contains(
                     QStringLiteral("First diverge at record 1 / denoise step 1, position %1").arg(d.position)),
            qPrintable(view->divergenceText()));
        QVERIFY(view->settingsText().contains(QStringLiteral("steps: 6 vs 3")));

        // "Compare with current" from the branch list compares the branch on screen with the chosen one.
        Q_EMIT parts(w).branchList()->compareRequested(0);
        QCOMPARE(view->branchA(), 1);
        QCOMPARE(view->branchB(), 0);
        QCOMPARE(view->markedPositions(), diffBranches(t, 1, 0).differing);
    }

    void screenshotAtLaptopSize()
    {
        // Two runs of 48 positions: 48 steps with low_confidence against 12 with margin. The check is that the
        // window renders at 1366x768 with the compare dock showing the diff; the PNG is kept when asked for.
        const QString model = qEnvironmentVariable("DLM_COMPARE_MODEL", m_modelDir);
        MainWindow w;
        w.resize(1366, 768);
        w.show();
        GenerationSettings first = small();
        first.genLength = first.blockLength = first.steps = 48;
        QVERIFY(loadAndStart(w, model, first, QStringLiteral("Once upon a time")));
        QVERIFY(runToEnd(w));
        GenerationSettings again = first;
        again.steps = 12;
        again.measure = ConfidenceMeasure::Margin;
        parts(w).generationPanel()->setSettings(again);
        QSignalSpy done(parts(w).engine(), &EngineController::finished);
        parts(w).compareActions()->runAgain();
        QVERIFY(QTest::qWaitFor([&] { return done.count() == 1; }, kWindowTimeoutMs));
        QVERIFY(waitIdle(w));
        QTRY_VERIFY(parts(w).compareActions()->dock()->isVisible());
        QCOMPARE(parts(w).compareActions()->view()->markedPositions(),
            diffBranches(parts(w).document()->timeline(), 0, 1).differing);
        // Compare mode for the picture: the settings panel and the decision chart make room. (Until the window
        // itself fits 1366x768 with every dock, issue 13 item 1, they also decide whether it can be that small.)
        for (const char *name : {"generationDock", "branchDock", "decisionDock", "plotsDock"})
            if (auto *dock = w.findChild<QDockWidget *>(QLatin1String(name)))
                dock->hide();
        QTest::qWait(50); // the layout takes the hidden docks' room away before the window can shrink
        w.resize(1366, 768);
        QTest::qWait(100);
        // More room for the comparison, and the inspector on the first position that differs.
        w.resizeDocks({parts(w).compareActions()->dock()}, {430}, Qt::Vertical);
        const std::vector<int> differing = parts(w).compareActions()->view()->markedPositions();
        if (!differing.empty())
            parts(w).viewSync()->selectPosition(differing.front());
        parts(w).viewSync()->flush();
        QTest::qWait(200);
        const QImage shot = w.grab().toImage();
        QCOMPARE(shot.size(), w.size() * shot.devicePixelRatio());
        const QString out = qEnvironmentVariable("DLM_COMPARE_SCREENSHOT");
        if (!out.isEmpty())
            QVERIFY(shot.save(out));
    }

    void inspectorShowsTheCommitStep()
    {
        MainWindow w;
        w.show();
        QVERIFY(loadAndStart(w, m_modelDir, small()));
        QVERIFY(runToEnd(w));
        const Branch &b = parts(w).document()->timeline().branch(0);
        const StepRecord &last = b.last();
        // A token committed before the last record, so the record shown did not predict it.
        int pos = -1;
        for (int p = 0; p < last.length() && pos < 0; ++p)
            if (last.states[static_cast<size_t>(p)] == PositionState::Committed)
                pos = p;
        QVERIFY(pos >= 0);
        int commit = -1;
        for (int r = 0; r < b.size(); ++r) {
            const auto &c = b.at(r).committed;
            if (std::find(c.begin(), c.end(), pos) != c.end())
                commit = r;
        }
        QVERIFY(commit > 0);
        parts(w).viewSync()->selectPosition(pos);
        parts(w).viewSync()->flush();
        TokenInspector *inspector = parts(w).tokenInspector();
        QVERIFY(commit < parts(w).document()->index());
        QCOMPARE(inspector->shownRecord(), commit);
        QVERIFY(!inspector->showsPrediction());
        const StepRecord &rec = b.at(commit);
        const size_t k = static_cast<size_t>(rec.topK);
        QCOMPARE(inspector->topKRowCount(), rec.topK);
        for (int j = 0; j < rec.topK; ++j) {
            QCOMPARE(inspector->topKId(j), rec.topIds[static_cast<size_t>(pos) * k + static_cast<size_t>(j)]);
            QCOMPARE(inspector->topKProbability(j),
                double(rec.topProbs[static_cast<size_t>(pos) * k + static_cast<size_t>(j)]));
        }
        QVERIFY2(inspector->tableCaption().startsWith(QStringLiteral("Committed at record %1").arg(commit)),
            qPrintable(inspector->tableCaption()));
        QVERIFY2(inspector->historyText().contains(
                     QStringLiteral("record %1 (step %2): committed").arg(commit).arg(rec.denoiseStep)),
            qPrintable(inspector->historyText()));
    }

    void inspectorAsksTheModelForAPromptToken()
    {
        MainWindow w;
        w.show();
        QVERIFY(loadAndStart(w, m_modelDir, small(), QStringLiteral("the cat sat")));
        QVERIFY(stepTo(w, 3));
        const RecordPtr shown = parts(w).document()->currentRecord();
        const int pos = 1; // a prompt position
        QCOMPARE(shown->states[pos], PositionState::Prompt);
        parts(w).viewSync()->selectPosition(pos);
        parts(w).viewSync()->flush();
        TokenInspector *inspector = parts(w).tokenInspector();
        QCOMPARE(inspector->topKRowCount(), 0);
        QVERIFY(inspector->tableCaption().contains(QStringLiteral("prompt")));
        QVERIFY(inspector->askButton()->isVisible());
        QSignalSpy answered(parts(w).engine(), &EngineController::predictionReady);
        inspector->askButton()->click();
        QVERIFY(QTest::qWaitFor([&] { return answered.count() == 1; }, kWindowTimeoutMs));
        QVERIFY(inspector->showsPrediction());
        QVERIFY(inspector->tableCaption().contains(QStringLiteral("one forward pass")));
        QCOMPARE(parts(w).document()->count(), 3); // nothing recorded

        // The same numbers as one direct forward pass of the tiny model on that canvas.
        auto model = LladaModel::load(m_modelDir.toStdString());
        QVERIFY(model.ok());
        at::InferenceMode guard;
        const at::Tensor ids
            = at::tensor(std::vector<int64_t>(shown->tokens.begin(), shown->tokens.end()), at::kLong).unsqueeze(0);
        const at::Tensor probs = at::softmax((*model)->logits(ids)[0][pos], -1);
        const int k = inspector->topKRowCount();
        QVERIFY(k >= 5);
        auto [topP, topI] = probs.topk(k);
        for (int j = 0; j < k; ++j) {
            QCOMPARE(inspector->topKId(j), static_cast<int32_t>(topI[j].item<int64_t>()));
            QVERIFY(std::abs(inspector->topKProbability(j) - topP[j].item<float>()) < 1e-6);
        }
        // Another record: the answer no longer applies and the caption says so again.
        parts(w).playback()->back();
        parts(w).viewSync()->flush();
        QVERIFY(!inspector->showsPrediction());
    }

    void inspectorLatestPredictionForUnconsidered()
    {
        // The sample's root ends with an edit, which predicts nothing: a masked position there shows the
        // latest prediction, from the step before.
        const Timeline t = makeSampleTimeline();
        TokenInspector inspector;
        inspector.setTimelineBranch(t, 0);
        const Branch &root = t.branch(0);
        int edit = -1;
        for (int r = 0; r < root.size(); ++r)
            if (root.at(r).kind == RecordKind::Edit)
                edit = r;
        QVERIFY(edit > 0);
        const StepRecord &at = root.at(edit);
        int pos = -1;
        for (int p = 0; p < at.length() && pos < 0; ++p)
            if (at.tokens[p] == kSampleMask && root.at(edit - 1).considered(p))
                pos = p;
        QVERIFY(pos >= 0);
        inspector.setCurrentIndex(edit);
        inspector.setPosition(pos);
        QCOMPARE(inspector.shownRecord(), edit - 1);
        QVERIFY(inspector.tableCaption().contains(QStringLiteral("latest prediction")));
    }
};

QTEST_MAIN(TestCompare)
#include "test_compare.moc"
