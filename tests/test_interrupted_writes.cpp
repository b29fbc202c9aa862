// Interrupted writes lose nothing: `generate --timeline`, `export` (json, html, gif, frames, png) and the
// window's Save as run as child processes and are killed with SIGKILL at 20 seeded random moments each. After
// every kill the destination is the old file (or absent) or the complete new one, and after the next
// complete run no temporary file is left beside it.

#include "core/timeline/timeline_json.h"
#include "bad_input_fixtures.h"
#include "tiny_model.h"

#include <QtTest>

#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>

#include <random>

using namespace dlm;
using namespace dlm::testing;

namespace {

constexpr int kKills = 20;

enum class Kind { Timeline, Html, Gif, Png, Frames };

/** Why `path` is not a complete file of `kind`; empty when it is. */
QString incomplete(const QString &path, Kind kind)
{
    if (kind == Kind::Frames) {
        const QStringList frames = QDir(path).entryList({QStringLiteral("frame-*.png")}, QDir::Files, QDir::Name);
        if (frames.isEmpty())
            return QStringLiteral("a frames folder without frames");
        for (const QString &f : frames)
            if (QImage(path + QLatin1Char('/') + f).isNull())
                return f + QStringLiteral(" does not decode");
        return {};
    }
    const QByteArray bytes = readBytes(path);
    switch (kind) {
    case Kind::Timeline: {
        const auto t = loadTimeline(path.toStdString());
        return t ? QString() : QString::fromStdString(t.error());
    }
    case Kind::Html:
        return bytes.trimmed().endsWith("</html>") ? QString() : QStringLiteral("HTML without its end");
    case Kind::Gif:
        return bytes.startsWith("GIF89a") && bytes.endsWith(";") ? QString()
                                                                 : QStringLiteral("GIF without its trailer");
    case Kind::Png:
        return QImage::fromData(bytes, "PNG").isNull() ? QStringLiteral("PNG does not decode") : QString();
    case Kind::Frames:
        break;
    }
    return {};
}

QStringList temporariesOf(const QString &path)
{
    const QFileInfo info(path);
    return QDir(info.absolutePath())
        .entryList({QLatin1Char('.') + info.fileName() + QStringLiteral(".dlmtmp-*")},
            QDir::Files | QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot);
}

} // namespace

