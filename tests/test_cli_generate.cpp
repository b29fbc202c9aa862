// dlmstudio-cli end to end on a tiny random model: generate, info, forward and bench as a process (exit
// status, stdout, the one-line message on stderr), and the terminal canvas of `generate --show` on a
// hand-made record.

#include "app/cli/cli_args.h"
#include "app/cli/commands.h"
#include "app/cli/terminal_canvas.h"

#include "core/model/model_config.h"
#include "core/timeline/timeline_json.h"
#include "tiny_model.h"

#include "cli_process.h"

#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <map>
#include <sstream>

using namespace dlm;
using dlm::testing::checkBadInput;
using dlm::testing::ProcessResult;

class TestCliGenerate : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_model;
    QString m_exe;
    ModelConfig m_config;

    ProcessResult runCli(const QStringList &args) { return testing::runProcess(m_exe, args); }

    QStringList generateArgs() const
    {
        return {QStringLiteral("generate"), QStringLiteral("--model"), m_model, QStringLiteral("--prompt"),
            QStringLiteral("The cat"), QStringLiteral("--gen-length"), QStringLiteral("8"), QStringLiteral("--steps"),
            QStringLiteral("4"), QStringLiteral("--temperature"), QStringLiteral("1"), QStringLiteral("--seed"),
            QStringLiteral("7")};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_model = m_dir.filePath(QStringLiteral("tiny-model"));
        auto written = testing::writeTinyModel(m_model.toStdString());
        QVERIFY2(written.ok(), written.error().c_str());
        m_config = *written;
        m_exe = QCoreApplication::applicationDirPath() + QStringLiteral("/dlmstudio-cli");
        QVERIFY2(QFileInfo(m_exe).isExecutable(), qPrintable(m_exe + QStringLiteral(" not built")));
    }

    // --- renderCanvas --------------------------------------------------------------------------------------

    void canvasPlain()
    {
        StepRecord r;
        r.kind = RecordKind::Denoise;
        r.denoiseStep = 3;
        r.block = 0;
        r.tokens = {10, 11, 20, 21, 99, 99};
        r.states = {PositionState::Prompt, PositionState::Prompt, PositionState::Committed,
            PositionState::CommittedThisStep, PositionState::Remasked, PositionState::Masked};
        r.committed = {3};
        r.remasked = {4};
        r.quota = 1;
        const std::map<int32_t, std::string> pieces
            = {{10, "\u2581Hello"}, {11, "\u2581world"}, {20, "\u2581the"}, {21, "\u2581cat"}, {99, "<mask>"}};
        const PieceLookup lookup = [&](int32_t id) { return pieces.count(id) ? pieces.at(id) : std::string(); };

        CanvasOptions o;
        o.totalSteps = 8;
        o.blockCount = 2;
        const std::string frame = renderCanvas(r, lookup, o);
        QCOMPARE(QString::fromStdString(frame),
            QStringLiteral("step 3/8  block 1/2  masked 2  +1 committed\nHello world\nthe [cat]\u25A3\u25A1\n"));

        o.color = true;
        const std::string coloured = renderCanvas(r, lookup, o);
        QVERIFY(coloured.find("\x1b[1;30;43mcat\x1b[0m") != std::string::npos); // highlighted, no brackets
        QVERIFY(coloured.find("\x1b[2m\u25A1") != std::string::npos); // dim mask box
        QVERIFY(coloured.find('[' + std::string("cat")) == std::string::npos);

        // Threshold mode has no known step total; an initial record commits nothing.
        StepRecord initial = r;
        initial.kind = RecordKind::Initial;
        initial.denoiseStep = 0;
        initial.states = {PositionState::Prompt, PositionState::Prompt, PositionState::Masked, PositionState::Masked,
            PositionState::Masked, PositionState::Masked};
        o.color = false;
        o.totalSteps = 0;
        QVERIFY(renderCanvas(initial, lookup, o).rfind("step 0  block 1/2  masked 4\n", 0) == 0);
    }

    void canvasWrapsAndSanitizes()
    {
        StepRecord r;
        r.kind = RecordKind::Denoise;
        for (int i = 0; i < 30; ++i) {
            r.tokens.push_back(i % 2);
            r.states.push_back(PositionState::Committed);
        }
        r.tokens[5] = 7;
        const PieceLookup lookup = [](int32_t id) {
            return id == 7 ? std::string("\x1b[31mred") : std::string(id ? "\u2581alpha" : "\u2581beta");
        };
        CanvasOptions o;
        o.width = 20;
        const std::string frame = renderCanvas(r, lookup, o);
        QVERIFY2(frame.find('\x1b') == std::string::npos, "control characters must not reach the terminal");
        const QStringList lines = QString::fromStdString(frame).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY(lines.size() > 3);
        for (const QString &line : lines.mid(1))
            QVERIFY2(line.size() <= 20, qPrintable(line));
    }

    // --- the executable ------------------------------------------------------------------------------------

    void generatePrintsText()
    {
        const ProcessResult r = runCli(generateArgs());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
        QVERIFY(r.out.endsWith(QLatin1Char('\n')));
        QVERIFY(!r.out.contains(QStringLiteral("<|mdm_mask|>")));

        // Same seed, same text; and the in-process command agrees with the process.
        const ProcessResult again = runCli(generateArgs());
        QCOMPARE(again.exitCode, 0);
        QCOMPARE(again.out, r.out);
        auto parsed = parseCli(testing::toStdArgs(generateArgs()));
        QVERIFY(parsed.ok());
        std::ostringstream out, err;
        QCOMPARE(runCommand(*parsed, out, err), 0);
        QCOMPARE(QString::fromStdString(out.str()), r.out);
    }

    void generateShow()
    {
        const ProcessResult r = runCli(generateArgs() << QStringLiteral("--show"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("step 0/4")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("step 4/4")), qPrintable(r.out));
        QVERIFY2(!r.out.contains(QLatin1Char('\x1b')), "no escape codes when stdout is not a terminal");
    }

    void generateTimeline()
    {
        const QString path = m_dir.filePath(QStringLiteral("run.json"));
        const ProcessResult r = runCli(generateArgs() << QStringLiteral("--timeline") << path);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        auto timeline = loadTimeline(path.toStdString());
        QVERIFY2(timeline.ok(), timeline.error().c_str());
        QCOMPARE(timeline->settings.genLength, 8);
        QCOMPARE(timeline->settings.steps, 4);
        QCOMPARE(timeline->settings.seed, uint64_t(7));
        QCOMPARE(timeline->branch(0).size(), 5); // initial + 4 steps
        QCOMPARE(timeline->branch(0).last().maskedCount(m_config.maskTokenId), 0);
    }

    void generateWithCacheComparesFidelity()
    {
        const QString path = m_dir.filePath(QStringLiteral("cached.json"));
        const ProcessResult r = runCli(generateArgs()
            << QStringLiteral("--block-length") << QStringLiteral("4") << QStringLiteral("--cache")
            << QStringLiteral("dual") << QStringLiteral("--compare-cache") << QStringLiteral("--timeline") << path);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("cache dual vs none: ")), qPrintable(r.out));
        QVERIFY(r.out.contains(QStringLiteral("forward per step: ")));
        // The timeline says which cache ran and how many positions each cached step computed.
        auto timeline = loadTimeline(path.toStdString());
        QVERIFY2(timeline.ok(), timeline.error().c_str());
        QCOMPARE(timeline->settings.cache, CacheMode::Dual);
        QCOMPARE(timeline->branch(0).at(1).forwardPositions, timeline->branch(0).at(1).length());
        QCOMPARE(timeline->branch(0).at(2).forwardPositions, 4);

        const ProcessResult refused = runCli(generateArgs() << QStringLiteral("--compare-cache"));
        QCOMPARE(refused.exitCode, 2);
        QVERIFY2(refused.err.contains(QStringLiteral("--cache prefix or --cache dual")), qPrintable(refused.err));
        const ProcessResult withCfg = runCli(generateArgs()
            << QStringLiteral("--cache") << QStringLiteral("prefix") << QStringLiteral("--cfg") << QStringLiteral("1"));
        QCOMPARE(withCfg.exitCode, 2);
        QVERIFY2(withCfg.err.contains(QStringLiteral("cfg")), qPrintable(withCfg.err));
    }

    void generateUsesGenerationConfig()
    {
        // Settings left out come from generation_config.json; options given win over it.
        const QString dir = m_dir.filePath(QStringLiteral("with-generation-config"));
        QVERIFY(testing::writeTinyModel(dir.toStdString()).ok());
        QFile config(dir + QStringLiteral("/generation_config.json"));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(R"({"gen_length": 6, "steps": 3, "block_length": 6, "seed": 11})");
        config.close();

        const QString path = m_dir.filePath(QStringLiteral("config-run.json"));
        const QStringList base = {QStringLiteral("generate"), QStringLiteral("--model"), dir,
            QStringLiteral("--prompt"), QStringLiteral("The"), QStringLiteral("--timeline"), path};
        ProcessResult r = runCli(base);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        auto fromFile = loadTimeline(path.toStdString());
        QVERIFY2(fromFile.ok(), fromFile.error().c_str());
        QCOMPARE(fromFile->settings.genLength, 6);
        QCOMPARE(fromFile->settings.steps, 3);
        QCOMPARE(fromFile->settings.seed, uint64_t(11));

        r = runCli(QStringList(base) << QStringLiteral("--steps") << QStringLiteral("2"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        auto overridden = loadTimeline(path.toStdString());
        QVERIFY(overridden.ok());
        QCOMPARE(overridden->settings.genLength, 6);
        QCOMPARE(overridden->settings.steps, 2);
    }

    void generateUnwritableTimeline_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("missing folder") << QStringLiteral("/proc/x/y.json");
        QTest::newRow("folder is a file") << QStringLiteral("FILE/y.json");
        QTest::newRow("path is a folder") << QStringLiteral("DIR");
    }

    void generateUnwritableTimeline()
    {
        QFETCH(QString, path);
        QFile file(m_dir.filePath(QStringLiteral("plain.txt")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        path.replace(QStringLiteral("FILE"), file.fileName());
        path.replace(QStringLiteral("DIR"), m_dir.path());
        checkBadInput(runCli(generateArgs() << QStringLiteral("--timeline") << path), path);
    }

    void info()
    {
        const ProcessResult r = runCli({QStringLiteral("info"), QStringLiteral("--model"), m_model});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QJsonParseError error;
        const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8(), &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        QCOMPARE(j.value(QStringLiteral("architecture")).toString(), QStringLiteral("llada"));
        QCOMPARE(j.value(QStringLiteral("name")).toString(), QStringLiteral("tiny-model"));
        QCOMPARE(j.value(QStringLiteral("vocab_size")).toInt(), m_config.vocabSize);
        QCOMPARE(j.value(QStringLiteral("parameters")).toDouble(), double(m_config.parameterCount()));
        QCOMPARE(j.value(QStringLiteral("storage_dtype")).toString(), QStringLiteral("F32"));
        QCOMPARE(j.value(QStringLiteral("config_sha256")).toString().size(), 64);
        const QJsonObject config = j.value(QStringLiteral("config")).toObject();
        QCOMPARE(config.value(QStringLiteral("d_model")).toInt(), m_config.dModel);
        QCOMPARE(config.value(QStringLiteral("n_layers")).toInt(), m_config.nLayers);
        const QJsonObject special = j.value(QStringLiteral("special_ids")).toObject();
        QCOMPARE(special.value(QStringLiteral("mask")).toInt(), m_config.maskTokenId);
        QCOMPARE(special.value(QStringLiteral("eos")).toInt(), m_config.eosTokenId);
        const QJsonObject tok = j.value(QStringLiteral("tokenizer")).toObject();
        QCOMPARE(tok.value(QStringLiteral("kind")).toString(), QStringLiteral("sentencepiece"));
        QCOMPARE(tok.value(QStringLiteral("vocab_size")).toInt(), m_config.vocabSize);
    }

    void forward()
    {
        const ProcessResult r = runCli({QStringLiteral("forward"), QStringLiteral("--model"), m_model,
            QStringLiteral("--ids"), QStringLiteral("1,2,3,4"), QStringLiteral("--top-k"), QStringLiteral("3"),
            QStringLiteral("--full-logits")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const QJsonArray positions = j.value(QStringLiteral("positions")).toArray();
        QCOMPARE(positions.size(), 4);
        QCOMPARE(j.value(QStringLiteral("ids")).toArray().size(), 4);
        for (int i = 0; i < positions.size(); ++i) {
            const QJsonObject p = positions[i].toObject();
            QCOMPARE(p.value(QStringLiteral("position")).toInt(), i);
            QCOMPARE(p.value(QStringLiteral("token")).toInt(), i + 1);
            const QJsonArray top = p.value(QStringLiteral("top_k")).toArray();
            QCOMPARE(top.size(), 3);
            const double p0 = top[0].toObject().value(QStringLiteral("prob")).toDouble();
            const double p1 = top[1].toObject().value(QStringLiteral("prob")).toDouble();
            QVERIFY(p0 > 0 && p0 <= 1 && p0 >= p1);
        }
        const QJsonArray logits = j.value(QStringLiteral("logits")).toArray();
        QCOMPARE(logits.size(), 4);
        QCOMPARE(logits[0].toArray().size(), m_config.vocabSize);

        const ProcessResult text = runCli({QStringLiteral("forward"), QStringLiteral("--model"), m_model,
            QStringLiteral("--prompt"), QStringLiteral("The cat sat")});
        QVERIFY2(text.exitCode == 0, qPrintable(text.err));
        const QJsonObject t = QJsonDocument::fromJson(text.out.toUtf8()).object();
        QCOMPARE(
            t.value(QStringLiteral("positions")).toArray().size(), t.value(QStringLiteral("ids")).toArray().size());
        QVERIFY(!t.contains(QStringLiteral("logits")));
    }

    void forwardIdOutOfVocabulary()
    {
        const ProcessResult r = runCli({QStringLiteral("forward"), QStringLiteral("--model"), m_model,
            QStringLiteral("--ids"), QStringLiteral("1,5000")});
        checkBadInput(r, QStringLiteral("id 5000 at position 1"));
    }

    void forwardWithoutTokenizer()
    {
        // Ids need no tokenizer: forward still works (pieces empty); generate names what is missing.
        const QString dir = m_dir.filePath(QStringLiteral("no-tokenizer"));
        testing::TinyModelOptions options;
        options.writeTokenizer = false;
        QVERIFY(testing::writeTinyModel(dir.toStdString(), options).ok());
        const ProcessResult r = runCli({QStringLiteral("forward"), QStringLiteral("--model"), dir,
            QStringLiteral("--ids"), QStringLiteral("5,6")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(
            QJsonDocument::fromJson(r.out.toUtf8()).object().value(QStringLiteral("positions")).toArray().size(), 2);
        checkBadInput(runCli({QStringLiteral("generate"), QStringLiteral("--model"), dir, QStringLiteral("--prompt"),
                          QStringLiteral("x")}),
            dir);
    }

    void bench()
    {
        const QStringList base = {QStringLiteral("bench"), QStringLiteral("--model"), m_model,
            QStringLiteral("--gen-length"), QStringLiteral("8"), QStringLiteral("--steps"), QStringLiteral("4"),
            QStringLiteral("--repeat"), QStringLiteral("2"), QStringLiteral("--matmul-probe-ms"), QStringLiteral("0")};
        const ProcessResult table = runCli(base);
        QVERIFY2(table.exitCode == 0, qPrintable(table.err));
        QVERIFY(table.out.contains(QStringLiteral("tokens per second")));
        QVERIFY(table.out.contains(QStringLiteral("recording overhead")));
        QVERIFY(table.out.contains(QStringLiteral("peak memory")));

        // The matmul probe: both dtypes measured, and the forward's share of the f32 rate reported.
        const ProcessResult probed = runCli(QStringList(base.mid(0, base.size() - 1)) << QStringLiteral("100"));
        QVERIFY2(probed.exitCode == 0, qPrintable(probed.err));
        QVERIFY2(probed.out.contains(QStringLiteral("matmul f32")), qPrintable(probed.out));
        QVERIFY(probed.out.contains(QStringLiteral("of the f32 matmul rate")));

        const ProcessResult json = runCli(QStringList(base) << QStringLiteral("--json"));
        QVERIFY2(json.exitCode == 0, qPrintable(json.err));
        const QJsonObject j = QJsonDocument::fromJson(json.out.toUtf8()).object();
        QVERIFY(j.value(QStringLiteral("tokens_per_second")).toDouble() > 0);
        QCOMPARE(j.value(QStringLiteral("steps_per_generation")).toDouble(), 4.0);
        QVERIFY(j.value(QStringLiteral("step_ms")).toObject().contains(QStringLiteral("forward")));
        const QJsonObject memory = j.value(QStringLiteral("memory")).toObject();
        QVERIFY(memory.value(QStringLiteral("peak_rss_bytes")).toDouble()
            > memory.value(QStringLiteral("weight_bytes")).toDouble());
        QVERIFY(j.value(QStringLiteral("matmul")).isNull()); // skipped with --matmul-probe-ms 0
    }

    /** bench --later-blocks-cost: the head's rows per step as the schedule makes them, and both timings. */
    void benchLaterBlocksCost()
    {
        // 8 positions in 2 blocks of 4, 2 steps each: head rows 4+4, 2+4 (later), then 4, 2.
        const QStringList args = {QStringLiteral("bench"), QStringLiteral("--model"), m_model,
            QStringLiteral("--gen-length"), QStringLiteral("8"), QStringLiteral("--block-length"), QStringLiteral("4"),
            QStringLiteral("--steps"), QStringLiteral("4"), QStringLiteral("--repeat"), QStringLiteral("1"),
            QStringLiteral("--matmul-probe-ms"), QStringLiteral("0"), QStringLiteral("--later-blocks-cost")};
        const ProcessResult json = runCli(QStringList(args) << QStringLiteral("--json"));
        QVERIFY2(json.exitCode == 0, qPrintable(json.err));
        const QJsonObject later
            = QJsonDocument::fromJson(json.out.toUtf8()).object().value(QStringLiteral("later_blocks")).toObject();
        QCOMPARE(later.value(QStringLiteral("setting")).toString(), QStringLiteral("record"));
        QCOMPARE(later.value(QStringLiteral("head_rows_per_step")).toDouble(), 5.0);
        QCOMPARE(later.value(QStringLiteral("later_rows_per_step")).toDouble(), 2.0);
        const QJsonObject switched = later.value(QStringLiteral("switched")).toObject();
        QCOMPARE(switched.value(QStringLiteral("setting")).toString(), QStringLiteral("skip"));
        QCOMPARE(switched.value(QStringLiteral("head_rows_per_step")).toDouble(), 3.0);
        QVERIFY(switched.value(QStringLiteral("step_ms")).toObject().contains(QStringLiteral("forward")));
        QVERIFY(later.contains(QStringLiteral("cost_ms_per_step")));

        const ProcessResult table
            = runCli(QStringList(args) << QStringLiteral("--later-blocks") << QStringLiteral("skip"));
        QVERIFY2(table.exitCode == 0, qPrintable(table.err));
        QVERIFY2(table.out.contains(QStringLiteral("output head         3.0 rows a step, 0.0 of them")),
            qPrintable(table.out));
        QVERIFY2(table.out.contains(QStringLiteral("later blocks        record ")), qPrintable(table.out));
        QVERIFY(table.out.contains(QStringLiteral("recording costs ")));
    }

    void badModelDirectory_data()
    {
        QTest::addColumn<QString>("command");
        QTest::newRow("generate") << QStringLiteral("generate");
        QTest::newRow("info") << QStringLiteral("info");
        QTest::newRow("forward") << QStringLiteral("forward");
        QTest::newRow("bench") << QStringLiteral("bench");
    }

    void badModelDirectory()
    {
        QFETCH(QString, command);
        const QString missing = m_dir.filePath(QStringLiteral("no-such-model"));
        QStringList args = {command, QStringLiteral("--model"), missing};
        if (command == QStringLiteral("generate"))
            args << QStringLiteral("--prompt") << QStringLiteral("x");
        if (command == QStringLiteral("forward"))
            args << QStringLiteral("--ids") << QStringLiteral("1");
        checkBadInput(runCli(args), missing);

        // A directory without model files is named as well.
        args[2] = m_dir.path();
        checkBadInput(runCli(args), m_dir.path());
    }

    void badInputContract_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const auto L = [](const char *s) { return QString::fromLatin1(s).split(QLatin1Char(' ')); };
        QTest::newRow("no command") << QStringList() << "no command given";
        QTest::newRow("unknown command") << L("frobnicate") << "unknown command \"frobnicate\"";
        QTest::newRow("unknown option") << L("info --model m --bogus") << "info: unknown option --bogus";
        QTest::newRow("missing value") << L("generate --model m --prompt x --steps") << "--steps: missing value";
        QTest::newRow("range") << L("bench --model m --contend 65") << "--contend: 65 is out of range (0..64)";
        QTest::newRow("excludes") << L("forward --model m --prompt x --ids 1") << "--prompt excludes --ids";
        QTest::newRow("requires") << L("train --out o --export-only") << "--export-only requires --resume";
        QTest::newRow("required") << L("export --format csv") << "export: --timeline FILE is required";
    }

    void badInputContract()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const ProcessResult r = runCli(args);
        checkBadInput(r, message);
        QVERIFY(r.out.isEmpty());
    }

    void badInput()
    {
        checkBadInput(runCli({QStringLiteral("generate"), QStringLiteral("--bogus")}), QStringLiteral("--bogus"));
        checkBadInput(
            runCli(generateArgs() << QStringLiteral("--steps") << QStringLiteral("abc")), QStringLiteral("--steps"));
        // Valid numbers that cannot work together are refused by the settings check.
        checkBadInput(runCli(generateArgs() << QStringLiteral("--block-length") << QStringLiteral("2")
                                            << QStringLiteral("--steps") << QStringLiteral("2")),
            QStringLiteral("steps"));
    }

    void helpAndVersion()
    {
        const ProcessResult help = runCli({QStringLiteral("generate"), QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains(QStringLiteral("--timeline")));
        const ProcessResult version = runCli({QStringLiteral("--version")});
        QCOMPARE(version.exitCode, 0);
        QCOMPARE(version.out, QStringLiteral("dlmstudio-cli " DLM_VERSION "\n"));
    }
};

QTEST_GUILESS_MAIN(TestCliGenerate)
#include "test_cli_generate.moc"
