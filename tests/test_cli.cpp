// dlmstudio-cli: the argument parser as a pure function, the terminal canvas on a hand-made record, and the
// built executable end to end on a tiny random model.

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
#include <QProcess>
#include <QTemporaryDir>

#include <map>
#include <sstream>

using namespace dlm;
using dlm::testing::ProcessResult;

namespace {

std::vector<std::string> toArgs(const QStringList &list)
{
    std::vector<std::string> args;
    for (const QString &s : list)
        args.push_back(s.toStdString());
    return args;
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_model;
    QString m_exe;
    ModelConfig m_config;

    ProcessResult runCli(const QStringList &args) { return testing::runProcess(m_exe, args); }

    /** Checks the bad-input contract: exit 2 and exactly one "dlmstudio-cli: ..." line on stderr. */
    static void checkBadInput(const ProcessResult &r, const QString &mustMention)
    {
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.startsWith(QStringLiteral("dlmstudio-cli: ")), qPrintable(r.err));
        QCOMPARE(r.err.count(QLatin1Char('\n')), 1);
        QVERIFY2(r.err.contains(mustMention), qPrintable(r.err));
    }

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

    // --- parseCli ------------------------------------------------------------------------------------------

    void parse_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("message"); // substring of the error, or of the help text

        const auto L = [](const char *s) { return QString::fromLatin1(s).split(QLatin1Char(' ')); };
        QTest::newRow("help") << L("--help") << true << "Commands:";
        QTest::newRow("h") << L("-h") << true << "Commands:";
        QTest::newRow("help generate") << L("help generate") << true << "--gen-length";
        QTest::newRow("generate help") << L("generate --model m --help") << true << "first end-of-sequence";
        QTest::newRow("forward help") << L("forward -h") << true << "--full-logits";
        QTest::newRow("version") << L("--version") << true << "";
        QTest::newRow("generate minimal") << L("generate --model m --prompt hi") << true << "";
        QTest::newRow("generate equals") << L("generate --model=m --prompt=hi --steps=4 --gen-length=8") << true << "";
        QTest::newRow("generate all") << L(
            "generate --model m --prompt hi --gen-length 16 --steps 8 --block-length 4 --temperature 0.5 "
            "--remasking margin --threshold 0.7 --cfg 1.5 --seed 18446744073709551615 --top-k 3 "
            "--dtype bf16 --threads 2 --timeline t.json --show")
                                      << true << "";
        QTest::newRow("forward ids") << L("forward --model m --ids 1,2,3 --top-k 2 --full-logits") << true << "";
        QTest::newRow("bench") << L("bench --model m --repeat 2 --json") << true << "";
        QTest::newRow("info") << L("info --model m") << true << "";

