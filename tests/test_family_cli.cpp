// dlmstudio-cli on Dream and LLaDA-MoE fixtures: `info` names the family, shows the special ids a run uses, and
// refuses bad checkpoints with one line and exit 2 (heads that do not divide, a missing bias, a missing expert,
// top-k over the expert count), `forward` prints Dream's shifted logits, and `generate` runs end to end with
// LLaDA's sampler.
#include "tiny_family_model.h"

#include "cli_process.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace dlm;
using dlm::testing::checkBadInput;
using dlm::testing::ProcessResult;
using dlm::testing::TinyFamilyOptions;

class TestFamilyCli : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_exe, m_dream, m_moe;
    int m_count = 0;

    ProcessResult runCli(const QStringList &args) { return testing::runProcess(m_exe, args); }

    QString write(const TinyFamilyOptions &options)
    {
        const QString dir = m_tmp.filePath(QStringLiteral("model-%1").arg(++m_count));
        auto written = testing::writeTinyFamilyModel(dir.toStdString(), options);
        if (!written)
            qFatal("%s", written.error().c_str());
        return dir;
    }

    static TinyFamilyOptions moe()
    {
        TinyFamilyOptions o;
        o.family = ModelFamily::LladaMoe;
        return o;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_exe = QCoreApplication::applicationDirPath() + QStringLiteral("/dlmstudio-cli");
        m_dream = write({});
        m_moe = write(moe());
    }

    void infoNamesTheFamily_data()
    {
        QTest::addColumn<bool>("isMoe");
        QTest::newRow("dream") << false;
        QTest::newRow("llada-moe") << true;
    }

    void infoNamesTheFamily()
    {
        QFETCH(bool, isMoe);
        const ProcessResult r = runCli({QStringLiteral("info"), QStringLiteral("--model"), isMoe ? m_moe : m_dream});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(j.value(QStringLiteral("family")).toString(),
            isMoe ? QStringLiteral("llada-moe") : QStringLiteral("dream"));
        const QJsonObject config = j.value(QStringLiteral("config")).toObject();
        QCOMPARE(config.value(QStringLiteral("architectures")).toArray().first().toString(),
            isMoe ? QStringLiteral("LLaDAMoEModelLM") : QStringLiteral("DreamModel"));
        // The parameters the table implies are the parameters in the file.
        QCOMPARE(j.value(QStringLiteral("parameters_from_config")).toDouble(),
            j.value(QStringLiteral("parameters")).toDouble());
    }

    // special_ids and special_id_sources name the same ids, and they are the ones a run uses (its timeline's
    // mask and eos). LLaDA-MoE's config.json names no mask: the tiny tokenizer's <|mdm_mask|> piece (id 3) is
    // it, as LLaDA-MoE's tokenizer names it; `info` printed null there while the engine used 3.
    void infoSpecialIdsAreTheEngines_data()
    {
        QTest::addColumn<bool>("isMoe");
        QTest::addColumn<QString>("maskFrom");
        QTest::newRow("dream") << false << QStringLiteral("config.json");
        QTest::newRow("llada-moe") << true << QStringLiteral("tokenizer piece <|mdm_mask|>");
    }
    void infoSpecialIdsAreTheEngines()
    {
        QFETCH(bool, isMoe);
        QFETCH(QString, maskFrom);
        const QString model = isMoe ? m_moe : m_dream;
        const ProcessResult r = runCli({QStringLiteral("info"), QStringLiteral("--model"), model});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const QJsonObject ids = j.value(QStringLiteral("special_ids")).toObject();
        const QJsonObject sources = j.value(QStringLiteral("special_id_sources")).toObject();
        for (const QString &name :
            {QStringLiteral("mask"), QStringLiteral("eos"), QStringLiteral("bos"), QStringLiteral("pad")}) {
            const QJsonValue source
                = sources.value(name + QStringLiteral("_token_id")).toObject().value(QStringLiteral("id"));
            QVERIFY2(ids.value(name) == source, qPrintable(name));
        }
        QCOMPARE(ids.value(QStringLiteral("mask")).toInt(-1), 3);
        QCOMPARE(sources.value(QStringLiteral("mask_token_id")).toObject().value(QStringLiteral("from")).toString(),
            maskFrom);
        QCOMPARE(ids.value(QStringLiteral("eos")).toInt(-1), 4); // config.json's eos_token_id

        const QString timeline = m_tmp.filePath(QStringLiteral("ids-%1.json").arg(isMoe ? 1 : 0));
        const ProcessResult g = runCli({QStringLiteral("generate"), QStringLiteral("--model"), model,
            QStringLiteral("--prompt"), QStringLiteral("the cat"), QStringLiteral("--gen-length"), QStringLiteral("4"),
            QStringLiteral("--steps"), QStringLiteral("2"), QStringLiteral("--timeline"), timeline});
        QVERIFY2(g.exitCode == 0, qPrintable(g.err));
        QFile file(timeline);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject made
            = QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("model")).toObject();
        QCOMPARE(made.value(QStringLiteral("mask_id")), ids.value(QStringLiteral("mask")));
        QCOMPARE(made.value(QStringLiteral("eos_id")), ids.value(QStringLiteral("eos")));
    }

    void badCheckpoints_data()
    {
        QTest::addColumn<QString>("dir");
        QTest::addColumn<QString>("message");
        TinyFamilyOptions heads;
        heads.configOverrides["num_attention_heads"] = "5";
        QTest::newRow("heads do not divide hidden_size")
            << write(heads) << QStringLiteral("$.num_attention_heads: hidden_size (32) must be divisible");
        TinyFamilyOptions bias;
        bias.omitTensor = "model.layers.1.self_attn.k_proj.bias";
        QTest::newRow("missing bias") << write(bias)
                                      << QStringLiteral("missing tensor 'model.layers.1.self_attn.k_proj.bias'");
        TinyFamilyOptions expert = moe();
        expert.omitTensor = "model.layers.0.mlp.experts.7.up_proj.weight";
        QTest::newRow("missing expert") << write(
            expert) << QStringLiteral("missing tensor 'model.layers.0.mlp.experts.7.up_proj.weight'");
        TinyFamilyOptions topK = moe();
        topK.configOverrides["num_experts_per_tok"] = "9";
        QTest::newRow("top-k over the experts")
            << write(topK) << QStringLiteral("num_experts_per_tok (9) must not exceed num_experts (8)");
        TinyFamilyOptions unknown;
        unknown.configOverrides["architectures"] = R"(["MysteryLM"])";
        QTest::newRow("unknown architecture") << write(unknown) << QStringLiteral("unknown architecture 'MysteryLM'");
    }

    void badCheckpoints()
    {
        QFETCH(QString, dir);
        QFETCH(QString, message);
        checkBadInput(runCli({QStringLiteral("info"), QStringLiteral("--model"), dir}), message);
        checkBadInput(runCli({QStringLiteral("generate"), QStringLiteral("--model"), dir, QStringLiteral("--prompt"),
                          QStringLiteral("the cat")}),
            message);
    }

    void forwardPrintsShiftedLogits()
    {
        const ProcessResult r = runCli({QStringLiteral("forward"), QStringLiteral("--model"), m_dream,
            QStringLiteral("--ids"), QStringLiteral("1,17,3,42"), QStringLiteral("--full-logits")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonArray rows
            = QJsonDocument::fromJson(r.out.toUtf8()).object().value(QStringLiteral("logits")).toArray();
        QCOMPARE(rows.size(), 4);
        // Positions 0 and 1 both show position 0's raw logits.
        QCOMPARE(rows.at(1).toArray(), rows.at(0).toArray());
        QVERIFY(rows.at(2).toArray() != rows.at(1).toArray());
        const ProcessResult help = runCli({QStringLiteral("forward"), QStringLiteral("--help")});
        QVERIFY(help.out.contains(QStringLiteral("already shifted")));
    }

    void generateEndToEnd_data()
    {
        QTest::addColumn<bool>("isMoe");
        QTest::newRow("dream") << false;
        QTest::newRow("llada-moe") << true;
    }

    void generateEndToEnd()
    {
        QFETCH(bool, isMoe);
        const ProcessResult r = runCli({QStringLiteral("generate"), QStringLiteral("--model"), isMoe ? m_moe : m_dream,
            QStringLiteral("--prompt"), QStringLiteral("the cat"), QStringLiteral("--gen-length"), QStringLiteral("8"),
            QStringLiteral("--steps"), QStringLiteral("4")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(!r.out.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestFamilyCli)
#include "test_family_cli.moc"
