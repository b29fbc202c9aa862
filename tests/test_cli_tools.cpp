// dlmstudio-cli's model-building commands end to end: tokenize a text, train a tiny model on it, evaluate
// and generate with the result; stop a run with SIGTERM and export its checkpoint.

#include "tiny_model.h"

#include "cli_process.h"

#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

using namespace dlm;
using dlm::testing::checkBadInput;
using dlm::testing::ProcessResult;

class TestCliTools : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_model;
    QString m_exe;
    ModelConfig m_config;

    ProcessResult runCli(const QStringList &args) { return testing::runProcess(m_exe, args); }

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
        // The exported config.json is one LLaDA's own code loads as this architecture (rotary, not learned, positions).
        QFile exported(out + QStringLiteral("/model/config.json"));
        QVERIFY(exported.open(QIODevice::ReadOnly));
        const QJsonObject written = QJsonDocument::fromJson(exported.readAll()).object();
        QCOMPARE(written.value(QStringLiteral("rope")), QJsonValue(true));
        QCOMPARE(
            written.value(QStringLiteral("architectures")).toArray(), QJsonArray({QStringLiteral("LLaDAModelLM")}));

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
};

QTEST_GUILESS_MAIN(TestCliTools)
#include "test_cli_tools.moc"