        QTest::newRow("no command") << QStringList() << false << "no command";
        QTest::newRow("unknown command") << L("frobnicate") << false << "unknown command \"frobnicate\"";
        QTest::newRow("unknown global option") << L("--frob") << false << "unknown option \"--frob\"";
        QTest::newRow("unknown option") << L("generate --model m --prompt hi --bogus 1") << false
                                        << "unknown option --bogus";
        QTest::newRow("option of another command")
            << L("info --model m --prompt x") << false << "unknown option --prompt";
        QTest::newRow("stray argument") << L("generate --model m --prompt hi extra") << false << "\"extra\"";
        QTest::newRow("steps not a number") << L("generate --model m --prompt hi --steps abc") << false
                                            << "--steps: expected a positive integer, got \"abc\"";
        QTest::newRow("steps zero") << L("generate --model m --prompt hi --steps 0") << false
                                    << "--steps: expected a positive integer, got \"0\"";
        QTest::newRow("steps negative") << L("generate --model m --prompt hi --steps -3") << false
                                        << "--steps: expected a positive integer";
        QTest::newRow("steps fraction") << L("generate --model m --prompt hi --steps 2.5") << false
                                        << "--steps: expected a positive integer";
        QTest::newRow("gen-length huge") << L("generate --model m --prompt hi --gen-length 99999999999999999999")
                                         << false << "--gen-length: 99999999999999999999 is out of range";
        QTest::newRow("top-k too big") << L("generate --model m --prompt hi --top-k 65") << false
                                       << "--top-k: 65 is out of range (0..64)";
        QTest::newRow("threads too big") << L("forward --model m --ids 1 --threads 5000") << false << "--threads";
        QTest::newRow("temperature negative")
            << L("generate --model m --prompt hi --temperature -1") << false << "--temperature: must be at least 0";
        QTest::newRow("temperature nan") << L("generate --model m --prompt hi --temperature nan") << false
                                         << "--temperature: expected a number, got \"nan\"";
        QTest::newRow("cfg text") << L("generate --model m --prompt hi --cfg lots") << false << "--cfg";
        QTest::newRow("threshold text") << L("generate --model m --prompt hi --threshold high") << false
                                        << "--threshold: expected a number";
        QTest::newRow("remasking unknown") << L("generate --model m --prompt hi --remasking best") << false
                                           << "--remasking: unknown remasking measure 'best'";
        QTest::newRow("dtype unknown") << L("forward --model m --ids 1 --dtype f16") << false << "--dtype";
        QTest::newRow("seed negative") << L("generate --model m --prompt hi --seed -1") << false
                                       << "--seed: expected a non-negative integer";
        QTest::newRow("seed overflow") << L("generate --model m --prompt hi --seed 18446744073709551616") << false
                                       << "--seed: 18446744073709551616 is out of range";
        QTest::newRow("missing value") << L("generate --model m --prompt hi --steps") << false
                                       << "--steps: missing value";
        QTest::newRow("flag with value") << L("generate --model m --prompt hi --show=yes") << false
                                         << "--show: takes no value";
        QTest::newRow("missing model") << L("generate --prompt hi") << false << "--model DIR is required";
        QTest::newRow("missing prompt") << L("generate --model m") << false << "--prompt TEXT is required";
        QTest::newRow("forward needs input") << L("forward --model m") << false << "--prompt TEXT or --ids";
        QTest::newRow("forward both inputs") << L("forward --model m --ids 1 --prompt a") << false << "not both";
        QTest::newRow("bad ids") << L("forward --model m --ids 1,2,x") << false << "--ids: expected";
        QTest::newRow("negative id") << L("forward --model m --ids 1,-2") << false << "--ids: expected";
        QTest::newRow("repeat zero") << L("bench --model m --repeat 0") << false << "--repeat";
        QTest::newRow("tokenize help") << L("tokenize --help") << true << "DLMIDS01";
        QTest::newRow("train help") << L("train -h") << true << "--resume";
        QTest::newRow("eval help") << L("help eval") << true << "perplexity_bound";
        QTest::newRow("tokenize ok") << L("tokenize --tokenizer t --text x --out y --append-eos-per-line --eos-id 2")
                                     << true << "";
        QTest::newRow("tokenize both sources") << L("tokenize --model m --tokenizer t --text x --out y") << false
                                               << "exactly one of --model DIR and --tokenizer FILE";
        QTest::newRow("tokenize no out") << L("tokenize --model m --text x") << false << "--out FILE is required";
        QTest::newRow("train ok") << L("train --train a --val b --tokenizer t --out o --d-model 64 --heads 4 "
                                       "--kv-heads 2 --layers 2 --mlp 128 --seq-len 64 --batch 4 --steps 50 --lr 2e-3 "
                                       "--min-lr 1e-5 --warmup 5 --weight-decay 0 --clip 0.5 --seed 3 --threads 1 "
                                       "--checkpoint-every 10 --eval-every 5 --eval-windows 4 --mask-id 3 --eos-id 4 "
                                       "--save-dtype bf16 --gen-length 16 --gen-steps 8 --block-length 8 "
                                       "--temperature 0.5 --remasking margin")
                                  << true << "";
        QTest::newRow("train resume minimal") << L("train --out o --resume") << true << "";
        QTest::newRow("train heads") << L("train --train a --tokenizer t --out o --d-model 30 --heads 4") << false
                                     << "--heads: 4 does not divide --d-model 30";
        QTest::newRow("train lr text") << L("train --train a --tokenizer t --out o --lr fast") << false
                                       << "--lr: expected a number, got \"fast\"";
        QTest::newRow("train warmup") << L("train --train a --tokenizer t --out o --steps 10 --warmup 20") << false
                                      << "--warmup: 20 must be in 0..--steps (10)";
        QTest::newRow("train dtype") << L("train --train a --tokenizer t --out o --save-dtype f16") << false
                                     << "--save-dtype: expected f32 or bf16";
        QTest::newRow("train no data") << L("train --tokenizer t --out o") << false << "--train FILE is required";
        QTest::newRow("train export needs resume") << L("train --out o --export-only") << false << "needs --resume";
        QTest::newRow("train generate option")
            << L("train --out o --resume --prompt x") << false << "unknown option --prompt";
        QTest::newRow("eval ok") << L("eval --model m --text t --seq-len 32 --mc-samples 4 --seed 3 --max-windows 0 "
                                      "--batch 2 --threads 1 --append-eos-per-line")
                                 << true << "";
        QTest::newRow("eval two inputs") << L("eval --model m --text t --ids i") << false
                                         << "exactly one of --text FILE and --ids FILE";
        QTest::newRow("eval mc zero") << L("eval --model m --ids i --mc-samples 0") << false
                                      << "--mc-samples: expected a positive integer";
        QTest::newRow("block exceeds gen") << L("generate --model m --prompt hi --gen-length 8 --block-length 16")
                                           << false << "--block-length: 16 exceeds --gen-length 8";
    }

    void parse()
    {
        QFETCH(QStringList, args);
        QFETCH(bool, ok);
        QFETCH(QString, message);
        const auto parsed = parseCli(toArgs(args));
        QCOMPARE(parsed.ok(), ok);
        if (ok)
            QVERIFY2(QString::fromStdString(parsed->helpText).contains(message), parsed->helpText.c_str());
        else
            QVERIFY2(QString::fromStdString(parsed.error()).contains(message), parsed.error().c_str());
    }

    void parseValues()
    {
        auto c = parseCli(toArgs(QStringLiteral("generate --model m --prompt hi --gen-length 16 --steps 8 "
                                                "--block-length 4 --temperature 0.5 --remasking entropy "
                                                "--threshold -0.5 --cfg 1.5 --seed 42 --top-k 3 --dtype bf16 "
                                                "--threads 2 --timeline t.json --show")
                                     .split(QLatin1Char(' '))));
        QVERIFY2(c.ok(), c.error().c_str());
        QCOMPARE(int(c->kind), int(CliCommandKind::Generate));
        QVERIFY(c->modelDir == "m");
        QVERIFY(*c->prompt == "hi");
        QVERIFY(c->timelinePath == "t.json");
        QVERIFY(c->show);
        const GenerationSettings s = applyCliSettings(*c, GenerationSettings {});
        QCOMPARE(s.genLength, 16);
        QCOMPARE(s.steps, 8);
        QCOMPARE(s.blockLength, 4);
        QCOMPARE(s.temperature, 0.5);
        QCOMPARE(int(s.measure), int(ConfidenceMeasure::Entropy));
        QVERIFY(s.useThreshold);
        QCOMPARE(s.threshold, -0.5);
        QCOMPARE(s.cfgScale, 1.5);
        QCOMPARE(s.seed, uint64_t(42));
        QCOMPARE(s.topK, 3);
        QCOMPARE(int(s.dtype), int(ComputeDType::BF16));
        QCOMPARE(s.threads, 2);
        QVERIFY(validateSettings(s).ok());

        auto f = parseCli({"forward", "--model", "m", "--ids", "5, 0,199"});
        QVERIFY2(f.ok(), f.error().c_str());
        QVERIFY(*f->ids == (std::vector<int32_t> {5, 0, 199}));

        // Settings left out keep the base; a shorter generation shrinks the default block and steps to fit.
        auto g = parseCli({"generate", "--model", "m", "--prompt", "x", "--gen-length", "32"});
        QVERIFY(g.ok());
        const GenerationSettings shrunk = applyCliSettings(*g, GenerationSettings {});
        QCOMPARE(shrunk.genLength, 32);
        QCOMPARE(shrunk.blockLength, 32);
        QCOMPARE(shrunk.steps, 32);
        QCOMPARE(shrunk.temperature, GenerationSettings {}.temperature);
        QVERIFY(!shrunk.useThreshold);
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
        auto parsed = parseCli(toArgs(generateArgs()));
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
            QStringLiteral("--repeat"), QStringLiteral("2")};
        const ProcessResult table = runCli(base);
        QVERIFY2(table.exitCode == 0, qPrintable(table.err));
        QVERIFY(table.out.contains(QStringLiteral("tokens per second")));
        QVERIFY(table.out.contains(QStringLiteral("recording overhead")));

        const ProcessResult json = runCli(QStringList(base) << QStringLiteral("--json"));
        QVERIFY2(json.exitCode == 0, qPrintable(json.err));
        const QJsonObject j = QJsonDocument::fromJson(json.out.toUtf8()).object();
        QVERIFY(j.value(QStringLiteral("tokens_per_second")).toDouble() > 0);
        QCOMPARE(j.value(QStringLiteral("steps_per_generation")).toDouble(), 4.0);
        QVERIFY(j.value(QStringLiteral("step_ms")).toObject().contains(QStringLiteral("forward")));
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

    // --- tokenize, train, eval ------------------------------------------------------------------------------

    void tokenizeTrainEval()
    {
        QFile corpus(m_dir.filePath(QStringLiteral("corpus.txt")));
        QVERIFY(corpus.open(QIODevice::WriteOnly));
        for (int i = 0; i < 60; ++i)
            corpus.write(i % 2 ? "The cat sat on the mat.\n" : "\nThe dog ran in the park.\n");
        corpus.close();
        const QString ids = m_dir.filePath(QStringLiteral("corpus.bin"));
        const QString tokenizer = m_model + QStringLiteral("/tokenizer.model");
        ProcessResult r
            = runCli({QStringLiteral("tokenize"), QStringLiteral("--tokenizer"), tokenizer, QStringLiteral("--text"),
                corpus.fileName(), QStringLiteral("--out"), ids, QStringLiteral("--append-eos-per-line")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject t = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(t.value(QStringLiteral("lines")).toInt(), 60); // empty lines skipped
        QVERIFY(t.value(QStringLiteral("tokens")).toInt() > 300);
        QCOMPARE(t.value(QStringLiteral("vocab_size")).toInt(), m_config.vocabSize);

        const QString out = m_dir.filePath(QStringLiteral("run"));
        const QStringList train = {QStringLiteral("train"), QStringLiteral("--train"), ids, QStringLiteral("--val"),
            ids, QStringLiteral("--tokenizer"), tokenizer, QStringLiteral("--out"), out, QStringLiteral("--d-model=32"),
            QStringLiteral("--layers=1"), QStringLiteral("--mlp=64"), QStringLiteral("--seq-len=32"),
            QStringLiteral("--batch=4"), QStringLiteral("--steps=3"), QStringLiteral("--eval-every=3"),
            QStringLiteral("--eval-windows=2"), QStringLiteral("--gen-length=8"), QStringLiteral("--gen-steps=4"),
            QStringLiteral("--block-length=8")};
        r = runCli(train);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("step 3: val_loss")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("finished 3 steps")), qPrintable(r.out));
        QVERIFY(QFile::exists(out + QStringLiteral("/model/generation_config.json")));
        QVERIFY(QFile::exists(out + QStringLiteral("/train_log.csv")));

        // The exported model generates (with its generation_config.json) and evaluates.
        r = runCli({QStringLiteral("generate"), QStringLiteral("--model"), out + QStringLiteral("/model"),
            QStringLiteral("--prompt"), QStringLiteral("The cat")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = runCli({QStringLiteral("eval"), QStringLiteral("--model"), out + QStringLiteral("/model"),
            QStringLiteral("--text"), corpus.fileName(), QStringLiteral("--append-eos-per-line"),
            QStringLiteral("--mc-samples"), QStringLiteral("2"), QStringLiteral("--max-windows"), QStringLiteral("4")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject e = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(e.value(QStringLiteral("seq_len")).toInt(), 32); // the model's max_sequence_length
        QCOMPARE(e.value(QStringLiteral("windows")).toInt(), 4);
        QCOMPARE(e.value(QStringLiteral("masked_ce")).toArray().size(), 3);
        const QJsonObject elbo = e.value(QStringLiteral("elbo")).toObject();
        QCOMPARE(elbo.value(QStringLiteral("samples")).toInt(), 8);
        QVERIFY(elbo.value(QStringLiteral("perplexity_bound")).toDouble() > 1);
        QVERIFY(e.value(QStringLiteral("unigram")).toObject().value(QStringLiteral("perplexity")).toDouble() > 1);
        r = runCli({QStringLiteral("eval"), QStringLiteral("--model"), out + QStringLiteral("/model"),
            QStringLiteral("--ids"), ids, QStringLiteral("--mc-samples"), QStringLiteral("2")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));

        // A second fresh run into the same directory would overwrite the checkpoint.
        checkBadInput(runCli(train), QStringLiteral("--resume"));
        // Resuming with a different trajectory option is refused, naming it.
        checkBadInput(runCli({QStringLiteral("train"), QStringLiteral("--out"), out, QStringLiteral("--resume"),
                          QStringLiteral("--lr"), QStringLiteral("0.5")}),
            QStringLiteral("lr"));
        checkBadInput(runCli({QStringLiteral("eval"), QStringLiteral("--model"), out + QStringLiteral("/model"),
                          QStringLiteral("--ids"), corpus.fileName()}),
            QStringLiteral("not a token file"));
    }

    void trainStopsOnSignalAndResumes()
    {
        const QString ids = m_dir.filePath(QStringLiteral("corpus.bin")); // from tokenizeTrainEval
        QVERIFY(QFile::exists(ids));
        const QString out = m_dir.filePath(QStringLiteral("signalled"));
        QProcess p;
        p.start(m_exe,
            {QStringLiteral("train"), QStringLiteral("--train"), ids, QStringLiteral("--tokenizer"),
                m_model + QStringLiteral("/tokenizer.model"), QStringLiteral("--out"), out,
                QStringLiteral("--d-model=32"), QStringLiteral("--layers=1"), QStringLiteral("--mlp=64"),
                QStringLiteral("--seq-len=32"), QStringLiteral("--batch=2"), QStringLiteral("--steps=1000000"),
                QStringLiteral("--checkpoint-every=0")});
        QVERIFY(p.waitForStarted());
        QString output;
        while (!output.contains(QStringLiteral("step 1/")) && p.waitForReadyRead(60000))
            output += QString::fromUtf8(p.readAllStandardOutput());
        QVERIFY2(output.contains(QStringLiteral("step 1/")), qPrintable(output));
        p.terminate(); // SIGTERM: checkpoint after the current step, exit 0
        QVERIFY(p.waitForFinished(60000));
        output += QString::fromUtf8(p.readAllStandardOutput());
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0);
        QVERIFY2(output.contains(QStringLiteral("stopped at step")), qPrintable(output));
        QVERIFY(QFile::exists(out + QStringLiteral("/checkpoint/train_state.json")));

        const ProcessResult exported = runCli({QStringLiteral("train"), QStringLiteral("--out"), out,
            QStringLiteral("--resume"), QStringLiteral("--export-only")});
        QVERIFY2(exported.exitCode == 0, qPrintable(exported.err));
        QVERIFY(QFile::exists(out + QStringLiteral("/model/model.safetensors")));
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

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
