// The `export` command of dlmstudio-cli: each format written to stdout and to a file, the JSON round trip,
// and the messages for bad input, on the timeline of test_exports_fixture.h.

#include "app/cli/cli_args.h"
#include "app/cli/cli_export_args.h"
#include "app/cli/commands.h"

#include "core/export/html_player.h"
#include "core/export/timeline_csv.h"
#include "core/export/timeline_table.h"

#include "cli_process.h"
#include "test_exports_fixture.h"

#include <QtTest>

#include <QDir>
#include <QFile>
#include <QProcess>

#include <sstream>

using namespace dlm;
using namespace dlm::testing;

class TestExportsCli : public QObject
{
    Q_OBJECT

private:
    ExportFixture m_f;
    QString m_exe; ///< dlmstudio-cli next to this test

    ProcessResult runCli(const QStringList &args) { return runProcess(m_exe, args, 120000); }

    /** export in-process; returns the exit code, stdout and stderr. */
    static int exportInProcess(const QStringList &args, std::string *out, std::string *err)
    {
        std::vector<std::string> list = {"export"};
        for (const QString &a : args)
            list.push_back(a.toStdString());
        auto parsed = parseCli(list);
        if (!parsed) {
            *err = parsed.error();
            return ExitBadInput;
        }
        std::ostringstream o, e;
        const int code = runCommand(*parsed, o, e);
        *out = o.str();
        *err = e.str();
        return code;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const std::string problem = m_f.make();
        QVERIFY2(problem.empty(), problem.c_str());
        m_exe = QCoreApplication::applicationDirPath() + QStringLiteral("/dlmstudio-cli");
        QVERIFY2(QFileInfo(m_exe).isExecutable(), qPrintable(m_exe + QStringLiteral(" not built")));
    }

    // --- the export command --------------------------------------------------------------------------------

    void jsonRoundTripIsByteIdentical()
    {
        QFile original(m_f.timelinePath);
        QVERIFY(original.open(QIODevice::ReadOnly));
        const QByteArray bytes = original.readAll();

        const QString copy = m_f.dir.filePath(QStringLiteral("copy.json"));
        const ProcessResult r = runCli({QStringLiteral("export"), QStringLiteral("--timeline"), m_f.timelinePath,
            QStringLiteral("--format"), QStringLiteral("json"), QStringLiteral("--out"), copy});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.rawOut.isEmpty());
        QFile written(copy);
        QVERIFY(written.open(QIODevice::ReadOnly));
        QCOMPARE(written.readAll(), bytes);

