// The help texts and dialogs: the glossary's search, the legend's tooltips (canvas and heatmap), field labels
// in validation messages, the shortcut list read from the window's actions, About, and F1 per part.
#include "ui/help/about_dialog.h"
#include "ui/text/field_labels.h"
#include "ui/help/glossary_dialog.h"
#include "ui/text/glossary_text.h"
#include "ui/help/help_menu.h"
#include "ui/views/legend_tips.h"
#include "ui/help/shortcut_list.h"
#include "ui/panels/settings_explainer.h"
#include "ui/views/canvas_legend.h"
#include "ui/views/heatmap_view.h"
#include "ui/views/token_inspector.h"
#include "ui/window/mainwindow.h"
#include "tests/support/window_parts.h"

#include "test_views_fixture.h"

#include <qcustomplot.h>

#include <QAction>
#include <QDockWidget>
#include <QKeySequence>
#include <QLabel>
#include <QTemporaryDir>
#include <QtTest>

using namespace dlm;
using dlm::testing::parts;

namespace {

bool hasShortcut(const std::vector<ShortcutRow> &rows, const QKeySequence &keys, const QString &action)
{
    for (const ShortcutRow &r : rows) {
        if (r.keys == keys.toString(QKeySequence::NativeText) && r.action == action)
            return true;
    }
    return false;
}

} // namespace

