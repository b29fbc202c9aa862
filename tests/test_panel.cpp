// The Generation panel without a model: every sampler field round-trips, invalid combinations are explained
// inline and keep Start disabled, threshold mode disables Steps, the precision note, the recent models list
// and saved state. Runs offscreen (QT_QPA_PLATFORM=offscreen).
#include "ui/engine/engine_types.h"
#include "ui/panels/generation_panel.h"
#include "ui/panels/recent_models.h"
#include "ui/panels/settings_explainer.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

using namespace dlm;

namespace {

// Widgets are found by object name, the way a user finds them by label: the tests edit them like a user does.
template<typename T> T *field(const GenerationPanel &panel, const char *name)
{
    T *w = panel.findChild<T *>(QLatin1String(name));
    if (!w)
        qFatal("no field named %s", name);
    return w;
}

QLabel *problemLabel(const GenerationPanel &panel)
{
    return field<QLabel>(panel, "settingsProblem");
}

QPushButton *startButton(const GenerationPanel &panel)
{
    return field<QPushButton>(panel, "start");
}

GenerationSettings valid(int genLength = 64, int blockLength = 32, int steps = 32)
{
    GenerationSettings s;
    s.genLength = genLength;
    s.blockLength = blockLength;
    s.steps = steps;
    return s;
}

} // namespace

class TestPanel : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;

    QString makeDir(const QString &name)
    {
        const QString path = m_tmp.filePath(name);
        if (!QDir().mkpath(path))
            qFatal("cannot create %s", qPrintable(path));
        return QDir::cleanPath(path);
    }