        const ProcessResult toStdout = runCli({QStringLiteral("export"), QStringLiteral("--timeline"), m_f.timelinePath,
            QStringLiteral("--format=json")});
        QVERIFY2(toStdout.exitCode == 0, qPrintable(toStdout.err));
        QCOMPARE(toStdout.rawOut, bytes);
    }

    void cliWritesEachFormat_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QStringList>("extra");
        QTest::newRow("csv") << "csv" << QStringList();
        QTest::newRow("csv branch 1") << "csv" << QStringList {QStringLiteral("--branch"), QStringLiteral("1")};
        QTest::newRow("md steps") << "md" << QStringList {QStringLiteral("--step"), QStringLiteral("0, 2,4")};
        QTest::newRow("tex") << "tex" << QStringList();
        QTest::newRow("html start") << "html" << QStringList {QStringLiteral("--step"), QStringLiteral("3")};
    }
    void cliWritesEachFormat()
    {
        QFETCH(QString, format);
        QFETCH(QStringList, extra);
        const QStringList base
            = QStringList {QStringLiteral("--timeline"), m_f.timelinePath, QStringLiteral("--format"), format} + extra;
        std::string out, err;
        QCOMPARE(exportInProcess(base, &out, &err), 0);
        QVERIFY2(err.empty(), err.c_str());

        // What the command prints is what the core exporter makes from the file.
        auto loaded = loadTimeline(m_f.timelinePath.toStdString());
        QVERIFY(loaded.ok());
        Result<std::string> expected = std::string();
        if (format == QStringLiteral("csv"))
            expected = timelineToCsv(*loaded, {extra.isEmpty() ? kAllBranches : 1, {}});
        else if (format == QStringLiteral("md"))
            expected = timelineTable(*loaded, TableFormat::Markdown, {0, {0, 2, 4}});
        else if (format == QStringLiteral("tex"))
            expected = timelineTable(*loaded, TableFormat::Latex, {0, {}});
        else
            expected = timelinePlayerHtml(*loaded, {0, 3});
        QVERIFY(expected.ok());
        QCOMPARE(out, *expected);

        // --out writes the same bytes, atomically: nothing else is left in the folder.
        QTemporaryDir outDir;
        const QString path = outDir.filePath(QStringLiteral("export.") + format);
        QCOMPARE(exportInProcess(QStringList(base) << QStringLiteral("--out") << path, &out, &err), 0);
        QVERIFY(out.empty());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll().toStdString(), *expected);
        QCOMPARE(QDir(outDir.path()).entryList(QDir::Files | QDir::Hidden).size(), 1);
    }

    void cliErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const auto L = [](const char *s) { return QString::fromLatin1(s).split(QLatin1Char(' ')); };
        QTest::newRow("unwritable /proc")
            << L("--timeline TIMELINE --format csv --out /proc/x/y.csv") << "cannot write the export to /proc/x/y.csv";
        QTest::newRow("missing folder") << L("--timeline TIMELINE --format md --out DIR/missing/y.md")
                                        << "DIR/missing/y.md: folder DIR/missing does not exist";
        QTest::newRow("out is a folder") << L("--timeline TIMELINE --format tex --out DIR") << "DIR: it is a directory";
        QTest::newRow("step out of range")
            << L("--timeline TIMELINE --format md --step 0,99") << "step 99 is out of range: branch 0 has records 0..";
        QTest::newRow("step not a number")
            << L("--timeline TIMELINE --format csv --step 1,x") << "--step: expected comma-separated record numbers";
        QTest::newRow("step negative") << L("--timeline TIMELINE --format csv --step -1") << "--step: expected";
        QTest::newRow("branch out of range") << L("--timeline TIMELINE --format html --branch 9")
                                             << "branch 9 does not exist: the timeline has branches 0..1";
        QTest::newRow("bad format")
            << L("--timeline TIMELINE --format docx")
            << "--format: expected json, csv, html, md, tex, png, svg, pdf, gif or frames, got \"docx\"";
        QTest::newRow("no format") << L("--timeline TIMELINE")
                                   << "--format json|csv|html|md|tex|png|svg|pdf|gif|frames is required";
        QTest::newRow("no timeline") << L("--format csv") << "--timeline FILE is required";
        QTest::newRow("json with step") << L("--timeline TIMELINE --format json --step 1")
                                        << "--step and --branch do not apply";
        QTest::newRow("html two steps") << L("--timeline TIMELINE --format html --step 1,2")
                                        << "html takes one record to start at";
        QTest::newRow("unknown option") << L("--timeline TIMELINE --format csv --model m")
                                        << "export: unknown option --model";
        QTest::newRow("missing file") << L("--timeline DIR/none.json --format csv") << "DIR/none.json: cannot open";
        QTest::newRow("not a timeline") << L("--timeline GARBAGE --format csv") << "not valid JSON";
    }
    void cliErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const QString garbage = m_f.dir.filePath(QStringLiteral("garbage.json"));
        QFile g(garbage);
        QVERIFY(g.open(QIODevice::WriteOnly));
        g.write("{\"format\": \"dlmstudio-timeline\", \"version\": 1, ");
        g.close();
        for (QString &a : args) {
            a.replace(QStringLiteral("TIMELINE"), m_f.timelinePath);
            a.replace(QStringLiteral("GARBAGE"), garbage);
            a.replace(QStringLiteral("DIR"), m_f.dir.path());
        }
        message.replace(QStringLiteral("DIR"), m_f.dir.path());

        const ProcessResult r = runCli(QStringList {QStringLiteral("export")} + args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.startsWith(QStringLiteral("dlmstudio-cli: ")), qPrintable(r.err));
        QCOMPARE(r.err.count(QLatin1Char('\n')), 1);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY(r.rawOut.isEmpty());
        QVERIFY(!QFileInfo::exists(m_f.dir.filePath(QStringLiteral("missing"))));
    }

    void helpListsEveryFormat()
    {
        const ProcessResult r = runCli({QStringLiteral("export"), QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        const QString help = r.out;
        for (const std::string &format : exportFormats())
            QVERIFY2(help.contains(QStringLiteral("  ") + QString::fromStdString(format) + QLatin1Char(' ')),
                format.c_str());
        for (const char *option : {"--figure", "--width", "--height", "--scale", "--fps"})
            QVERIFY2(help.contains(QLatin1String(option)), option);
        const ProcessResult top = runCli({QStringLiteral("--help")});
        QVERIFY(top.out.contains(QStringLiteral("  export ")));
    }
};

QTEST_GUILESS_MAIN(TestExportsCli)
#include "test_exports_cli.moc"