class TestHelp : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void glossarySearchFindsTerms_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("firstKey");
        QTest::newRow("title word") << QStringLiteral("remask") << QStringLiteral("remask");
        QTest::newRow("case-insensitive") << QStringLiteral("GUMBEL") << QStringLiteral("gumbel");
        QTest::newRow("title before text") << QStringLiteral("mask") << QStringLiteral("mask");
        QTest::newRow("Dream algorithm") << QStringLiteral("maskgit") << QStringLiteral("dreamMaskgitPlus");
        QTest::newRow("MoE") << QStringLiteral("router") << QStringLiteral("experts");
        QTest::newRow("legend words") << QStringLiteral("sent back") << QStringLiteral("legend.sentBack");
    }

    void glossarySearchFindsTerms()
    {
        QFETCH(QString, query);
        QFETCH(QString, firstKey);
        GlossaryDialog dialog;
        dialog.searchField()->setText(query); // as a user types it
        const QStringList keys = dialog.visibleKeys();
        QVERIFY2(!keys.isEmpty(), qPrintable(query));
        QCOMPARE(keys.first(), firstKey);
        QCOMPARE(dialog.currentKey(), firstKey);
        QVERIFY(keys.size() < static_cast<int>(helpEntries().size()));
    }

    void glossaryHasTheIssuesTerms()
    {
        const char *terms[] = {"mask", "commit", "remask", "quota", "threshold", "block", "semiAutoregressive",
            "lowConfidence", "margin", "entropy", "random", "cfg", "temperature", "gumbel", "topK", "branch", "edit",
            "lock", "dreamOrigin", "dreamMaskgitPlus", "dreamTopkMargin", "dreamEntropy", "algTemp", "topP", "eps",
            "logitShift", "experts"};
        for (const char *key : terms) {
            const HelpEntry *e = findHelpEntry(QLatin1String(key));
            QVERIFY2(e && !e->title.isEmpty() && e->text.size() > 40, key);
        }
        GlossaryDialog dialog;
        dialog.searchField()->setText(QStringLiteral("no such word anywhere"));
        QVERIFY(dialog.visibleKeys().isEmpty());
        QVERIFY(dialog.showEntry(QStringLiteral("cfg")));
        QCOMPARE(dialog.currentKey(), QStringLiteral("cfg"));
        QVERIFY(dialog.searchField()->text().isEmpty());
        QVERIFY(!dialog.showEntry(QStringLiteral("nonsense")));
    }

    void canvasLegendExplainsEveryKey()
    {
        CanvasLegend legend;
        legend.resize(legend.sizeHint());
        legend.show();
        QVERIFY(QTest::qWaitForWindowExposed(&legend));
        legend.grab(); // paints, which lays out the keys
        QCOMPARE(legend.entryCount(), 8); // colour bar + prompt, special token, masked, sent back, new, edited, locked
        QSet<QString> tips;
        for (int i = 0; i < legend.entryCount(); ++i) {
            const QRect r = legend.entryRect(i);
            QVERIFY2(!r.isEmpty(), qPrintable(QString::number(i)));
            QVERIFY2(legend.entryToolTip(i).size() > 20, qPrintable(QString::number(i)));
            // The tooltip under the key's centre is that key's.
            QCOMPARE(legend.toolTipAt(r.center()), legend.entryToolTip(i));
            tips.insert(legend.entryToolTip(i));
        }
        QCOMPARE(tips.size(), legend.entryCount()); // each key has its own words
        QCOMPARE(legend.entryToolTip(0), helpText(QStringLiteral("legend.confidenceBar")));
        QVERIFY(legend.entryToolTip(2).contains(QStringLiteral("chat template")));
        QVERIFY(legend.entryToolTip(4).contains(QStringLiteral("sent it back to the mask")));
    }

    void heatmapLegendExplainsEveryKey()
    {
        HeatmapView view;
        view.resize(640, 360);
        view.setTimelineBranch(testing::smallRun(), 0);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.plot()->replot();
        QCPLegend *legend = view.plot()->legend;
        int keys = 0;
        for (int i = 0; i < legend->itemCount(); ++i) {
            auto *item = qobject_cast<QCPPlottableLegendItem *>(legend->item(i));
            if (!item || !item->realVisibility())
                continue;
            ++keys;
            const QString name = item->plottable()->name();
            QVERIFY2(!HeatmapLegendTips::toolTipForKey(name).isEmpty(), qPrintable(name));
            QCOMPARE(HeatmapLegendTips::toolTipAt(view.plot(), item->outerRect().center()),
                HeatmapLegendTips::toolTipForKey(name));
        }
        QVERIFY(keys >= 4);
        for (QCPLayoutElement *e : view.plot()->plotLayout()->elements(true)) {
            if (auto *scale = qobject_cast<QCPColorScale *>(e))
                QCOMPARE(HeatmapLegendTips::toolTipAt(view.plot(), scale->outerRect().center()),
                    helpText(QStringLiteral("legend.heatmapScale")));
        }
        QVERIFY(HeatmapLegendTips::toolTipForKey(QStringLiteral("not a key")).isEmpty());
    }

    void validationMessagesUseTheLabels()
    {
        GenerationSettings s;
        s.genLength = 64;
        s.blockLength = 100;
        const QString problem = settingsProblem(s, {});
        QVERIFY2(problem.startsWith(QStringLiteral("Block length (100) cannot exceed Gen length (64)")),
            qPrintable(problem));
        s.blockLength = 8;
        s.steps = 4;
        QVERIFY2(settingsProblem(s, {}).contains(QStringLiteral("ceil(Gen length / Block length)")),
            qPrintable(settingsProblem(s, {})));
        QCOMPARE(withFieldLabels(QStringLiteral("threshold must be between 0 and 1 for the low_confidence measure")),
            QStringLiteral("Threshold τ must be between 0 and 1 for the Low confidence (probability) measure"));
        // Words that only contain a setting name stay as they are.
        QCOMPARE(withFieldLabels(QStringLiteral("timesteps and minus the entropy")),
            QStringLiteral("timesteps and minus the entropy"));
        QCOMPARE(fieldLabel(QStringLiteral("cfg-scale")), QStringLiteral("CFG scale"));
        QVERIFY(fieldLabel(QStringLiteral("nonsense")).isEmpty());
        QCOMPARE(measureLabel(ConfidenceMeasure::LowConfidence), QStringLiteral("Low confidence (probability)"));
    }

    void shortcutListIsTheWindowsOwn()
    {
        MainWindow w;
        const std::vector<ShortcutRow> rows = collectShortcuts(&w);
        QVERIFY(hasShortcut(rows, QKeySequence(Qt::Key_Space), QStringLiteral("Run / Pause")));
        QVERIFY(hasShortcut(rows, QKeySequence(Qt::Key_F1), QStringLiteral("Help for this part of the window")));
        // Every action of the window with a key is listed with exactly that key, whatever its menu.
        int withKeys = 0;
        for (QAction *a : w.findChildren<QAction *>()) {
            if (a->shortcut().isEmpty())
                continue;
            ++withKeys;
            bool found = false;
            for (const ShortcutRow &r : rows)
                found = found || r.keys == a->shortcut().toString(QKeySequence::NativeText);
            QVERIFY2(found, qPrintable(a->text()));
        }
        QVERIFY(withKeys >= 10);
        const QKeySequence undo(QKeySequence::Undo);
        bool undoListed = false;
        for (const ShortcutRow &r : rows)
            undoListed = undoListed || r.keys == undo.toString(QKeySequence::NativeText);
        QVERIFY(undoListed); // Ctrl+Z
        // A shortcut added later shows up: the list is read, not written by hand.
        auto *extra = new QAction(QStringLiteral("Extra"), &w);
        extra->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_J));
        w.addAction(extra);
        QVERIFY(hasShortcut(collectShortcuts(&w), QKeySequence(Qt::CTRL | Qt::Key_J), QStringLiteral("Extra")));
    }

    void aboutNamesVersionsAndTheModelCard()
    {
        const QString none = aboutHtml({});
        for (const char *lib : {"Qt", "LibTorch", "sentencepiece", "ICU", "PCRE2"})
            QVERIFY2(none.contains(QLatin1String(lib)), lib);
        QVERIFY(none.contains(QString::fromLatin1(qVersion())));
        QVERIFY(none.contains(QStringLiteral("No model loaded")));

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        AboutModel model {QStringLiteral("tiny"), dir.path(), QStringLiteral("2 layers")};
        QVERIFY(!modelCardUrl(model).isValid());
        QFile readme(dir.filePath(QStringLiteral("README.md")));
        QVERIFY(readme.open(QIODevice::WriteOnly));
        readme.close();
        QCOMPARE(modelCardUrl(model), QUrl::fromLocalFile(QFileInfo(readme).absoluteFilePath()));
        QVERIFY(aboutHtml(model).contains(QStringLiteral("Model card")));
        QCOMPARE(modelCardUrl({QStringLiteral("GSAI-ML/LLaDA-8B-Instruct"), {}, {}}),
            QUrl(QStringLiteral("https://huggingface.co/GSAI-ML/LLaDA-8B-Instruct")));
    }

    void f1OpensThePageOfThePartWithFocus()
    {
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QCursor::setPos(w.mapToGlobal(QPoint(-50, -50))); // the mouse is off the window: focus decides
        HelpMenu *help = parts(w).help();
        QVERIFY(help);
        QCOMPARE(help->helpKeyFor(parts(w).tokenInspector()), QStringLiteral("view.inspector"));
        QCOMPARE(help->helpKeyFor(parts(w).heatmapView()), QStringLiteral("view.heatmap"));
        QVERIFY(help->helpKeyFor(w.menuBar()).isEmpty());

        parts(w).tokenInspector()->setFocusPolicy(Qt::StrongFocus);
        parts(w).tokenInspector()->setFocus();
        QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget *>(parts(w).tokenInspector()));
        QTest::keyClick(&w, Qt::Key_F1);
        auto *glossary = w.findChild<GlossaryDialog *>();
        QVERIFY(glossary);
        QVERIFY(glossary->isVisible());
        QCOMPARE(glossary->currentKey(), QStringLiteral("view.inspector"));
    }
};

QTEST_MAIN(TestHelp)
#include "test_help.moc"
