// dlmstudio-cli and Dream's sampler: Dream's options parse under Dream's names, options of the other sampler
// exit 2 naming the sampler and family that take them, and `generate --sampler dream` runs end to end on the
// tiny model (a LLaDA-family model: the sampler is chosen explicitly), writing Dream's decisions.

#include "app/cli/cli_args.h"

#include "core/timeline/timeline_json.h"
#include "tiny_model.h"

#include "cli_process.h"

#include <QtTest>

#include <QTemporaryDir>

using namespace dlm;
using dlm::testing::checkBadInput;

class TestCliDream : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_model;
    QString m_exe;

    testing::ProcessResult runCli(QStringList extra)
    {
        QStringList args {QStringLiteral("generate"), QStringLiteral("--model"), m_model, QStringLiteral("--prompt"),
            QStringLiteral("The cat"), QStringLiteral("--seed"), QStringLiteral("3")};
        return testing::runProcess(m_exe, args + extra);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_model = m_dir.filePath(QStringLiteral("tiny-model"));
        auto written = testing::writeTinyModel(m_model.toStdString());
        QVERIFY2(written.ok(), written.error().c_str());
        m_exe = QCoreApplication::applicationDirPath() + QStringLiteral("/dlmstudio-cli");
        QVERIFY2(QFileInfo(m_exe).isExecutable(), qPrintable(m_exe + QStringLiteral(" not built")));
    }

    void dreamOptionsParse()
    {
        const auto parsed = parseCli(
            {"generate", "--model", "m", "--prompt", "p", "--sampler", "dream", "--alg", "topk_margin", "--alg-temp",
                "0.25", "--top-p", "0.9", "--sample-top-k", "20", "--eps", "0.002", "--max-new-tokens", "48"});
        QVERIFY2(parsed.ok(), parsed.error().c_str());
        const SettingsOverrides &o = std::get<GenerateArgs>(parsed->args).overrides;
        QCOMPARE(*o.sampler, SamplerKind::Dream);
        QCOMPARE(*o.alg, DreamAlg::TopkMargin);
        QCOMPARE(*o.algTemp, 0.25);
        QCOMPARE(*o.topP, 0.9);
        QCOMPARE(*o.sampleTopK, 20);
        QCOMPARE(*o.eps, 0.002);
        QCOMPARE(*o.genLength, 48);
        QVERIFY(!o.topK); // --sample-top-k is not --top-k
    }

    void badDreamValues_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mention");
        QTest::newRow("alg") << QStringList {QStringLiteral("--alg"), QStringLiteral("fastest")}
                             << QStringLiteral("--alg");
        QTest::newRow("top-p 0") << QStringList {QStringLiteral("--top-p"), QStringLiteral("0")}
                                 << QStringLiteral("--top-p");
        QTest::newRow("sampler") << QStringList {QStringLiteral("--sampler"), QStringLiteral("mdlm")}
                                 << QStringLiteral("--sampler");
        QTest::newRow("alg-temp") << QStringList {QStringLiteral("--alg-temp"), QStringLiteral("-1")}
                                  << QStringLiteral("--alg-temp");
    }
    void badDreamValues()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, mention);
        std::vector<std::string> line {"generate", "--model", "m", "--prompt", "p"};
        for (const QString &a : args)
            line.push_back(a.toStdString());
        const auto parsed = parseCli(line);
        QVERIFY(!parsed.ok());
        QVERIFY2(QString::fromStdString(parsed.error()).contains(mention), parsed.error().c_str());
    }

    /** An option of the sampler not in use: exit 2, naming the sampler and family that take it. */
    void inapplicableOptions_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("alg on LLaDA") << QStringList {QStringLiteral("--alg"), QStringLiteral("entropy")}
                                      << QStringLiteral("--alg applies to Dream models (sampler dream); this model "
                                                        "(llada) uses LLaDA's sampler");
        QTest::newRow("eps on LLaDA") << QStringList {QStringLiteral("--eps"), QStringLiteral("0.01")}
                                      << QStringLiteral("--eps applies to Dream models");
        QTest::newRow("block length on Dream")
            << QStringList {QStringLiteral("--sampler"), QStringLiteral("dream"), QStringLiteral("--block-length"),
                   QStringLiteral("4")}
            << QStringLiteral("--block-length applies to LLaDA and LLaDA-MoE models (sampler llada); this run "
                              "uses Dream's sampler (--sampler dream)");
        QTest::newRow("threshold on Dream") << QStringList {QStringLiteral("--sampler"), QStringLiteral("dream"),
            QStringLiteral("--threshold"), QStringLiteral("0.9")}
                                            << QStringLiteral("--threshold applies to LLaDA");
        QTest::newRow("cfg on Dream") << QStringList {QStringLiteral("--sampler"), QStringLiteral("dream"),
            QStringLiteral("--cfg"), QStringLiteral("1")}
                                      << QStringLiteral("--cfg applies to LLaDA");
        QTest::newRow("later blocks on Dream") << QStringList {QStringLiteral("--sampler"), QStringLiteral("dream"),
            QStringLiteral("--later-blocks"), QStringLiteral("skip")}
                                               << QStringLiteral("--later-blocks applies to LLaDA");
    }
    void inapplicableOptions()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        checkBadInput(runCli(args), message);
    }

    /** A Dream run end to end: the timeline says dream, every step records t, s and k, and counts add up. */
    void generateWithDreamSampler()
    {
        const QString path = m_dir.filePath(QStringLiteral("dream.json"));
        const auto r = runCli(
            {QStringLiteral("--sampler"), QStringLiteral("dream"), QStringLiteral("--alg"), QStringLiteral("entropy"),
                QStringLiteral("--max-new-tokens"), QStringLiteral("9"), QStringLiteral("--steps"), QStringLiteral("4"),
                QStringLiteral("--timeline"), path, QStringLiteral("--show")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("entropy: k = ")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("from the schedule at t=1 -> s=")), qPrintable(r.out));
        const auto t = loadTimeline(path.toStdString());
        QVERIFY2(t.ok(), t.error().c_str());
        QCOMPARE(t->settings.sampler, SamplerKind::Dream);
        QCOMPARE(t->settings.alg, DreamAlg::Entropy);
        QCOMPARE(t->settings.genLength, 9);
        QCOMPARE(t->model.family, std::string("llada"));
        const Branch &b = t->branch(0);
        QCOMPARE(b.size(), 5);
        int revealed = 0;
        for (int i = 1; i < b.size(); ++i) {
            const StepRecord &s = b.at(i);
            QCOMPARE(s.sampler, SamplerKind::Dream);
            QCOMPARE(s.transferCount, static_cast<int>(s.committed.size()));
            QVERIFY(s.scheduleS < s.scheduleT);
            revealed += s.transferCount;
        }
        QCOMPARE(revealed, 9);
        // By hand: linspace(1, 1e-3, 5) = 1, .75025, .5005, .25075, .001 and 9 masks give int(9 * .24975) = 2,
        // int(7 * .3329) = 2, int(5 * .499) = 2, and the 3 left on the last step.
        QCOMPARE(b.at(1).transferCount, 2);
        QCOMPARE(b.at(2).transferCount, 2);
        QCOMPARE(b.at(3).transferCount, 2);
        QCOMPARE(b.at(4).transferCount, 3);
    }

    void originShowsIndependentReveals()
    {
        const auto r = runCli({QStringLiteral("--sampler"), QStringLiteral("dream"), QStringLiteral("--gen-length"),
            QStringLiteral("6"), QStringLiteral("--steps"), QStringLiteral("3"), QStringLiteral("--show")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("origin: independent reveals with p = 1 - s/t")), qPrintable(r.out));
    }
};

QTEST_GUILESS_MAIN(TestCliDream)
#include "test_cli_dream.moc"
