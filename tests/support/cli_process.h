#pragma once
// Running a built executable from a test and collecting what it said: the CLI tests check exit codes and
// the one-line messages on stderr of the real program, not just of the library behind it.

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QtTest>

#include <string>
#include <vector>

namespace dlm::testing {

struct ProcessResult
{
    int exitCode = -1; ///< -1 when it crashed or timed out
    QByteArray rawOut; ///< stdout byte for byte (exports compare files with it)
    QString out; ///< stdout as UTF-8 text
    QString err;
};

/** Runs `exe` with `args`, waiting at most `timeoutMs`; a hung process is killed and reported. */
inline ProcessResult runProcess(const QString &exe, const QStringList &args, int timeoutMs = 180000)
{
    QProcess p;
    p.start(exe, args);
    ProcessResult r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("timed out");
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.rawOut = p.readAllStandardOutput();
    r.out = QString::fromUtf8(r.rawOut);
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

/** Checks the CLI's bad-input contract: exit status 2 and exactly one "dlmstudio-cli: ..." line on stderr
 *  that mentions `mustMention`. */
inline void checkBadInput(const ProcessResult &r, const QString &mustMention)
{
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.startsWith(QStringLiteral("dlmstudio-cli: ")), qPrintable(r.err));
    QCOMPARE(r.err.count(QLatin1Char('\n')), 1);
    QVERIFY2(r.err.contains(mustMention), qPrintable(r.err));
}

/** Arguments as parseCli takes them. */
inline std::vector<std::string> toStdArgs(const QStringList &list)
{
    std::vector<std::string> args;
    for (const QString &s : list)
        args.push_back(s.toStdString());
    return args;
}

} // namespace dlm::testing
