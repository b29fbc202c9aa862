// Generation settings: validation, name parsing, JSON round trips, generation_config.json and CLI overrides.

#include "core/sampling/generation_config.h"
#include "core/sampling/generation_settings.h"

#include <QtTest>

#include <QFile>
#include <QTemporaryDir>

#include <cmath>
#include <limits>

using namespace dlm;

namespace {

/** Applies "key=value;key=value" to the defaults, so rows stay readable (only the keys the rows use). */
GenerationSettings withAssignments(const QString &assignments)
{
    GenerationSettings s;
    for (const QString &pair : assignments.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        const QString key = pair.section(QLatin1Char('='), 0, 0);
        const QString value = pair.section(QLatin1Char('='), 1);
        if (key == QLatin1String("gen_length"))
            s.genLength = value.toInt();
        else if (key == QLatin1String("block_length"))
            s.blockLength = value.toInt();
        else if (key == QLatin1String("steps"))
            s.steps = value.toInt();
        else if (key == QLatin1String("top_k"))
            s.topK = value.toInt();
        else if (key == QLatin1String("threads"))
            s.threads = value.toInt();
        else if (key == QLatin1String("temperature"))
            s.temperature = value.toDouble();
        else if (key == QLatin1String("cfg_scale"))
            s.cfgScale = value.toDouble();
        else if (key == QLatin1String("threshold")) {
            s.useThreshold = true;
            s.threshold = value.toDouble();
        } else if (key == QLatin1String("remasking"))
            s.measure = *parseMeasure(value.toStdString());
        else
            qFatal("bad test row key %s", qPrintable(key));
    }
    return s;
}

void writeFile(const QString &path, const QByteArray &contents)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(contents), contents.size());
}

GenerationSettings unusualSettings()
{
    GenerationSettings s;
    s.genLength = 96;
    s.steps = 48;
    s.blockLength = 32;
    s.temperature = 0.7;
    s.measure = ConfidenceMeasure::Margin;
    s.useThreshold = true;
    s.threshold = 0.35;
    s.cfgScale = 1.5;
    s.seed = std::numeric_limits<uint64_t>::max();
    s.topK = 7;
    s.dtype = ComputeDType::BF16;
    s.threads = 3;
    return s;
}

} // namespace

