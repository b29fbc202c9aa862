// dlmstudio-cli's command line as a pure function: what each spelling parses into, what is refused and how
// the refusal is worded, and the help generated for every command. No process, no model.

#include "app/cli/cli_args.h"

#include <QtTest>

using namespace dlm;

namespace {

std::vector<std::string> toArgs(const QString &line)
{
    std::vector<std::string> args;
    for (const QString &s : line.split(QLatin1Char(' '), Qt::SkipEmptyParts))
        args.push_back(s.toStdString());
    return args;
}

/** Parses `line` (split at spaces) and expects the struct of command T. */
template<typename T> T parsedAs(const QString &line)
{
    const auto parsed = parseCli(toArgs(line));
    if (!parsed)
        qFatal("%s: %s", qPrintable(line), parsed.error().c_str());
    if (!std::holds_alternative<T>(parsed->args))
        qFatal("%s: parsed as another command", qPrintable(line));
    return std::get<T>(parsed->args);
}

QString helpOf(const QString &line)
{
    const auto parsed = parseCli(toArgs(line));
    if (!parsed || !std::holds_alternative<HelpRequest>(parsed->args))
        return QString();
    return QString::fromStdString(std::get<HelpRequest>(parsed->args).text);
}

} // namespace

class TestCliParse : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void refused_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("message"); // a substring of the one-line error

        // Commands and arguments nobody takes.
        QTest::newRow("no command") << ""
                                    << "no command given";
        QTest::newRow("unknown command") << "frobnicate"
                                         << "unknown command \"frobnicate\" (expected generate, info";
        QTest::newRow("unknown global option") << "--frob"
                                               << "unknown option \"--frob\"";
        QTest::newRow("unknown option") << "generate --model m --prompt hi --bogus 1"
                                        << "generate: unknown option --bogus (see dlmstudio-cli generate --help)";
        QTest::newRow("unknown option with value") << "info --model m --bogus=1"
                                                   << "info: unknown option --bogus ";
        QTest::newRow("unknown option before missing") << "generate --modle m"
                                                       << "unknown option --modle";
        QTest::newRow("option of another command") << "info --model m --prompt x"
                                                   << "unknown option --prompt";
        QTest::newRow("after double dash") << "generate --model m --prompt hi -- extra"
                                           << "generate: unexpected argument \"extra\"";
        QTest::newRow("stray argument") << "generate --model m --prompt hi extra"
                                        << "generate: unexpected argument \"extra\"";
        // Values: each message names the option.
        QTest::newRow("steps not a number") << "generate --model m --prompt hi --steps abc"
                                            << "--steps: expected a positive integer, got \"abc\"";
        QTest::newRow("steps zero") << "generate --model m --prompt hi --steps 0"
                                    << "--steps: expected a positive integer, got \"0\"";
        QTest::newRow("steps negative") << "generate --model m --prompt hi --steps -3"
                                        << "--steps: expected a positive integer";
        QTest::newRow("steps fraction") << "generate --model m --prompt hi --steps 2.5"
                                        << "--steps: expected a positive integer";
        QTest::newRow("steps octal-looking") << "generate --model m --prompt hi --steps 0x10"
                                             << "--steps: expected a positive integer, got \"0x10\"";
        QTest::newRow("gen-length huge") << "generate --model m --prompt hi --gen-length 99999999999999999999"
                                         << "--gen-length: 99999999999999999999 is out of range (1..65536)";
        QTest::newRow("top-k too big") << "generate --model m --prompt hi --top-k 65"
                                       << "--top-k: 65 is out of range (0..64)";
        QTest::newRow("threads too big") << "forward --model m --ids 1 --threads 5000"
                                         << "--threads: 5000 is out of range (0..1024)";
        QTest::newRow("contend too many") << "bench --model m --contend 65"
                                          << "--contend: 65 is out of range (0..64)";
        QTest::newRow("contend negative") << "bench --model m --contend -1"
                                          << "--contend: expected a non-negative integer, got \"-1\"";
        QTest::newRow("temperature negative") << "generate --model m --prompt hi --temperature -1"
                                              << "--temperature: expected a number of at least 0, got \"-1\"";
        QTest::newRow("temperature nan") << "generate --model m --prompt hi --temperature nan"
                                         << "--temperature: expected a number, got \"nan\"";
        QTest::newRow("cfg text") << "generate --model m --prompt hi --cfg lots"
                                  << "--cfg: expected a number";
        QTest::newRow("threshold text") << "generate --model m --prompt hi --threshold high"
                                        << "--threshold: expected a number";
        QTest::newRow("remasking unknown") << "generate --model m --prompt hi --remasking best"
                                           << "--remasking: expected low_confidence, random, margin or entropy, "
                                              "got \"best\"";
        QTest::newRow("later blocks unknown") << "generate --model m --prompt hi --later-blocks maybe"
                                              << "--later-blocks: expected record or skip, got \"maybe\"";
        QTest::newRow("dtype unknown") << "forward --model m --ids 1 --dtype f16"
                                       << "--dtype: expected f32 or bf16, got \"f16\"";
        QTest::newRow("seed negative") << "generate --model m --prompt hi --seed -1"
                                       << "--seed: expected a non-negative integer";
        QTest::newRow("seed overflow") << "generate --model m --prompt hi --seed 18446744073709551616"
                                       << "--seed: 18446744073709551616 is out of range";
        QTest::newRow("bad ids") << "forward --model m --ids 1,2,x"
                                 << "--ids: expected comma-separated non-negative token ids, got \"x\" in \"1,2,x\"";
        QTest::newRow("negative id") << "forward --model m --ids 1,-2"
                                     << "--ids: expected";
        QTest::newRow("empty id") << "forward --model m --ids 1,,2"
                                  << "--ids: expected";
        QTest::newRow("repeat zero") << "bench --model m --repeat 0"
                                     << "--repeat: expected a positive integer";
        QTest::newRow("empty model") << "info --model="
                                     << "--model";
        QTest::newRow("missing value") << "generate --model m --prompt hi --steps"
                                       << "--steps: missing value";
        QTest::newRow("missing value of path") << "info --model"
                                               << "--model: missing value";
        QTest::newRow("flag with value") << "generate --model m --prompt hi --show=yes"
                                         << "--show: takes no value";
        // Required options and options that exclude or need each other.
        QTest::newRow("missing model") << "generate --prompt hi"
                                       << "generate: --model DIR is required";
        QTest::newRow("missing prompt") << "generate --model m"
                                        << "generate: --prompt TEXT is required";
        QTest::newRow("forward needs input") << "forward --model m"
                                             << "forward: --prompt TEXT or --ids N,N,...";
        QTest::newRow("forward both inputs") << "forward --model m --ids 1 --prompt a"
                                             << "forward: --prompt excludes --ids";
        QTest::newRow("block exceeds gen") << "generate --model m --prompt hi --gen-length 8 --block-length 16"
                                           << "--block-length: 16 exceeds --gen-length 8";
        QTest::newRow("tokenize both sources") << "tokenize --model m --tokenizer t --text x --out y"
                                               << "tokenize: --model excludes --tokenizer";
        QTest::newRow("tokenize no source") << "tokenize --text x --out y"
                                            << "tokenize: --model DIR or --tokenizer PATH is required";
        QTest::newRow("tokenize no out") << "tokenize --model m --text x"
                                         << "tokenize: --out FILE (a token file) or --json is required";
        QTest::newRow("tokenize nothing to do") << "tokenize --model m"
                                                << "tokenize: --text FILE or --decode FILE is required";
        QTest::newRow("tokenize json and out") << "tokenize --model m --text x --json --out y"
                                               << "tokenize: --out excludes --json";
        QTest::newRow("tokenize decode and text") << "tokenize --model m --text x --decode y"
                                                  << "tokenize: --decode excludes --text, --out and --json";
        QTest::newRow("tokenize eos with json") << "tokenize --model m --text x --json --append-eos-per-line"
                                                << "tokenize: --append-eos-per-line requires --out";
        QTest::newRow("tokenize eos without append") << "tokenize --model m --text x --out y --eos-id 2"
                                                     << "tokenize: --eos-id requires --append-eos-per-line";
        QTest::newRow("train heads") << "train --train a --tokenizer t --out o --d-model 30 --heads 4"
                                     << "--heads: 4 does not divide --d-model 30";
        QTest::newRow("train lr text") << "train --train a --tokenizer t --out o --lr fast"
                                       << "--lr: expected a number, got \"fast\"";
        QTest::newRow("train warmup") << "train --train a --tokenizer t --out o --steps 10 --warmup 20"
                                      << "--warmup: 20 must be in 0..--steps (10)";
        QTest::newRow("train dtype") << "train --train a --tokenizer t --out o --save-dtype f16"
                                     << "--save-dtype: expected f32 or bf16";
        QTest::newRow("train no data") << "train --tokenizer t --out o"
                                       << "train: --train FILE is required";
        QTest::newRow("train no out") << "train --resume"
                                      << "train: --out DIR is required";
        QTest::newRow("train export needs resume") << "train --out o --export-only"
                                                   << "train: --export-only requires --resume";
        QTest::newRow("train generate option") << "train --out o --resume --prompt x"
                                               << "unknown option --prompt";
        QTest::newRow("eval two inputs") << "eval --model m --text t --ids i"
                                         << "eval: --text excludes --ids";
        QTest::newRow("eval no input") << "eval --model m"
                                       << "eval: --text FILE or --ids FILE is required";
        QTest::newRow("eval eos without text") << "eval --model m --ids i --append-eos-per-line"
                                               << "eval: --append-eos-per-line requires --text";
        QTest::newRow("eval mc zero") << "eval --model m --ids i --mc-samples 0"
                                      << "--mc-samples: expected a positive integer";
        QTest::newRow("export no timeline") << "export --format csv"
                                            << "export: --timeline FILE is required";
        QTest::newRow("export scale range") << "export --timeline t --format png --out x.png --scale 9"
                                            << "--scale: expected a number from 0.25 to 8, got \"9\"";
        QTest::newRow("export fps zero") << "export --timeline t --format gif --out x.gif --fps 0"
                                         << "--fps: expected a number above 0 and at most 50, got \"0\"";
        QTest::newRow("export width small") << "export --timeline t --format gif --out x.gif --width 8"
                                            << "--width: 8 is out of range (16..16384)";
    }

    void refused()
    {
        QFETCH(QString, line);
        QFETCH(QString, message);
        const auto parsed = parseCli(toArgs(line));
        QVERIFY2(!parsed.ok(), qPrintable(line));
        const QString error = QString::fromStdString(parsed.error());
        QVERIFY2(error.contains(message), qPrintable(error));
        QVERIFY2(!error.contains(QLatin1Char('\n')), qPrintable(error)); // main prints it as one line
    }

    void helpListsEveryOption_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QStringList>("options");
        const QStringList generation
            = {QStringLiteral("--gen-length"), QStringLiteral("--steps"), QStringLiteral("--block-length"),
                QStringLiteral("--temperature"), QStringLiteral("--remasking"), QStringLiteral("--threshold"),
                QStringLiteral("--cfg"), QStringLiteral("--seed"), QStringLiteral("--top-k"), QStringLiteral("--dtype"),
                QStringLiteral("--threads"), QStringLiteral("--cache"), QStringLiteral("--later-blocks")};
        const auto L = [](const char *s) { return QString::fromLatin1(s).split(QLatin1Char(' ')); };
        QTest::newRow("generate") << "generate" << L("--model --prompt --chat --timeline --show --compare-cache") + generation;
        QTest::newRow("info") << "info" << L("--model");
        QTest::newRow("forward") << "forward" << L("--model --prompt --ids --top-k --full-logits --dtype --threads");
        QTest::newRow("bench") << "bench"
                               << L("--model --prompt --repeat --json --contend --matmul-probe-ms --later-blocks-cost")
                + generation;
        QTest::newRow("tokenize")
            << "tokenize" << L("--model --tokenizer --text --out --json --decode --append-eos-per-line --eos-id");
        QTest::newRow("template") << "template" << L("--model --messages --no-generation-prompt");
        QTest::newRow("train") << "train"
                               << L("--train --val --tokenizer --out --init-from --resume --export-only --d-model "
                                    "--heads --kv-heads --layers --mlp --max-seq --mask-id --eos-id --seq-len --batch "
                                    "--steps --lr --min-lr --warmup --weight-decay --clip --seed --threads "
                                    "--checkpoint-every --eval-every --eval-windows --save-dtype --gen-length "
                                    "--gen-steps --block-length --temperature --remasking");
        QTest::newRow("eval") << "eval"
                              << L("--model --text --ids --append-eos-per-line --seq-len --mc-samples --seed "
                                   "--max-windows --batch --threads");
        QTest::newRow("export") << "export"
                                << L("--timeline --format --step --branch --out --figure --width --height --scale "
                                     "--fps");
    }

    void helpListsEveryOption()
    {
        QFETCH(QString, command);
        QFETCH(QStringList, options);
        // Three spellings of one request.
        const QString help = helpOf(command + QStringLiteral(" --help"));
        QCOMPARE(helpOf(command + QStringLiteral(" -h")), help);
        QCOMPARE(helpOf(QStringLiteral("help ") + command), help);
        QVERIFY2(help.contains(QStringLiteral("Usage: dlmstudio-cli ") + command), qPrintable(help));
        for (const QString &option : options)
            QVERIFY2(help.contains(QStringLiteral("  ") + option + QLatin1Char(' '))
                    || help.contains(QStringLiteral("  ") + option + QLatin1Char('\n')),
                qPrintable(command + QLatin1Char(' ') + option));
        // --help wins over missing options and over wrong ones.
        QCOMPARE(helpOf(command + QStringLiteral(" --bogus --steps x --help")), help);
    }

    void topHelpAndVersion()
    {
        const QString top = helpOf(QStringLiteral("--help"));
        QCOMPARE(helpOf(QStringLiteral("-h")), top);
        QCOMPARE(helpOf(QStringLiteral("help")), top);
        for (const char *command : {"generate", "info", "forward", "bench", "tokenize", "train", "eval", "export"})
            QVERIFY2(top.contains(QStringLiteral("  ") + QLatin1String(command) + QLatin1Char(' ')), command);
        // The command list shows a one-line summary, not the command's whole description.
        QVERIFY(!top.contains(QStringLiteral("first end-of-sequence token")));
        QVERIFY(top.contains(QStringLiteral("--version")));
        QVERIFY(top.contains(QStringLiteral("Exit status")));
        QVERIFY(helpOf(QStringLiteral("generate --help")).contains(QStringLiteral("first end-of-sequence token")));
        QVERIFY(helpOf(QStringLiteral("generate --help")).contains(QStringLiteral("generation_config.json")));

        for (const char *spelling : {"--version", "-V"}) {
            const auto parsed = parseCli({spelling});
            QVERIFY(parsed.ok());
            QVERIFY(std::holds_alternative<VersionRequest>(parsed->args));
        }
    }

    void equalsAndRepeats()
    {
        // "--name=value" and "--name value" are the same; given twice, an option keeps the last value.
        const GenerateArgs g
            = parsedAs<GenerateArgs>(QStringLiteral("generate --model=m --prompt=hi --steps=4 --gen-length=8 "
                                                    "--steps 6 --threshold -0.5"));
        QCOMPARE(*g.overrides.steps, 6);
        QCOMPARE(*g.overrides.genLength, 8);
        QCOMPARE(*g.overrides.threshold, -0.5);
        // Base 10 only: CLI11 alone would read 010 as octal 8.
        QCOMPARE(
            *parsedAs<GenerateArgs>(QStringLiteral("generate --model m --prompt x --steps 010")).overrides.steps, 10);
        // A prompt may start with a dash.
        QCOMPARE(std::get<GenerateArgs>(parseCli({"generate", "--model", "m", "--prompt", "-x"})->args).prompt,
            std::string("-x"));
    }

    void generateFullOptionSet()
    {
        const GenerateArgs g = parsedAs<GenerateArgs>(
            QStringLiteral("generate --model m --prompt hi --gen-length 16 --steps 8 --block-length 4 "
                           "--temperature 0.5 --remasking entropy --threshold -0.5 --cfg 1.5 "
                           "--seed 18446744073709551615 --top-k 3 --dtype bf16 --threads 2 --timeline t.json --show "
                           "--later-blocks skip"));
        QCOMPARE(g.modelDir, std::string("m"));
        QCOMPARE(g.prompt, std::string("hi"));
        QCOMPARE(g.timelinePath, std::string("t.json"));
        QVERIFY(g.show);
        const GenerationSettings s = applyCliSettings(g.overrides, GenerationSettings {});
        QCOMPARE(s.genLength, 16);
        QCOMPARE(s.steps, 8);
        QCOMPARE(s.blockLength, 4);
        QCOMPARE(s.temperature, 0.5);
        QCOMPARE(int(s.measure), int(ConfidenceMeasure::Entropy));
        QVERIFY(s.useThreshold);
        QCOMPARE(s.threshold, -0.5);
        QCOMPARE(s.cfgScale, 1.5);
        QCOMPARE(s.seed, uint64_t(18446744073709551615ULL));
        QCOMPARE(s.topK, 3);
        QCOMPARE(int(s.dtype), int(ComputeDType::BF16));
        QCOMPARE(s.threads, 2);
        QCOMPARE(s.laterBlocks, LaterBlocks::Skip);
        QVERIFY(validateSettings(s).ok());

        // Left out stays unset (generation_config.json may fill it); a shorter generation shrinks the default
        // block and steps to fit.
        const GenerateArgs few
            = parsedAs<GenerateArgs>(QStringLiteral("generate --model m --prompt x --gen-length 32"));
        QVERIFY(!few.overrides.steps && !few.overrides.temperature && !few.overrides.seed && !few.show);
        QVERIFY(few.timelinePath.empty());
        const GenerationSettings shrunk = applyCliSettings(few.overrides, GenerationSettings {});
        QCOMPARE(shrunk.genLength, 32);
        QCOMPARE(shrunk.blockLength, 32);
        QCOMPARE(shrunk.steps, 32);
        QVERIFY(!shrunk.useThreshold);
    }

    void infoForwardBenchFullOptionSets()
    {
        QCOMPARE(parsedAs<InfoArgs>(QStringLiteral("info --model dir")).modelDir, std::string("dir"));

        const ForwardArgs f = parsedAs<ForwardArgs>(
            QStringLiteral("forward --model m --ids 5,0,199 --top-k 2 --full-logits --dtype bfloat16 --threads 3"));
        QVERIFY(*f.ids == (std::vector<int32_t> {5, 0, 199}));
        QVERIFY(!f.prompt);
        QCOMPARE(f.topK, 2);
        QVERIFY(f.fullLogits);
        QCOMPARE(int(f.dtype), int(ComputeDType::BF16));
        QCOMPARE(f.threads, 3);
        const auto spaced = parseCli({"forward", "--model", "m", "--ids", "5, 0 ,199"});
        QVERIFY2(spaced.ok(), spaced.error().c_str());
        QVERIFY(*std::get<ForwardArgs>(spaced->args).ids == (std::vector<int32_t> {5, 0, 199}));
        const ForwardArgs byText = parsedAs<ForwardArgs>(QStringLiteral("forward --model m --prompt cat"));
        QCOMPARE(*byText.prompt, std::string("cat"));
        QVERIFY(!byText.ids);
        QCOMPARE(byText.topK, 5);
        QCOMPARE(int(byText.dtype), int(ComputeDType::F32));
        QVERIFY(!byText.fullLogits);

        const BenchArgs b = parsedAs<BenchArgs>(
            QStringLiteral("bench --model m --prompt Hello --gen-length 8 --steps 4 --block-length 8 --temperature 1 "
                           "--remasking margin --threshold 0.8 --cfg 0.5 --seed 9 --top-k 0 --dtype f32 --threads 1 "
                           "--repeat 2 --json --contend 4 --later-blocks-cost"));
        QCOMPARE(b.prompt, std::string("Hello"));
        QCOMPARE(*b.overrides.genLength, 8);
        QCOMPARE(*b.overrides.steps, 4);
        QCOMPARE(*b.overrides.blockLength, 8);
        QCOMPARE(*b.overrides.temperature, 1.0);
        QCOMPARE(int(*b.overrides.measure), int(ConfidenceMeasure::Margin));
        QCOMPARE(*b.overrides.threshold, 0.8);
        QCOMPARE(*b.overrides.cfgScale, 0.5);
        QCOMPARE(*b.overrides.seed, uint64_t(9));
        QCOMPARE(*b.overrides.topK, 0);
        QCOMPARE(int(*b.overrides.dtype), int(ComputeDType::F32));
        QCOMPARE(*b.overrides.threads, 1);
        QCOMPARE(b.repeat, 2);
        QVERIFY(b.json);
        QCOMPARE(b.contend, 4);
        QVERIFY(b.laterBlocksCost);
        const BenchArgs plain = parsedAs<BenchArgs>(QStringLiteral("bench --model m"));
        QCOMPARE(plain.prompt, std::string("The capital of France is"));
        QCOMPARE(plain.repeat, 3);
        QCOMPARE(plain.contend, 0);
        QVERIFY(!plain.json && plain.overrides.empty() && !plain.laterBlocksCost);
    }

    void toolFullOptionSets()
    {
        const TokenizeArgs t = parsedAs<TokenizeArgs>(
            QStringLiteral("tokenize --tokenizer t.model --text x.txt --out y.bin --append-eos-per-line --eos-id 2"));
        QCOMPARE(t.tokenizerPath, std::string("t.model"));
        QVERIFY(t.modelDir.empty());
        QCOMPARE(t.textPath, std::string("x.txt"));
        QCOMPARE(t.outPath, std::string("y.bin"));
        QVERIFY(t.appendEos);
        QCOMPARE(*t.eosId, 2);
        QCOMPARE(
            parsedAs<TokenizeArgs>(QStringLiteral("tokenize --model m --text x --out y")).modelDir, std::string("m"));

        const EvalArgs e = parsedAs<EvalArgs>(QStringLiteral("eval --model m --text t --seq-len 32 --mc-samples 4 "
                                                             "--seed 3 --max-windows 7 --batch 2 --threads 1 "
                                                             "--append-eos-per-line"));
        QCOMPARE(e.modelDir, std::string("m"));
        QCOMPARE(e.textPath, std::string("t"));
        QVERIFY(e.idsPath.empty());
        QVERIFY(e.appendEos);
        QCOMPARE(e.options.seqLen, 32);
        QCOMPARE(e.options.mcSamples, 4);
        QCOMPARE(e.options.seed, uint64_t(3));
        QCOMPARE(e.options.maxWindows, 7);
        QCOMPARE(e.options.batchSize, 2);
        QCOMPARE(e.threads, 1);
        QCOMPARE(parsedAs<EvalArgs>(QStringLiteral("eval --model m --ids i.bin")).idsPath, std::string("i.bin"));
    }

    void trainFullOptionSet()
    {
        const TrainArgs t = parsedAs<TrainArgs>(QStringLiteral(
            "train --train a --val b --tokenizer t --out o --init-from w --d-model 64 --heads 4 --kv-heads 2 "
            "--layers 2 --mlp 128 --max-seq 96 --seq-len 64 --batch 4 --steps 50 --lr 2e-3 --min-lr 1e-5 --warmup 5 "
            "--weight-decay 0 --clip 0.5 --seed 3 --threads 1 --checkpoint-every 10 --eval-every 5 "
            "--eval-windows 4 --mask-id 3 --eos-id 4 --save-dtype bf16 --gen-length 16 --gen-steps 8 "
            "--block-length 8 --temperature 0.5 --remasking margin"));
        const TrainConfig &c = t.config;
        QCOMPARE(c.trainPath, std::string("a"));
        QCOMPARE(c.valPath, std::string("b"));
        QCOMPARE(c.tokenizerPath, std::string("t"));
        QCOMPARE(c.outDir, std::string("o"));
        QCOMPARE(c.initFrom, std::string("w"));
        QCOMPARE(c.dModel, 64);
        QCOMPARE(c.nHeads, 4);
        QCOMPARE(c.nKvHeads, 2);
        QCOMPARE(c.nLayers, 2);
        QCOMPARE(c.mlpHiddenSize, 128);
        QCOMPARE(c.maxSequenceLength, 96);
        QCOMPARE(c.seqLen, 64);
        QCOMPARE(c.batchSize, 4);
        QCOMPARE(c.totalSteps, int64_t(50));
        QCOMPARE(c.lr, 2e-3);
        QCOMPARE(c.minLr, 1e-5);
        QCOMPARE(c.warmupSteps, int64_t(5));
        QCOMPARE(c.weightDecay, 0.0);
        QCOMPARE(c.gradClip, 0.5);
        QCOMPARE(c.seed, uint64_t(3));
        QCOMPARE(c.threads, 1);
        QCOMPARE(c.checkpointEvery, int64_t(10));
        QCOMPARE(c.evalEvery, int64_t(5));
        QCOMPARE(c.evalWindows, 4);
        QCOMPARE(c.maskTokenId, 3);
        QCOMPARE(c.eosTokenId, 4);
        QCOMPARE(int(c.saveDType), int(TensorDType::BF16));
        QCOMPARE(c.genLength, 16);
        QCOMPARE(c.genSteps, 8);
        QCOMPARE(c.blockLength, 8);
        QCOMPARE(c.temperature, 0.5);
        QCOMPARE(int(c.remasking), int(ConfidenceMeasure::Margin));
        QVERIFY(!t.resume && !t.exportOnly);
        // Every option above sets one key of train_config.json; resume compares exactly those.
        QCOMPARE(int(t.givenKeys.size()), 32);
        for (const char *key : {"train_path", "d_model", "lr", "warmup_steps", "seed", "save_dtype", "remasking"})
            QVERIFY2(t.givenKeys.count(key), key);

        // Warm-up left out: a tenth of the steps, at most 100.
        QCOMPARE(
            parsedAs<TrainArgs>(QStringLiteral("train --train a --tokenizer t --out o --steps 50")).config.warmupSteps,
            int64_t(5));
        const TrainArgs resume = parsedAs<TrainArgs>(QStringLiteral("train --out o --resume --export-only --lr 0.5"));
        QVERIFY(resume.resume && resume.exportOnly);
        QVERIFY(resume.givenKeys == (std::set<std::string> {"out_dir", "lr"}));
    }

    void exportFullOptionSet()
    {
        const ExportArgs csv = parsedAs<ExportArgs>(
            QStringLiteral("export --timeline t.json --format csv --step 0,2,4 --branch 1 --out o.csv"));
        QCOMPARE(csv.timelinePath, std::string("t.json"));
        QCOMPARE(csv.format, std::string("csv"));
        QVERIFY(csv.steps == (std::vector<int> {0, 2, 4}));
        QCOMPARE(*csv.branch, 1);
        QCOMPARE(csv.outPath, std::string("o.csv"));

        const ExportArgs png = parsedAs<ExportArgs>(QStringLiteral(
            "export --timeline t --format png --figure plots --width 300 --height 200 --scale 2 --step 3 --out x.png"));
        QCOMPARE(png.figure, std::string("plots"));
        QCOMPARE(*png.width, 300);
        QCOMPARE(*png.height, 200);
        QCOMPARE(*png.scale, 2.0);
        QVERIFY(png.steps == (std::vector<int> {3}));
        const ExportArgs gif
            = parsedAs<ExportArgs>(QStringLiteral("export --timeline t --format gif --fps 50 --width 240 --out x.gif"));
        QCOMPARE(*gif.fps, 50.0);
        QVERIFY(!gif.scale && !gif.height && !gif.branch);
    }
};

QTEST_GUILESS_MAIN(TestCliParse)
#include "test_cli_parse.moc"