private Q_SLOTS:
    void initTestCase()
    {
        // Anything that still reaches the default settings file lands in a test location, not the user's.
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_tmp.isValid());
    }

    void settingsRoundTrip_data()
    {
        QTest::addColumn<GenerationSettings>("settings");
        QTest::newRow("defaults") << GenerationSettings {};
        GenerationSettings quota = valid(100, 32, 10);
        quota.temperature = 0.7;
        quota.measure = ConfidenceMeasure::Margin;
        quota.seed = 42;
        QTest::newRow("quota, blocks, temperature, margin") << quota;
        GenerationSettings threshold = valid(256, 64, 7);
        threshold.useThreshold = true;
        threshold.threshold = 0.75;
        threshold.measure = ConfidenceMeasure::Random;
        QTest::newRow("threshold") << threshold;
        GenerationSettings entropy = valid();
        entropy.useThreshold = true;
        entropy.threshold = -0.5;
        entropy.measure = ConfidenceMeasure::Entropy;
        QTest::newRow("entropy threshold below zero") << entropy;
        GenerationSettings advanced = valid();
        advanced.cfgScale = 1.5;
        advanced.topK = 12;
        advanced.threads = 3;
        advanced.dtype = ComputeDType::BF16;
        advanced.seed = (uint64_t {1} << 63) + 5; // beyond any int spin box
        QTest::newRow("cfg, top-k, threads, bf16, 64-bit seed") << advanced;
        GenerationSettings cached = valid();
        cached.cache = CacheMode::Dual;
        QTest::newRow("dual KV cache") << cached;
        GenerationSettings skip = valid();
        skip.laterBlocks = LaterBlocks::Skip;
        QTest::newRow("later blocks skipped") << skip;
    }

    void settingsRoundTrip()
    {
        QFETCH(GenerationSettings, settings);
        GenerationPanel panel;
        panel.setSettings(settings);
        QCOMPARE(panel.settings(), settings);
        QCOMPARE(panel.dtype(), settings.dtype);
        QCOMPARE(field<QCheckBox>(panel, "useThreshold")->isChecked(), settings.useThreshold);
        QCOMPARE(field<QLineEdit>(panel, "seed")->text(), QString::number(static_cast<qulonglong>(settings.seed)));
        QVERIFY(panel.settingsProblemText().isEmpty());
    }

    void everyFieldEditsItsSetting()
    {
        GenerationPanel panel;
        panel.setSettings(valid());
        field<QSpinBox>(panel, "genLength")->setValue(96);
        field<QSpinBox>(panel, "blockLength")->setValue(48);
        field<QSpinBox>(panel, "steps")->setValue(12);
        field<QDoubleSpinBox>(panel, "temperature")->setValue(0.5);
        QComboBox *measure = field<QComboBox>(panel, "remasking");
        measure->setCurrentIndex(measure->findData(static_cast<int>(ConfidenceMeasure::Entropy)));
        field<QCheckBox>(panel, "useThreshold")->setChecked(true);
        field<QDoubleSpinBox>(panel, "tau")->setValue(-1.25);
        field<QDoubleSpinBox>(panel, "cfgScale")->setValue(2.0);
        field<QLineEdit>(panel, "seed")->setText(QStringLiteral("18446744073709551615"));
        field<QSpinBox>(panel, "topK")->setValue(9);
        field<QSpinBox>(panel, "threads")->setValue(2);

        const GenerationSettings s = panel.settings();
        QCOMPARE(s.genLength, 96);
        QCOMPARE(s.blockLength, 48);
        QCOMPARE(s.steps, 12);
        QCOMPARE(s.temperature, 0.5);
        QCOMPARE(s.measure, ConfidenceMeasure::Entropy);
        QVERIFY(s.useThreshold);
        QCOMPARE(s.threshold, -1.25);
        QCOMPARE(s.cfgScale, 2.0);
        QCOMPARE(s.seed, UINT64_MAX);
        QCOMPARE(s.topK, 9);
        QCOMPARE(s.threads, 2);
        QVERIFY2(panel.settingsProblemText().isEmpty(), qPrintable(panel.settingsProblemText()));

        // The KV cache: its own field, and refused with guidance (the panel says so, Start stays off).
        QComboBox *cache = field<QComboBox>(panel, "kvCache");
        cache->setCurrentIndex(cache->findData(static_cast<int>(CacheMode::Prefix)));
        QCOMPARE(panel.settings().cache, CacheMode::Prefix);
        QVERIFY(panel.settingsProblemText().contains(QStringLiteral("cfg"), Qt::CaseInsensitive));

        // Later blocks: on by default, a checkbox whose tooltip states the cost.
        QCheckBox *later = field<QCheckBox>(panel, "laterBlocks");
        QVERIFY(later->isChecked());
        QVERIFY2(later->toolTip().contains(QStringLiteral("Cost:")), qPrintable(later->toolTip()));
        later->setChecked(false);
        QCOMPARE(panel.settings().laterBlocks, LaterBlocks::Skip);
    }

    void invalidCombinationIsExplainedAndBlocksStart()
    {
        GenerationPanel panel;
        panel.setSettings(valid(64, 32, 32));
        panel.setStartEnabled(true);
        QVERIFY(startButton(panel)->isEnabled());
        QVERIFY(problemLabel(panel)->isHidden());

        // Block length beyond gen length: refused by validateSettings, so explained under the fields.
        field<QSpinBox>(panel, "blockLength")->setValue(100);
        QVERIFY(!problemLabel(panel)->isHidden());
        // In the panel's words ("Block length", "Gen length"), not the CLI's ("block-length").
        QVERIFY2(problemLabel(panel)->text().contains(QStringLiteral("Block length (100) cannot exceed Gen length (64)")),
            qPrintable(problemLabel(panel)->text()));
        QVERIFY(!problemLabel(panel)->text().contains(QStringLiteral("block-length")));
        QVERIFY(problemLabel(panel)->text().contains(QStringLiteral("Cannot start")));
        QVERIFY(!startButton(panel)->isEnabled());
        QVERIFY(startButton(panel)->toolTip().contains(QStringLiteral("Block length")));
        QVERIFY(field<QLabel>(panel, "scheduleHint")->isHidden());

        // Fixing it re-enables Start, live.
        field<QSpinBox>(panel, "blockLength")->setValue(16);
        QVERIFY(problemLabel(panel)->isHidden());
        QVERIFY(panel.settingsProblemText().isEmpty());
        QVERIFY(startButton(panel)->isEnabled());

        // Fewer steps than blocks: 64 / 16 = 4 blocks, 3 steps.
        field<QSpinBox>(panel, "steps")->setValue(3);
        QVERIFY(panel.settingsProblemText().contains(QStringLiteral("number of blocks")));
        QVERIFY(!startButton(panel)->isEnabled());
        field<QSpinBox>(panel, "steps")->setValue(4);
        QVERIFY(startButton(panel)->isEnabled());

        // Tau out of range for the measure.
        field<QCheckBox>(panel, "useThreshold")->setChecked(true);
        field<QDoubleSpinBox>(panel, "tau")->setValue(1.5);
        QVERIFY2(panel.settingsProblemText().startsWith(QStringLiteral("Threshold τ must be between 0 and 1")),
            qPrintable(panel.settingsProblemText()));
        QVERIFY(!startButton(panel)->isEnabled());
        field<QDoubleSpinBox>(panel, "tau")->setValue(0.9);
        QVERIFY(startButton(panel)->isEnabled());

        // Top-k beyond what is recorded.
        field<QSpinBox>(panel, "topK")->setValue(65);
        QVERIFY2(panel.settingsProblemText().startsWith(QStringLiteral("Top-k recorded must be between 0 and 64")),
            qPrintable(panel.settingsProblemText()));
        field<QSpinBox>(panel, "topK")->setValue(5);

        // A seed that is not a number.
        field<QLineEdit>(panel, "seed")->setText(QString());
        QVERIFY(panel.settingsProblemText().contains(QStringLiteral("seed")));
        QVERIFY(!startButton(panel)->isEnabled());
        field<QLineEdit>(panel, "seed")->setText(QStringLiteral("7"));
        QVERIFY(startButton(panel)->isEnabled());
        QCOMPARE(panel.settings().seed, uint64_t {7});
    }

    void startNeedsAModelEvenWhenValid()
    {
        GenerationPanel panel;
        panel.setSettings(valid());
        QVERIFY(panel.settingsProblemText().isEmpty());
        QVERIFY(!startButton(panel)->isEnabled());
        QVERIFY(startButton(panel)->toolTip().contains(QStringLiteral("Load a model")));
        panel.setStartEnabled(true);
        QSignalSpy start(&panel, &GenerationPanel::startRequested);
        QTest::mouseClick(startButton(panel), Qt::LeftButton);
        QCOMPARE(start.count(), 1);
    }

    void maxSequenceLengthIsChecked()
    {
        GenerationPanel panel;
        panel.setStartEnabled(true);
        panel.setSettings(valid(100, 100, 10));
        QVERIFY(panel.settingsProblemText().isEmpty()); // no model, no limit

        panel.setMaxSequenceLength(64);
        QVERIFY(panel.settingsProblemText().contains(QStringLiteral("max_sequence_length (64)")));
        QVERIFY(!startButton(panel)->isEnabled());
        QVERIFY(field<QLabel>(panel, "limitsHint")->text().contains(QStringLiteral("64")));
        // The spin box keeps the value instead of clamping it silently.
        QCOMPARE(panel.settings().genLength, 100);

        field<QSpinBox>(panel, "genLength")->setValue(60);
        field<QSpinBox>(panel, "blockLength")->setValue(60);
        QVERIFY(panel.settingsProblemText().isEmpty());
        QVERIFY(startButton(panel)->isEnabled());

        // With a token counter the prompt counts too, and the check follows the prompt as it is typed.
        panel.setPromptTokenCounter([](const QString &text) {
            return static_cast<int>(text.split(QLatin1Char(' '), Qt::SkipEmptyParts).size());
        });
        panel.setPrompt(QStringLiteral("one two three four five"));
        QVERIFY2(panel.settingsProblemText().contains(QStringLiteral("prompt (5 tokens)")),
            qPrintable(panel.settingsProblemText()));
        QVERIFY(!startButton(panel)->isEnabled());
        panel.setPrompt(QStringLiteral("one two"));
        QVERIFY(panel.settingsProblemText().isEmpty());
        QVERIFY(startButton(panel)->isEnabled());
        QVERIFY(field<QLabel>(panel, "limitsHint")->text().contains(QStringLiteral("2 left")));

        panel.setMaxSequenceLength(0);
        QVERIFY(field<QLabel>(panel, "limitsHint")->isHidden());
    }

    void thresholdModeDisablesSteps()
    {
        GenerationPanel panel;
        panel.setSettings(valid(64, 16, 8));
        QSpinBox *steps = field<QSpinBox>(panel, "steps");
        QDoubleSpinBox *tau = field<QDoubleSpinBox>(panel, "tau");
        QVERIFY(steps->isEnabled());
        QVERIFY(!tau->isEnabled());

        field<QCheckBox>(panel, "useThreshold")->setChecked(true);
        QVERIFY(!steps->isEnabled());
        QVERIFY(tau->isEnabled());
        QVERIFY(steps->toolTip().contains(QStringLiteral("threshold")));
        QVERIFY(field<QLabel>(panel, "scheduleHint")->text().contains(QStringLiteral("Steps is not used")));
        // Steps below the block count only matters in quota mode.
        GenerationSettings s = panel.settings();
        s.steps = 1;
        panel.setSettings(s);
        QVERIFY(!steps->isEnabled());
        QVERIFY(panel.settingsProblemText().isEmpty());

        field<QCheckBox>(panel, "useThreshold")->setChecked(false);
        QVERIFY(steps->isEnabled());
        QVERIFY2(panel.settingsProblemText().startsWith(QStringLiteral("Steps (1) must be at least")),
            qPrintable(panel.settingsProblemText()));
    }

    void scheduleIsDescribed()
    {
        // 4 blocks of 32: 16 steps each, 2 tokens per step; values divide, so no LLaDA remark.
        const QString even = scheduleSummary(valid(128, 32, 64));
        QVERIFY2(even.contains(QStringLiteral("4 blocks of 32 positions, 16 steps each: 2 tokens per step")),
            qPrintable(even));
        QVERIFY(!even.contains(QStringLiteral("LLaDA")));
        // 100 = 3 x 32 + 4; 10 steps over 4 blocks = 3, 3, 2, 2.
        const QString uneven = scheduleSummary(valid(100, 32, 10));
        QVERIFY2(uneven.contains(QStringLiteral("4 blocks of 32 positions, the last of 4")), qPrintable(uneven));
        QVERIFY(uneven.contains(QStringLiteral("3 steps in the first 2 blocks and 2 in the rest")));
        QVERIFY(uneven.contains(QStringLiteral("2–16 tokens per step")));
        QVERIFY(uneven.contains(QStringLiteral("LLaDA")));
        // More steps than positions: some steps commit nothing, and the summary says so.
        QVERIFY(scheduleSummary(valid(4, 4, 8)).contains(QStringLiteral("commit nothing")));
        QVERIFY(scheduleSummary(valid(4, 8, 8)).isEmpty()); // invalid: block longer than gen length
        QCOMPARE(settingsProblem(valid(), ModelLimits {}), QString());
    }

    void precisionTakesEffectOnLoad()
    {
        GenerationPanel panel;
        GenerationSettings loaded = valid();
        loaded.dtype = ComputeDType::F32;
        panel.setSettings(loaded);
        QLabel *note = field<QLabel>(panel, "dtypeNote");
        QVERIFY(note->isHidden());

        QComboBox *dtype = field<QComboBox>(panel, "dtype");
        dtype->setCurrentIndex(dtype->findData(static_cast<int>(ComputeDType::BF16)));
        QCOMPARE(panel.dtype(), ComputeDType::BF16);
        QVERIFY(!note->isHidden());
        QVERIFY(note->text().contains(QStringLiteral("takes effect on Load")));
        // The model in memory still computes in f32 until it is loaded again.
        QCOMPARE(panel.settings().dtype, ComputeDType::F32);

        panel.setModelDirectory(QStringLiteral("/some/model"));
        QSignalSpy load(&panel, &GenerationPanel::loadRequested);
        QTest::mouseClick(field<QPushButton>(panel, "load"), Qt::LeftButton);
        QCOMPARE(load.count(), 1);
        QCOMPARE(load.at(0).at(0).toString(), QStringLiteral("/some/model"));
        QCOMPARE(load.at(0).at(1).value<ComputeDType>(), ComputeDType::BF16);

        // MainWindow passes the reloaded model's defaults, which carry the precision it loaded with.
        loaded.dtype = ComputeDType::BF16;
        panel.setSettings(loaded);
        QVERIFY(note->isHidden());
        QCOMPARE(panel.settings().dtype, ComputeDType::BF16);
    }

    void recentModelsOrderCapAndMissing()
    {
        const QString ini = m_tmp.filePath(QStringLiteral("recent.ini"));
        QStringList dirs;
        for (int i = 0; i < 12; ++i)
            dirs << makeDir(QStringLiteral("models/m%1").arg(i));
        {
            QSettings settings(ini, QSettings::IniFormat);
            RecentModels recent(&settings);
            QVERIFY(recent.directories().isEmpty());
            recent.add(dirs[0]);
            recent.add(dirs[1]);
            recent.add(dirs[2]);
            QCOMPARE(recent.directories(), (QStringList {dirs[2], dirs[1], dirs[0]}));
            // The same directory written differently is one entry, moved to the front.
            recent.add(dirs[0] + QStringLiteral("/"));
            recent.add(dirs[1] + QStringLiteral("/../m1"));
            QCOMPARE(recent.directories(), (QStringList {dirs[1], dirs[0], dirs[2]}));
            recent.add(QStringLiteral("  "));
            QCOMPARE(recent.directories().size(), 3);
            for (const QString &dir : dirs)
                recent.add(dir);
            QCOMPARE(recent.directories().size(), RecentModels::kMaxEntries);
            QCOMPARE(recent.directories().first(), dirs[11]);
            QCOMPARE(recent.directories().last(), dirs[2]);
        }
        // Persisted: a fresh QSettings on the same file sees the list; a deleted directory is dropped.
        QVERIFY(QDir(dirs[5]).removeRecursively());
        QSettings settings(ini, QSettings::IniFormat);
        RecentModels recent(&settings);
        QStringList expected;
        for (int i = 11; i >= 2; --i) {
            if (i != 5)
                expected << dirs[i];
        }
        QCOMPARE(recent.directories(), expected);

        // The panel shows the same list in its picker and adds to it after a load.
        GenerationPanel panel;
        panel.setRecentModelsSettings(&settings);
        QCOMPARE(panel.recentModels(), expected);
        QCOMPARE(field<QComboBox>(panel, "modelDirectory")->count(), expected.size());
        panel.setModelDirectory(QStringLiteral("typed/by/user"));
        panel.addRecentModel(dirs[3]);
        QCOMPARE(panel.recentModels().first(), dirs[3]);
        QCOMPARE(panel.recentModels().size(), expected.size()); // moved to the front, not duplicated
        QCOMPARE(panel.modelDirectory(), QStringLiteral("typed/by/user")); // refilling keeps the typed text
        settings.sync();
        QSettings reread(ini, QSettings::IniFormat);
        QCOMPARE(RecentModels(&reread).directories().first(), dirs[3]);
    }

    void saveAndRestoreState()
    {
        const QString ini = m_tmp.filePath(QStringLiteral("state.ini"));
        GenerationSettings s = valid(96, 32, 24);
        s.temperature = 0.3;
        s.measure = ConfidenceMeasure::Margin;
        s.useThreshold = true;
        s.threshold = 0.8;
        s.cfgScale = 0.5;
        s.seed = 1234567890123ULL;
        s.topK = 8;
        s.threads = 1;
        s.dtype = ComputeDType::BF16;
        const QString prompt = QStringLiteral("In the beginning [MASK] created");
        {
            GenerationPanel panel;
            panel.setSettings(s);
            panel.setPrompt(prompt);
            field<QToolButton>(panel, "advancedToggle")->click();
            QSettings settings(ini, QSettings::IniFormat);
            panel.saveState(settings);
        }
        QSettings settings(ini, QSettings::IniFormat);
        GenerationPanel restored;
        QVERIFY(restored.settings() != s);
        restored.restoreState(settings);
        QCOMPARE(restored.prompt(), prompt);
        QCOMPARE(restored.settings(), s);
        QCOMPARE(restored.dtype(), ComputeDType::BF16);
        QVERIFY(field<QToolButton>(restored, "advancedToggle")->isChecked());

        // A model loaded afterwards brings its own defaults; the prompt stays.
        const GenerationSettings modelDefaults = valid(32, 32, 32);
        restored.setSettings(modelDefaults);
        QCOMPARE(restored.settings(), modelDefaults);
        QCOMPARE(restored.prompt(), prompt);

        // Garbage in the file leaves the fields alone.
        settings.setValue(QStringLiteral("GenerationPanel/settings"), QStringLiteral("{not json"));
        restored.restoreState(settings);
        QCOMPARE(restored.settings(), modelDefaults);
    }
};

QTEST_MAIN(TestPanel)
#include "test_panel.moc"
