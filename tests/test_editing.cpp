// The assembled window on the tiny model: analysis docks follow the timeline, mid-denoise edits at the tip
// and in the past (branches), undo/redo, the branch list, themes and persisted settings. Offscreen.
#include "ui/views/branch_list.h"
#include "ui/views/canvas_view.h"
#include "ui/views/decision_chart.h"
#include "ui/document/edit_controller.h"
#include "ui/engine/engine_controller.h"
#include "ui/panels/generation_panel.h"
#include "ui/views/heatmap_view.h"
#include "ui/window/mainwindow.h"
#include "ui/document/playback_controller.h"
#include "ui/views/plot_theme.h"
#include "ui/views/run_plots.h"
#include "ui/panels/step_controls.h"
#include "ui/window/theme_controller.h"
#include "ui/document/timeline_document.h"
#include "tiny_model.h"
#include "ui/views/token_inspector.h"
#include "ui/views/view_sync.h"
#include "window_driver.h"

#include <qcustomplot.h>

#include <QDockWidget>
#include <QMenu>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QUndoStack>
#include <QtTest>

using namespace dlm;
using dlm::testing::parts;

namespace {

constexpr int kTimeoutMs = 60000;

GenerationSettings smallSettings()
{
    GenerationSettings s;
    s.genLength = 16;
    s.steps = 8;
    s.blockLength = 16;
    s.topK = 4;
    return s;
}

int firstMasked(const StepRecord &r, int32_t mask)
{
    for (int p = 0; p < r.length(); ++p) {
        if (r.tokens[static_cast<size_t>(p)] == mask)
            return p;
    }
    return -1;
}

} // namespace

