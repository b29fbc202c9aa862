// Ctrl-C during `generate`, in-process on a tiny model: SIGINT raised from inside a step (the layer observer)
// stops that step within one layer, keeps the records so far (the timeline file holds them, equal to an
// uninterrupted run's), prints "stopped after step N of M" and exits 130; the handler before comes back; a
// second SIGINT ends the process; a background job's ignored SIGINT stays ignored. `--show` on a terminal
// draws a progress line during a slow step, and nothing of it on a pipe.
#include "app/cli/cli_args.h"
#include "app/cli/cli_interrupt.h"
#include "app/cli/commands.h"

#include "core/timeline/timeline_json.h"
#include "tiny_model.h"

#include "cli_process.h"

#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <csignal>
#include <sstream>

#include <sys/wait.h>
#include <unistd.h>

using namespace dlm;

namespace {

constexpr int kLayers = 3;

volatile std::sig_atomic_t g_outerHandlerCalls = 0;
extern "C" void outerHandler(int)
{
    g_outerHandlerCalls = g_outerHandlerCalls + 1;
}

/** The handler SIGINT has now. */
void (*currentHandler())(int)
{
    struct sigaction now
    {
    };
    sigaction(SIGINT, nullptr, &now);
    return now.sa_handler;
}

struct Outcome
{
    int code = -1;
    std::string out, err;
};

} // namespace

class TestCliInterrupt : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_model;

    GenerateArgs args(const QString &timeline = {}) const
    {
        QStringList list = {QStringLiteral("generate"), QStringLiteral("--model"), m_model, QStringLiteral("--prompt"),
            QStringLiteral("The cat"), QStringLiteral("--gen-length"), QStringLiteral("16"), QStringLiteral("--steps"),
            QStringLiteral("8"), QStringLiteral("--block-length"), QStringLiteral("16"),
            QStringLiteral("--temperature"), QStringLiteral("0.7"), QStringLiteral("--seed"), QStringLiteral("5")};
        if (!timeline.isEmpty())
            list << QStringLiteral("--timeline") << timeline;
        auto parsed = parseCli(testing::toStdArgs(list));
        if (!parsed.ok())
            qFatal("%s", parsed.error().c_str());
        return std::get<GenerateArgs>(parsed->args);
    }

    static Outcome generate(const GenerateArgs &a, const LayerObserver &observer, bool terminal = false)
    {
        TerminalInfo t;
        t.stdoutIsTerminal = terminal;
        std::ostringstream out, err;
        Outcome o;
        o.code = runGenerate(a, t, out, err, observer);
        o.out = out.str();
        o.err = err.str();
        return o;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_model = m_dir.filePath(QStringLiteral("tiny-model"));
        testing::TinyModelOptions options;
        options.nLayers = kLayers;
        auto written = testing::writeTinyModel(m_model.toStdString(), options);
        QVERIFY2(written.ok(), written.ok() ? "" : written.error().c_str());
    }

    void sigintStopsWithinOneLayerAndKeepsTheRecords()
    {
        const QString fullPath = m_dir.filePath(QStringLiteral("full.json"));
        const Outcome full = generate(args(fullPath), {});
        QCOMPARE(full.code, 0);

        // An outer handler, as a host program may have: the command must give SIGINT back to it.
        struct sigaction outer
        {
        }, before {};
        sigemptyset(&outer.sa_mask);
        outer.sa_handler = outerHandler;
        sigaction(SIGINT, &outer, &before);

        const QString path = m_dir.filePath(QStringLiteral("stopped.json"));
        bool raised = false;
        int stagesAfterRaise = 0;
        const Outcome o = generate(args(path), [&](int step, int done, int total) {
            QCOMPARE(total, kLayers + 1);
            if (raised) {
                ++stagesAfterRaise;
            } else if (step == 3 && done == 1) {
                raised = true;
                raise(SIGINT); // Ctrl-C while step 3 computes
            }
        });
        const auto handlerAfter = currentHandler();
        sigaction(SIGINT, &before, nullptr);

        QVERIFY(raised);
        QCOMPARE(stagesAfterRaise, 0); // the step ended at the layer it was in
        QCOMPARE(o.code, 130);
        QCOMPARE(o.err, std::string("dlmstudio-cli: stopped after step 2 of 8 (Ctrl-C)\n"));
        QVERIFY2(o.out.find("step 2/8") != std::string::npos, o.out.c_str()); // the canvas so far
        QVERIFY(handlerAfter == outerHandler);
        QCOMPARE(int(g_outerHandlerCalls), 0); // the command's handler took the Ctrl-C, not the outer one

        // The file holds the records computed before the stop, the same as the uninterrupted run's.
        auto stopped = loadTimeline(path.toStdString());
        QVERIFY2(stopped.ok(), stopped.ok() ? "" : stopped.error().c_str());
        auto complete = loadTimeline(fullPath.toStdString());
        QVERIFY(complete.ok());
        const Branch &a = stopped->branch(0), &b = complete->branch(0);
        QCOMPARE(a.size(), 3);
        QCOMPARE(b.size(), 9);
        for (int i = 0; i < a.size(); ++i) {
            QCOMPARE(a.at(i).tokens, b.at(i).tokens);
            QCOMPARE(a.at(i).candidates, b.at(i).candidates);
        }
    }

    void progressLineOnATerminalOnly_data()
    {
        QTest::addColumn<bool>("terminal");
        QTest::newRow("terminal") << true;
        QTest::newRow("pipe") << false;
    }

    void progressLineOnATerminalOnly()
    {
        QFETCH(bool, terminal);
        GenerateArgs a = args();
        a.show = true;
        const Outcome o = generate(
            a,
            [](int step, int done, int) {
                // Step 1 waits 150 ms in its first layer: slower than the 100 ms after which a step reports,
                // whatever the machine's speed.
                if (step == 1 && done == 1)
                    QThread::msleep(150);
            },
            terminal);
        QCOMPARE(o.code, 0);
        const std::string line = "\rstep 1 \u00b7 layer 2 of 4\x1b[K";
        QCOMPARE(o.out.find(line) != std::string::npos, terminal);
        if (!terminal) // a pipe gets the frames and nothing that moves a cursor
            QVERIFY(o.out.find_first_of("\r\x1b") == std::string::npos);
    }

    void secondSigintEndsTheProcess()
    {
        const pid_t child = fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            // Only async-signal-safe calls here: the parent has other threads.
            const InterruptScope scope;
            raise(SIGINT);
            if (!InterruptScope::requested())
                _exit(3);
            raise(SIGINT); // the default action ends the process here
            _exit(4);
        }
        int status = 0;
        QCOMPARE(waitpid(child, &status, 0), child);
        QVERIFY2(WIFSIGNALED(status), qPrintable(QStringLiteral("exit status %1").arg(WEXITSTATUS(status))));
        QCOMPARE(WTERMSIG(status), SIGINT);
    }

    void ignoredSigintStaysIgnored()
    {
        // A shell starts background jobs with SIGINT ignored.
        struct sigaction ignore
        {
        }, before {};
        sigemptyset(&ignore.sa_mask);
        ignore.sa_handler = SIG_IGN;
        sigaction(SIGINT, &ignore, &before);
        bool requested = true;
        {
            const InterruptScope scope;
            raise(SIGINT);
            requested = InterruptScope::requested();
        }
        const auto after = currentHandler();
        sigaction(SIGINT, &before, nullptr);
        QVERIFY(!requested);
        QVERIFY(after == SIG_IGN);
    }
};

QTEST_GUILESS_MAIN(TestCliInterrupt)
#include "test_cli_interrupt.moc"