class TestInterruptedWrites : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_cli;
    QString m_saveLoop;
    QString m_model;
    QString m_timeline; ///< a 9-record run, the input of the exports (small: 140 processes start)
    std::mt19937 m_rng {20261127};

    QString path(const QString &name) const { return m_tmp.filePath(name); }

    /** Runs to the end; returns its wall time in ms, or -1 when it failed. */
    qint64 runToEnd(const QString &exe, const QStringList &args)
    {
        QProcess p;
        QElapsedTimer clock;
        clock.start();
        p.start(exe, args);
        if (!p.waitForFinished(120000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
            qWarning("%s", p.readAllStandardError().constData());
            return -1;
        }
        return clock.elapsed();
    }

    /**
     * Kills `exe args` kKills times at random moments spread over its normal run time `fullMs` (most near the
     * end, where the write happens), checking the destination after each; then runs it once to the end and
     * checks that no temporary file is left.
     */
    void killRepeatedly(const QString &exe, const QStringList &args, const QString &dest, Kind kind)
    {
        const QByteArray old = kind == Kind::Frames ? QByteArray() : readBytes(dest);
        const qint64 fullMs = runToEnd(exe, args);
        QVERIFY2(fullMs >= 0, "the uninterrupted run failed");
        std::uniform_real_distribution<double> when(0.3, 1.1);
        for (int k = 0; k < kKills; ++k) {
            QProcess p;
            p.start(exe, args);
            QVERIFY(p.waitForStarted());
            QTest::qWait(static_cast<int>(when(m_rng) * static_cast<double>(fullMs)));
            p.kill(); // SIGKILL
            p.waitForFinished();
            const bool exists = QFileInfo::exists(dest);
            if (kind != Kind::Frames && exists && readBytes(dest) == old)
                continue; // the old file, untouched
            if (!exists) {
                QVERIFY2(old.isEmpty(), "the old file is gone");
                continue;
            }
            const QString why = incomplete(dest, kind);
            QVERIFY2(why.isEmpty(), qPrintable(QStringLiteral("kill %1: %2").arg(k).arg(why)));
        }
        QVERIFY(runToEnd(exe, args) >= 0);
        QVERIFY2(temporariesOf(dest).isEmpty(), qPrintable(temporariesOf(dest).join(QLatin1Char(' '))));
        QVERIFY(incomplete(dest, kind).isEmpty());
    }

    QStringList exportArgs(const char *format, const QString &out) const
    {
        return {QStringLiteral("export"), QStringLiteral("--timeline"), m_timeline, QStringLiteral("--format"),
            QString::fromLatin1(format), QStringLiteral("--out"), out};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_cli = QCoreApplication::applicationDirPath() + QStringLiteral("/dlmstudio-cli");
        m_saveLoop = QCoreApplication::applicationDirPath() + QStringLiteral("/dlm-save-loop");
        QVERIFY2(QFileInfo(m_cli).isExecutable(), "dlmstudio-cli not built");
        QVERIFY2(QFileInfo(m_saveLoop).isExecutable(), "dlm-save-loop not built");
        m_model = path(QStringLiteral("model"));
        const auto written = writeTinyModel(m_model.toStdString());
        QVERIFY2(written.ok(), written.error().c_str());
        m_timeline = path(QStringLiteral("run.json"));
        QVERIFY(runToEnd(m_cli,
                    {QStringLiteral("generate"), QStringLiteral("--model"), m_model, QStringLiteral("--prompt"),
                        QStringLiteral("the cat"), QStringLiteral("--gen-length"), QStringLiteral("16"),
                        QStringLiteral("--steps"), QStringLiteral("8"), QStringLiteral("--block-length"),
                        QStringLiteral("16"), QStringLiteral("--timeline"), m_timeline})
            >= 0);
    }

    void generateTimeline()
    {
        const QString dest = path(QStringLiteral("gen.json"));
        QVERIFY(QFile::copy(m_timeline, dest)); // an old file to keep
        killRepeatedly(m_cli,
            {QStringLiteral("generate"), QStringLiteral("--model"), m_model, QStringLiteral("--prompt"),
                QStringLiteral("a dog"), QStringLiteral("--gen-length"), QStringLiteral("16"),
                QStringLiteral("--steps"), QStringLiteral("8"), QStringLiteral("--block-length"), QStringLiteral("16"),
                QStringLiteral("--timeline"), dest},
            dest, Kind::Timeline);
    }

    void exportJson()
    {
        const QString dest = path(QStringLiteral("export.json"));
        QVERIFY(writeBytes(dest, readBytes(m_timeline)));
        killRepeatedly(m_cli, exportArgs("json", dest), dest, Kind::Timeline);
    }

    void exportHtml()
    {
        killRepeatedly(m_cli, exportArgs("html", path(QStringLiteral("player.html"))),
            path(QStringLiteral("player.html")), Kind::Html);
    }
    void exportGif()
    {
        killRepeatedly(
            m_cli, exportArgs("gif", path(QStringLiteral("run.gif"))), path(QStringLiteral("run.gif")), Kind::Gif);
    }
    void exportPng()
    {
        killRepeatedly(
            m_cli, exportArgs("png", path(QStringLiteral("fig.png"))), path(QStringLiteral("fig.png")), Kind::Png);
    }

    void exportFrames()
    {
        // A folder that did not exist appears whole or not at all.
        const QString dest = path(QStringLiteral("frames"));
        const QStringList args = exportArgs("frames", dest);
        std::uniform_real_distribution<double> when(0.3, 1.1);
        const qint64 fullMs = runToEnd(m_cli, args);
        QVERIFY(fullMs >= 0);
        const int frames = QDir(dest).entryList({QStringLiteral("frame-*.png")}, QDir::Files).size();
        QVERIFY(frames > 1);
        for (int k = 0; k < kKills; ++k) {
            QDir(dest).removeRecursively();
            QProcess p;
            p.start(m_cli, args);
            QVERIFY(p.waitForStarted());
            QTest::qWait(static_cast<int>(when(m_rng) * static_cast<double>(fullMs)));
            p.kill();
            p.waitForFinished();
            if (!QFileInfo::exists(dest))
                continue;
            QVERIFY2(incomplete(dest, Kind::Frames).isEmpty(), qPrintable(incomplete(dest, Kind::Frames)));
            QCOMPARE(QDir(dest).entryList({QStringLiteral("frame-*.png")}, QDir::Files).size(), frames);
        }
        QDir(dest).removeRecursively();
        QVERIFY(runToEnd(m_cli, args) >= 0);
        QVERIFY2(temporariesOf(dest).isEmpty(), qPrintable(temporariesOf(dest).join(QLatin1Char(' '))));
    }

    void windowSaveAs()
    {
        const QString dest = path(QStringLiteral("saved.json"));
        QVERIFY(writeBytes(dest, "{\"format\": \"an old file that is not a timeline\"}"));
        const QByteArray old = readBytes(dest);
        std::uniform_int_distribution<int> when(300, 3000);
        for (int k = 0; k < kKills; ++k) {
            QProcess p;
            p.start(m_saveLoop, {m_timeline, dest});
            QVERIFY(p.waitForStarted());
            QTest::qWait(when(m_rng));
            p.kill();
            p.waitForFinished();
            const QByteArray now = readBytes(dest);
            if (now == old)
                continue;
            QVERIFY2(incomplete(dest, Kind::Timeline).isEmpty(), qPrintable(incomplete(dest, Kind::Timeline)));
        }
        QVERIFY(runToEnd(m_saveLoop, {m_timeline, dest, QStringLiteral("1")}) >= 0);
        QVERIFY2(temporariesOf(dest).isEmpty(), qPrintable(temporariesOf(dest).join(QLatin1Char(' '))));
        QVERIFY(incomplete(dest, Kind::Timeline).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestInterruptedWrites)
#include "test_interrupted_writes.moc"