class TestEditing : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_modelDir;

    bool loadAndStart(MainWindow &w) { return testing::loadAndStart(w, m_modelDir, smallSettings()); }
    static bool stepTo(MainWindow &w, int count) { return testing::stepTo(w, count); }
    static bool idle(MainWindow &w) { return testing::waitIdle(w); }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // never touch the user's own settings
        QVERIFY(m_tmp.isValid());
        m_modelDir = m_tmp.filePath(QStringLiteral("tiny"));
        auto config = testing::writeTinyModel(m_modelDir.toStdString());
        QVERIFY2(config.ok(), config.error().c_str());
    }

    void analysisViewsFollowTheTimeline()
    {
        MainWindow w;
        w.show();
        QVERIFY(loadAndStart(w));
        QVERIFY(stepTo(w, 4));
        parts(w).viewSync()->flush();
        TimelineDocument *doc = parts(w).document();
        const int32_t mask = doc->maskId();

        QCOMPARE(parts(w).heatmapView()->recordCount(), doc->count());
        QCOMPARE(parts(w).heatmapView()->currentIndex(), doc->index());
        QCOMPARE(parts(w).runPlots()->recordCount(), doc->count());
        const std::vector<double> masked = parts(w).runPlots()->maskedSeries();
        QCOMPARE(static_cast<int>(masked.size()), doc->count());
        for (int i = 0; i < doc->count(); ++i)
            QCOMPARE(masked[static_cast<size_t>(i)], double(doc->recordAt(i)->maskedCount(mask)));
        const RecordPtr current = doc->currentRecord();
        QCOMPARE(parts(w).decisionChart()->committedCount(), static_cast<int>(current->committed.size()));
        // Every position committed at record 2 is marked in the heatmap at record 2.
        const RecordPtr second = doc->recordAt(2);
        QVERIFY(!second->committed.empty());
        for (int32_t p : second->committed) {
            const std::vector<int> commits = parts(w).heatmapView()->commitRecords(p);
            QVERIFY2(std::find(commits.begin(), commits.end(), 2) != commits.end(), qPrintable(QString::number(p)));
        }

        // Clicking a heatmap cell goes to that record and selects the position in every view.
        const int pos = second->committed.front();
        QCustomPlot *plot = parts(w).heatmapView()->plot();
        const QPoint cell = parts(w).heatmapView()->cellCenter(1, pos).toPoint();
        QTest::mouseClick(plot, Qt::LeftButton, {}, cell);
        QTRY_COMPARE_WITH_TIMEOUT(doc->index(), 1, kTimeoutMs);
        QCOMPARE(parts(w).viewSync()->selectedPosition(), pos);
        QCOMPARE(parts(w).canvasView()->selectedPosition(), pos);
        QCOMPARE(parts(w).tokenInspector()->position(), pos);
        parts(w).viewSync()->flush();
        QCOMPARE(parts(w).heatmapView()->currentIndex(), 1);
        QCOMPARE(parts(w).decisionChart()->currentIndex(), 1);
    }

    void editAtTipAppendsAndUndoRestores()
    {
        MainWindow w;
        w.show();
        QVERIFY(loadAndStart(w));
        QVERIFY(stepTo(w, 3));
        TimelineDocument *doc = parts(w).document();
        const int pos = firstMasked(*doc->currentRecord(), doc->maskId());
        QVERIFY(pos >= 0);
        const int32_t token = 42;

        parts(w).edits()->replaceToken(pos, token);
        QTRY_COMPARE_WITH_TIMEOUT(doc->count(), 4, kTimeoutMs);
        QVERIFY(idle(w));
        QCOMPARE(doc->timeline().branchCount(), 1);
        QCOMPARE(doc->currentRecord()->kind, RecordKind::Edit);
        QCOMPARE(doc->currentRecord()->tokens[static_cast<size_t>(pos)], token);
        QVERIFY(parts(w).canvasView()->chip(pos)->edited);
        QCOMPARE(parts(w).edits()->undoStack()->count(), 1);
        QVERIFY(w.statusText().contains(QStringLiteral("position %1").arg(pos)));

        // The model responds to the edit: the next step keeps the token and fills around it.
        QVERIFY(stepTo(w, 5));
        QCOMPARE(doc->currentRecord()->tokens[static_cast<size_t>(pos)], token);
        const RecordPtr stepAfterEdit = doc->currentRecord();

        parts(w).edits()->undoAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(doc->count(), 3, kTimeoutMs);
        QCOMPARE(doc->index(), 2);
        QCOMPARE(doc->currentRecord()->tokens[static_cast<size_t>(pos)], doc->maskId());
        QVERIFY(!parts(w).canvasView()->chip(pos)->edited);
        QVERIFY(parts(w).edits()->undoStack()->canRedo());

        parts(w).edits()->redoAction()->trigger();
        QVERIFY(idle(w));
        // Redo puts back the edit and the step computed after it: the very same records, not recomputed.
        QCOMPARE(doc->count(), 5);
        QCOMPARE(doc->recordAt(3)->tokens[static_cast<size_t>(pos)], token);
        QCOMPARE(doc->currentRecord().get(), doc->recordAt(3).get());
        QCOMPARE(doc->recordAt(4).get(), stepAfterEdit.get());
        QVERIFY(w.statusText().startsWith(QStringLiteral("Redone:")));
    }

    void editInThePastForksABranch()
    {
        MainWindow w;
        w.show();
        QVERIFY(loadAndStart(w));
        QVERIFY(stepTo(w, 5));
        TimelineDocument *doc = parts(w).document();
        const std::vector<RecordPtr> original = doc->timeline().branch(0).records;

        parts(w).playback()->goTo(2);
        const int pos = testing::committedPosition(*doc->currentRecord(), doc->maskId());
        QVERIFY(pos >= 0);
        parts(w).edits()->remask(pos);
        QTRY_COMPARE_WITH_TIMEOUT(doc->timeline().branchCount(), 2, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(doc->branch(), 1, kTimeoutMs);
        QVERIFY(idle(w));
        QCOMPARE(doc->index(), 3);
        QCOMPARE(doc->currentRecord()->tokens[static_cast<size_t>(pos)], doc->maskId());
        QVERIFY(w.statusText().contains(QStringLiteral("branch 1")));

        // The old branch is untouched: the very same records.
        QVERIFY(doc->timeline().branch(0).records == original);

        // The branch list shows the fork under its parent, the new branch current.
        QTreeWidget *tree = parts(w).branchList()->tree();
        QCOMPARE(tree->topLevelItemCount(), 1);
        QTreeWidgetItem *root = tree->topLevelItem(0);
        QCOMPARE(root->childCount(), 1);
        QCOMPARE(parts(w).branchList()->itemFor(1), root->child(0));
        QVERIFY(root->child(0)->font(0).bold());
        QVERIFY(root->child(0)->text(2).contains(QStringLiteral("remasked %1").arg(pos)));

        // Stepping continues on the new branch.
        QVERIFY(stepTo(w, 5));
        QCOMPARE(doc->branch(), 1);
        QVERIFY(doc->timeline().branch(0).records == original);

        // Switching branches from the list is instant (no engine round trip needed to show it).
        emit tree->itemClicked(root, 0);
        QCOMPARE(doc->branch(), 0);
        QCOMPARE(doc->index(), static_cast<int>(original.size()) - 1);
        QCOMPARE(parts(w).canvasView()->record().get(), original.back().get());
        QVERIFY(root->font(0).bold());

        // Undo removes the branch and returns to where the edit was made.
        QVERIFY(idle(w));
        parts(w).edits()->undoAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(doc->timeline().branchCount(), 1, kTimeoutMs);
        QCOMPARE(doc->branch(), 0);
        QCOMPARE(doc->index(), 2);
        QCOMPARE(tree->topLevelItem(0)->childCount(), 0);
        QVERIFY(doc->timeline().branch(0).records == original);
    }

    void typedTextAndRefusedEdits()
    {
        MainWindow w;
        w.show();
        QVERIFY(loadAndStart(w));
        QVERIFY(stepTo(w, 2));
        TimelineDocument *doc = parts(w).document();
        const int pos = static_cast<int>(doc->timeline().promptIds.size()) + 2;

        parts(w).edits()->replaceText(pos, QStringLiteral(" the dog"));
        QTRY_COMPARE_WITH_TIMEOUT(doc->count(), 3, kTimeoutMs);
        QVERIFY(idle(w));
        const EditInfo &edit = doc->currentRecord()->edit;
        QVERIFY(edit.positions.size() >= 2); // the tiny tokenizer splits it into several pieces
        QVERIFY2(w.statusText().contains(QStringLiteral("%1 tokens").arg(edit.positions.size())),
            qPrintable(w.statusText()));

        // Lock it, then try to replace it: refused with the reason, and nothing joins the undo stack.
        parts(w).edits()->setLocked(pos, true);
        QTRY_COMPARE_WITH_TIMEOUT(doc->count(), 4, kTimeoutMs);
        QVERIFY(idle(w));
        const int edits = parts(w).edits()->undoStack()->count();
        QSignalSpy failed(parts(w).engine(), &EngineController::failed);
        parts(w).edits()->replaceToken(pos, 42);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kTimeoutMs);
        QVERIFY2(w.statusText().contains(QStringLiteral("locked")), qPrintable(w.statusText()));
        QCOMPARE(parts(w).edits()->undoStack()->count(), edits);
        QCOMPARE(doc->count(), 4);

        // The context menu of a locked token offers only unlocking; a prompt token explains itself.
        QMenu lockedMenu;
        parts(w).edits()->populateMenu(lockedMenu, pos, &w);
        QCOMPARE(lockedMenu.actions().size(), 1);
        QVERIFY(lockedMenu.actions().front()->text().contains(QStringLiteral("Unlock")));
        QMenu promptMenu;
        parts(w).edits()->populateMenu(promptMenu, 0, &w);
        QVERIFY(!promptMenu.actions().front()->isEnabled());
        QVERIFY(promptMenu.actions().front()->text().contains(QStringLiteral("prompt")));
        // A masked position offers the recorded top-k candidates.
        QMenu maskedMenu;
        const int maskedPos = firstMasked(*doc->currentRecord(), doc->maskId());
        QVERIFY(maskedPos >= 0);
        parts(w).edits()->populateMenu(maskedMenu, maskedPos, &w);
        QMenu *replace = maskedMenu.actions().front()->menu();
        QVERIFY(replace);
        QVERIFY(replace->actions().size() >= 2);
        QVERIFY(replace->actions().front()->text().contains(QStringLiteral("p = ")));
    }

    void editsWaitForARunToPause()
    {
        MainWindow w;
        w.show();
        QVERIFY(loadAndStart(w));
        // Try to edit the moment the GUI learns the run started: deterministic, however fast the model is.
        QString refusal;
        connect(parts(w).engine(), &EngineController::runStarted, &w, [&] {
            parts(w).edits()->replaceToken(static_cast<int>(parts(w).document()->timeline().promptIds.size()), 42);
            refusal = w.statusText();
        });
        QSignalSpy finished(parts(w).engine(), &EngineController::finished);
        parts(w).playback()->run();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
        QVERIFY2(refusal.contains(QStringLiteral("run is in progress")), qPrintable(refusal));
        QVERIFY(idle(w));
        QCOMPARE(parts(w).edits()->undoStack()->count(), 0);
        for (int i = 0; i < parts(w).document()->count(); ++i)
            QVERIFY(parts(w).document()->recordAt(i)->kind != RecordKind::Edit);
        QVERIFY(parts(w).edits()->blockedReason().isEmpty());
    }

    void promptTokensCountTowardsTheModelsLength()
    {
        MainWindow w;
        QVERIFY(testing::loadModel(w, m_modelDir)); // the tiny model sees 256 positions
        GenerationSettings s = smallSettings();
        s.genLength = 250;
        s.blockLength = 250;
        s.steps = 250;
        parts(w).generationPanel()->setSettings(s);
        parts(w).generationPanel()->setPrompt(QStringLiteral("the"));
        QVERIFY2(parts(w).generationPanel()->settingsProblemText().isEmpty(),
            qPrintable(parts(w).generationPanel()->settingsProblemText()));
        // Ten words are more than six tokens: together with 250 generated positions they do not fit.
        parts(w).generationPanel()->setPrompt(QStringLiteral("the cat sat on the warm mat and watched the birds"));
        const QString problem = parts(w).generationPanel()->settingsProblemText();
        QVERIFY2(problem.contains(QStringLiteral("256")), qPrintable(problem));
    }

    void darkThemeRecoloursThePlots()
    {
        MainWindow w;
        w.show();
        ThemeController *theme = parts(w).theme();
        const QPalette before = QApplication::palette();
        theme->setMode(ThemeController::Mode::Dark);
        QVERIFY(ThemeController::isDark(QApplication::palette()));
        QCoreApplication::processEvents();
        QCustomPlot *plot = parts(w).heatmapView()->plot();
        QVERIFY(ThemeController::isDark(plot->palette()));
        QCOMPARE(plot->xAxis->tickLabelColor(), plotInk(ThemeController::darkPalette()));
        QCOMPARE(parts(w).decisionChart()->plot()->xAxis->labelColor(), plotInk(ThemeController::darkPalette()));
        theme->setMode(ThemeController::Mode::Light);
        QCoreApplication::processEvents();
        QVERIFY(!ThemeController::isDark(plot->palette()));
        QCOMPARE(plot->xAxis->tickLabelColor(), plotInk(ThemeController::lightPalette()));
        theme->setMode(ThemeController::Mode::System);
        QCOMPARE(QApplication::palette().color(QPalette::Window), before.color(QPalette::Window));
    }

    void layoutAndThemePersist()
    {
        const QString file = m_tmp.filePath(QStringLiteral("settings.ini"));
        {
            MainWindow w;
            QSettings settings(file, QSettings::IniFormat);
            w.restoreSettings(settings);
            w.show();
            parts(w).theme()->setMode(ThemeController::Mode::Dark);
            w.findChild<QDockWidget *>(QStringLiteral("plotsDock"))->hide();
            parts(w).stepControls()->setSpeed(5);
            w.close(); // saves
        }
        {
            MainWindow w;
            QSettings settings(file, QSettings::IniFormat);
            w.restoreSettings(settings);
            w.show();
            QCOMPARE(parts(w).theme()->mode(), ThemeController::Mode::Dark);
            QCOMPARE(parts(w).playback()->speed(), 5.0);
            QVERIFY(w.findChild<QDockWidget *>(QStringLiteral("plotsDock"))->isHidden());
            QVERIFY(!w.findChild<QDockWidget *>(QStringLiteral("heatmapDock"))->isHidden());
            parts(w).theme()->setMode(ThemeController::Mode::System);
        }
        // A corrupt settings file is ignored, not fatal.
        QFile bad(m_tmp.filePath(QStringLiteral("bad.ini")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("[window]\nstate=@ByteArray(garbage)\ngeometry=@ByteArray(\\0\\0)\n[appearance]\ntheme=purple\n");
        bad.close();
        MainWindow w;
        QSettings settings(bad.fileName(), QSettings::IniFormat);
        w.restoreSettings(settings);
        QCOMPARE(parts(w).theme()->mode(), ThemeController::Mode::System);
    }
};

QTEST_MAIN(TestEditing)
#include "test_editing.moc"