class TestSettings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultsAreValid()
    {
        const Status st = validateSettings(GenerationSettings());
        QVERIFY2(st.ok(), st.error().c_str());
        QVERIFY(validateSettings(unusualSettings()).ok());
    }

    void rejectsImpossible_data()
    {
        QTest::addColumn<QString>("assignments");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("gen length zero") << "gen_length=0;block_length=1"
                                         << "gen-length";
        QTest::newRow("gen length huge") << "gen_length=70000"
                                         << "gen-length";
        QTest::newRow("block length zero") << "block_length=0"
                                           << "block-length";
        QTest::newRow("block longer than gen") << "gen_length=16;block_length=32"
                                               << "block-length (32)";
        QTest::newRow("fewer steps than blocks") << "block_length=16;steps=4"
                                                 << "steps (4)";
        QTest::newRow("steps huge") << "steps=2000000"
                                    << "steps must be at most";
        QTest::newRow("negative temperature") << "temperature=-0.5"
                                              << "temperature";
        QTest::newRow("threshold above one") << "threshold=1.5"
                                             << "threshold must be between 0 and 1";
        QTest::newRow("threshold below zero") << "threshold=-0.1"
                                              << "threshold must be between 0 and 1";
        QTest::newRow("positive entropy threshold") << "remasking=entropy;threshold=0.5"
                                                    << "entropy measure";
        QTest::newRow("negative cfg") << "cfg_scale=-1"
                                      << "cfg scale";
        QTest::newRow("top-k negative") << "top_k=-1"
                                        << "top-k";
        QTest::newRow("top-k huge") << "top_k=65"
                                    << "top-k";
        QTest::newRow("threads negative") << "threads=-2"
                                          << "threads";
        QTest::newRow("threads huge") << "threads=5000"
                                      << "threads";
    }
    void rejectsImpossible()
    {
        QFETCH(QString, assignments);
        QFETCH(QString, fragment);
        const Status st = validateSettings(withAssignments(assignments));
        QVERIFY2(!st.ok(), qPrintable(assignments));
        QVERIFY2(QString::fromStdString(st.error()).contains(fragment), st.error().c_str());
    }

    void rejectsNonFiniteNumbers()
    {
        GenerationSettings s;
        s.temperature = std::nan("");
        QVERIFY(QString::fromStdString(validateSettings(s).error()).contains(QLatin1String("temperature")));
        s = GenerationSettings();
        s.useThreshold = true;
        s.threshold = std::numeric_limits<double>::infinity();
        QVERIFY(QString::fromStdString(validateSettings(s).error()).contains(QLatin1String("threshold")));
        s = GenerationSettings();
        s.cfgScale = std::nan("");
        QVERIFY(QString::fromStdString(validateSettings(s).error()).contains(QLatin1String("cfg scale")));
    }

    void thresholdModeIgnoresStepCount()
    {
        // In threshold mode the number of steps is dynamic, so a step count below the block count is fine.
        QVERIFY(validateSettings(withAssignments(QStringLiteral("block_length=16;steps=1;threshold=0.9"))).ok());
    }

    void measureNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("expected"); // -1: refused
        QTest::newRow("low_confidence") << "low_confidence" << int(ConfidenceMeasure::LowConfidence);
        QTest::newRow("random") << "random" << int(ConfidenceMeasure::Random);
        QTest::newRow("margin") << "margin" << int(ConfidenceMeasure::Margin);
        QTest::newRow("entropy") << "entropy" << int(ConfidenceMeasure::Entropy);
        QTest::newRow("wrong case") << "Margin" << -1;
        QTest::newRow("empty") << "" << -1;
        QTest::newRow("unknown") << "topk_margin" << -1;
    }
    void measureNames()
    {
        QFETCH(QString, name);
        QFETCH(int, expected);
        const auto m = parseMeasure(name.toStdString());
        QCOMPARE(m.ok(), expected >= 0);
        if (expected >= 0) {
            QCOMPARE(int(*m), expected);
            QCOMPARE(QString::fromLatin1(measureName(*m)), name);
        } else {
            QVERIFY(QString::fromStdString(m.error()).contains(QLatin1String("remasking measure")));
            QVERIFY(QString::fromStdString(m.error()).contains(name));
        }
    }

    void dtypeNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("expected");
        QTest::newRow("f32") << "f32" << int(ComputeDType::F32);
        QTest::newRow("float32") << "float32" << int(ComputeDType::F32);
        QTest::newRow("bf16") << "bf16" << int(ComputeDType::BF16);
        QTest::newRow("bfloat16") << "bfloat16" << int(ComputeDType::BF16);
        QTest::newRow("f16 is not a compute dtype") << "f16" << -1;
        QTest::newRow("garbage") << "fp8!" << -1;
    }
    void dtypeNames()
    {
        QFETCH(QString, name);
        QFETCH(int, expected);
        const auto d = parseComputeDType(name.toStdString());
        QCOMPARE(d.ok(), expected >= 0);
        if (expected >= 0)
            QCOMPARE(int(*d), expected);
        else
            QVERIFY(QString::fromStdString(d.error()).contains(QLatin1String("dtype")));
    }

    void jsonRoundTrip()
    {
        GenerationSettings s = unusualSettings();
        auto back = settingsFromJsonText(settingsToJsonText(s), "test.json");
        QVERIFY2(back.ok(), back.error().c_str());
        QVERIFY(*back == s);

        // With threshold decoding off the idle tau still survives, so switching it on later restores it.
        s.useThreshold = false;
        s.threshold = 0.42;
        const std::string text = settingsToJsonText(s);
        QVERIFY(QString::fromStdString(text).contains(QLatin1String("\"threshold\": null")));
        back = settingsFromJsonText(text, "test.json");
        QVERIFY2(back.ok(), back.error().c_str());
        QVERIFY(*back == s);

        QVERIFY(*settingsFromJsonText(settingsToJsonText(GenerationSettings()), "d.json") == GenerationSettings());
    }

    void jsonUsesSnakeCaseKeys()
    {
        const QString text = QString::fromStdString(settingsToJsonText(unusualSettings()));
        for (const char *key : {"gen_length", "steps", "block_length", "temperature", "remasking", "threshold",
                 "cfg_scale", "seed", "top_k", "dtype", "threads"})
            QVERIFY2(text.contains(QLatin1Char('"') + QLatin1String(key) + QLatin1Char('"')), key);
        QVERIFY(text.contains(QLatin1String("\"margin\"")));
        QVERIFY(text.contains(QLatin1String("\"bf16\"")));
    }

    void jsonErrors_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("not json") << QByteArray("{steps: 3}") << "x.json: not valid JSON";
        QTest::newRow("not an object") << QByteArray("[1, 2]") << "x.json: $: expected an object, got an array";
        QTest::newRow("string for int") << QByteArray(R"({"steps": "many"})")
                                        << "x.json: $.steps: expected an integer, got \"many\"";
        QTest::newRow("fraction for int") << QByteArray(R"({"gen_length": 12.5})") << "gen_length: expected an integer";
        QTest::newRow("int overflow") << QByteArray(R"({"top_k": 9999999999})") << "top_k: the value 9999999999";
        QTest::newRow("bool for number") << QByteArray(R"({"temperature": true})") << "temperature: expected a number";
        QTest::newRow("unknown measure") << QByteArray(R"({"remasking": "psychic"})") << "remasking: unknown";
        QTest::newRow("unknown dtype") << QByteArray(R"({"dtype": "int4"})") << "dtype: unknown dtype";
        QTest::newRow("negative seed") << QByteArray(R"({"seed": -3})") << "seed: expected a non-negative";
        QTest::newRow("threshold string")
            << QByteArray(R"({"threshold": "high"})") << "threshold: expected a number or null";
    }
    void jsonErrors()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, fragment);
        const auto r = settingsFromJsonText(text.toStdString(), "x.json");
        QVERIFY(!r.ok());
        QVERIFY2(QString::fromStdString(r.error()).contains(fragment), r.error().c_str());
    }

    void generationConfigAbsentKeepsBase()
    {
        QTemporaryDir dir;
        const GenerationSettings base = unusualSettings();
        const auto r = loadGenerationConfig(dir.path().toStdString(), base);
        QVERIFY2(r.ok(), r.error().c_str());
        QVERIFY(*r == base);
    }

    void generationConfigFull()
    {
        QTemporaryDir dir;
        const GenerationSettings want = unusualSettings();
        writeFile(dir.filePath(QStringLiteral("generation_config.json")),
            QByteArray::fromStdString(settingsToJsonText(want)));
        const auto r = loadGenerationConfig(dir.path().toStdString(), GenerationSettings());
        QVERIFY2(r.ok(), r.error().c_str());
        QVERIFY(*r == want);
    }

    void generationConfigPartialOverridesOnlyPresentKeys()
    {
        QTemporaryDir dir;
        // Hugging Face's own keys sit beside ours and are ignored.
        writeFile(dir.filePath(QStringLiteral("generation_config.json")),
            R"({"bos_token_id": 1, "transformers_version": "4.46", "steps": 32, "threshold": 0.8})");
        const GenerationSettings base = unusualSettings();
        const auto r = loadGenerationConfig(dir.path().toStdString(), base);
        QVERIFY2(r.ok(), r.error().c_str());
        GenerationSettings want = base;
        want.steps = 32;
        want.useThreshold = true;
        want.threshold = 0.8;
        QVERIFY(*r == want);

        writeFile(dir.filePath(QStringLiteral("generation_config.json")), R"({"threshold": null})");
        const auto off = loadGenerationConfig(dir.path().toStdString(), base);
        QVERIFY2(off.ok(), off.error().c_str());
        QVERIFY(!off->useThreshold);
        QCOMPARE(off->threshold, base.threshold);
    }

    void generationConfigErrors_data()
    {
        QTest::addColumn<QByteArray>("contents");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("wrong type") << QByteArray(R"({"temperature": "warm"})") << "temperature: expected a number";
        QTest::newRow("wrong type int") << QByteArray(R"({"block_length": [32]})")
                                        << "block_length: expected an integer";
        QTest::newRow("not json") << QByteArray("temperature = 0.5\n") << "not valid JSON";
        QTest::newRow("empty") << QByteArray("") << "not valid JSON";
        QTest::newRow("top level array") << QByteArray("[]") << "expected an object";
    }
    void generationConfigErrors()
    {
        QFETCH(QByteArray, contents);
        QFETCH(QString, fragment);
        QTemporaryDir dir;
        writeFile(dir.filePath(QStringLiteral("generation_config.json")), contents);
        const auto r = loadGenerationConfig(dir.path().toStdString(), GenerationSettings());
        QVERIFY(!r.ok());
        const QString error = QString::fromStdString(r.error());
        QVERIFY2(error.contains(QLatin1String("generation_config.json")), qPrintable(error));
        QVERIFY2(error.contains(fragment), qPrintable(error));
    }

    void applyOverridesSetsOnlyGivenFields()
    {
        const GenerationSettings base = unusualSettings();
        QVERIFY(SettingsOverrides().empty());
        QVERIFY(applyOverrides(base, SettingsOverrides()) == base);

        SettingsOverrides o;
        o.steps = 12;
        o.measure = ConfidenceMeasure::Entropy;
        o.seed = 7;
        QVERIFY(!o.empty());
        GenerationSettings want = base;
        want.steps = 12;
        want.measure = ConfidenceMeasure::Entropy;
        want.seed = 7;
        QVERIFY(applyOverrides(base, o) == want);

        SettingsOverrides all;
        all.genLength = 64, all.steps = 64, all.blockLength = 8, all.temperature = 1.0;
        all.measure = ConfidenceMeasure::Random, all.cfgScale = 2.0, all.seed = 1, all.topK = 0;
        all.dtype = ComputeDType::F32, all.threads = 1, all.threshold = 0.5;
        const GenerationSettings got = applyOverrides(GenerationSettings(), all);
        QCOMPARE(got.genLength, 64);
        QCOMPARE(got.blockLength, 8);
        QCOMPARE(got.temperature, 1.0);
        QCOMPARE(got.cfgScale, 2.0);
        QCOMPARE(got.topK, 0);
        QCOMPARE(got.threads, 1);
        QVERIFY(got.useThreshold);
        QCOMPARE(got.threshold, 0.5);
    }

    void thresholdOverrideOrder()
    {
        GenerationSettings base;
        SettingsOverrides o;
        o.threshold = 0.7;
        QVERIFY(applyOverrides(base, o).useThreshold);
        o.useThreshold = false; // applied after the tau, so it switches threshold decoding off again
        const GenerationSettings s = applyOverrides(base, o);
        QVERIFY(!s.useThreshold);
        QCOMPARE(s.threshold, 0.7);

        base.useThreshold = true;
        SettingsOverrides off;
        off.useThreshold = false;
        QVERIFY(!applyOverrides(base, off).useThreshold);
    }

    /** later_blocks: written when skip (absent means record), a wrong name is named with its path. */
    void laterBlocksSetting()
    {
        QCOMPARE(GenerationSettings().laterBlocks, LaterBlocks::Record);
        QCOMPARE(QString::fromLatin1(laterBlocksName(LaterBlocks::Skip)), QStringLiteral("skip"));
        QVERIFY(parseLaterBlocks("record").ok() && *parseLaterBlocks("record") == LaterBlocks::Record);
        QVERIFY(!parseLaterBlocks("Record").ok());

        GenerationSettings skip;
        skip.laterBlocks = LaterBlocks::Skip;
        QVERIFY(skip != GenerationSettings());
        const std::string text = settingsToJsonText(skip);
        QVERIFY2(text.find("\"later_blocks\": \"skip\"") != std::string::npos, text.c_str());
        const auto back = settingsFromJsonText(text, "s.json");
        QVERIFY2(back.ok(), back.error().c_str());
        QVERIFY(*back == skip);
        QCOMPARE(settingsFromJsonText("{}", "s.json")->laterBlocks, LaterBlocks::Record);
        QVERIFY(settingsToJsonText(GenerationSettings()).find("later_blocks") == std::string::npos);

        const auto bad = settingsFromJsonText(R"({"later_blocks": "sometimes"})", "s.json");
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().find("s.json: $.later_blocks: unknown later-blocks value 'sometimes' (expected record "
                                  "or skip)")
                == 0,
            bad.error().c_str());
        const auto number = settingsFromJsonText(R"({"later_blocks": 1})", "s.json");
        QVERIFY(!number.ok());
        QVERIFY2(number.error().find("$.later_blocks") != std::string::npos, number.error().c_str());

        SettingsOverrides o;
        o.laterBlocks = LaterBlocks::Skip;
        QVERIFY(!o.empty());
        QCOMPARE(applyOverrides(GenerationSettings(), o).laterBlocks, LaterBlocks::Skip);
    }
};

QTEST_GUILESS_MAIN(TestSettings)
#include "test_settings.moc"
