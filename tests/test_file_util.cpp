// core/base/file_util and atomic_file: only regular files are read or written as files, a FIFO never
// blocks, a device is never replaced, a failed write is reported, and temporaries are named and cleaned.

#include "core/base/atomic_file.h"
#include "core/base/file_util.h"

#include <QtTest>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <csignal>
#include <cstring>

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace dlm;

namespace {

std::string readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll().toStdString() : std::string("<unreadable>");
}

void writePlain(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

/** The PID of a process that has exited and been reaped: no process has it (until the kernel reuses it). */
pid_t deadPid()
{
    const pid_t child = ::fork();
    if (child == 0)
        ::_exit(0);
    int status = 0;
    ::waitpid(child, &status, 0);
    return child;
}

bool isFifo(const QString &path)
{
    struct stat st
    {
    };
    return ::lstat(QFile::encodeName(path).constData(), &st) == 0 && S_ISFIFO(st.st_mode);
}

} // namespace

class TestFileUtil : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path(const QString &name) const { return m_dir.filePath(name); }
    std::string spath(const QString &name) const { return path(name).toStdString(); }

    QString makeFifo(const QString &name)
    {
        const QString p = path(name);
        if (::mkfifo(QFile::encodeName(p).constData(), 0600) != 0)
            qFatal("mkfifo failed");
        return p;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void readingRefusesWhatIsNotARegularFile_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("message");
        QTest::newRow("character device") << "/dev/zero"
                                          << "/dev/zero: is a character device, expected a regular file";
        QTest::newRow("null device") << "/dev/null"
                                     << "/dev/null: is a character device, expected a regular file";
        QTest::newRow("directory") << "/"
                                   << "/: is a directory, expected a regular file";
        QTest::newRow("missing") << "/no/such/file"
                                 << "/no/such/file: cannot open: No such file or directory";
    }
    void readingRefusesWhatIsNotARegularFile()
    {
        QFETCH(QString, target);
        QFETCH(QString, message);
        const Result<std::string> read = readTextFile(target.toStdString());
        QVERIFY(!read.ok());
        QCOMPARE(QString::fromStdString(read.error()), message);
        QCOMPARE(QString::fromStdString(checkRegularFile(target.toStdString()).error()), message);
    }

    void aFifoNeverBlocks()
    {
        // No writer ever opens it: a blocking open() would hang this test until ctest kills it.
        const QString fifo = makeFifo(QStringLiteral("in.fifo"));
        const Result<std::string> read = readTextFile(fifo.toStdString());
        QVERIFY(!read.ok());
        QCOMPARE(QString::fromStdString(read.error()), fifo + QStringLiteral(": is a FIFO, expected a regular file"));
        const Result<int> fd = openRegularFile(fifo.toStdString());
        QVERIFY(!fd.ok());
    }

    void aRegularFileIsRead()
    {
        writePlain(path(QStringLiteral("plain.txt")), "hello");
        const Result<std::string> read = readTextFile(spath(QStringLiteral("plain.txt")));
        QVERIFY2(read.ok(), read.error().c_str());
        QCOMPARE(*read, std::string("hello"));
    }

    void writingRefusesNodes()
    {
        // A FIFO, a socket and a folder at the destination stay what they are, and nothing is left beside them.
        QTemporaryDir dir;
        const QString fifo = dir.filePath(QStringLiteral("out.fifo"));
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        Status s = writeFileAtomic(fifo.toStdString(), "data");
        QVERIFY(!s.ok());
        QCOMPARE(QString::fromStdString(s.error()),
            fifo + QStringLiteral(": is a FIFO, not a regular file; not writing to it"));
        QVERIFY(isFifo(fifo));

        const QString socketPath = dir.filePath(QStringLiteral("s.sock"));
        const int sock = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr {};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, QFile::encodeName(socketPath).constData(), sizeof addr.sun_path - 1);
        QCOMPARE(::bind(sock, reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);
        s = writeFileAtomic(socketPath.toStdString(), "data");
        ::close(sock);
        QVERIFY(!s.ok());
        QVERIFY2(s.error().find("is a socket, not a regular file") != std::string::npos, s.error().c_str());

        s = writeFileAtomic(dir.path().toStdString(), "data");
        QVERIFY(!s.ok());
        QVERIFY2(s.error().find("is a directory, not a regular file") != std::string::npos, s.error().c_str());
        QCOMPARE(
            QDir(dir.path()).entryList(QDir::AllEntries | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot).size(),
            2);
    }

    void writingRefusesDevices()
    {
        for (const char *device : {"/dev/null", "/dev/full"}) {
            const Status s = writeFileAtomic(device, "data");
            QVERIFY(!s.ok());
            QCOMPARE(s.error(), std::string(device) + ": is a character device, not a regular file; not writing to it");
            struct stat st
            {
            };
            QVERIFY(::stat(device, &st) == 0 && S_ISCHR(st.st_mode));
        }
    }

    void aFullDiskIsReported()
    {
        // RLIMIT_FSIZE in a child stands for a full disk: the write fails part-way (EFBIG), which must come
        // back as a failure, and the old file must stay.
        const QString target = path(QStringLiteral("limited.txt"));
        writePlain(target, "old contents");
        const pid_t child = ::fork();
        if (child == 0) {
            ::signal(SIGXFSZ, SIG_IGN);
            const rlimit limit {4096, 4096};
            ::setrlimit(RLIMIT_FSIZE, &limit);
            const Status s = writeFileAtomic(target.toStdString(), std::string(100000, 'x'));
            ::_exit(!s.ok() && s.error().find("write failed: File too large") != std::string::npos ? 7 : 1);
        }
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        QVERIFY(WIFEXITED(status));
        QCOMPARE(WEXITSTATUS(status), 7);
        QCOMPARE(readAll(target), std::string("old contents"));
        QCOMPARE(
            QDir(m_dir.path()).entryList({QStringLiteral(".limited.txt.dlmtmp-*")}, QDir::Hidden | QDir::Files).size(),
            0);
    }

    void temporaryIsNamedAndStaleOnesAreRemoved()
    {
        QTemporaryDir dir;
        const std::string target = dir.filePath(QStringLiteral("run.json")).toStdString();
        QCOMPARE(temporaryPrefix(target), std::string(".run.json.dlmtmp-"));

        // Left by a process that died, by one that lives (this one's parent) and one not ours by name.
        const QString dead = dir.filePath(QStringLiteral(".run.json.dlmtmp-%1").arg(deadPid()));
        const QString deadFolder = dir.filePath(QStringLiteral(".run.json.dlmtmp-%1.2").arg(deadPid()));
        const QString alive = dir.filePath(QStringLiteral(".run.json.dlmtmp-%1").arg(::getppid()));
        const QString other = dir.filePath(QStringLiteral(".other.json.dlmtmp-%1").arg(deadPid()));
        writePlain(dead, "partial");
        QVERIFY(QDir().mkpath(deadFolder));
        writePlain(deadFolder + QStringLiteral("/frame-0000.png"), "partial");
        writePlain(alive, "in progress");
        writePlain(other, "partial");

        AtomicFile file;
        const Status opened = file.open(target);
        QVERIFY2(opened.ok(), opened.error().c_str());
        QCOMPARE(QString::fromStdString(file.temporaryPath()),
            dir.filePath(QStringLiteral(".run.json.dlmtmp-%1").arg(::getpid())));
        QVERIFY(!QFileInfo::exists(dead));
        QVERIFY(!QFileInfo::exists(deadFolder));
        QVERIFY(QFileInfo::exists(alive));
        QVERIFY(QFileInfo::exists(other));
        QVERIFY(file.write("new").ok());
        QVERIFY(file.commit().ok());
        QCOMPARE(readAll(QString::fromStdString(target)), std::string("new"));
        QVERIFY(!QFileInfo::exists(QString::fromStdString(file.temporaryPath())));
    }

    void cancelLeavesTheOldFile()
    {
        const QString target = path(QStringLiteral("keep.txt"));
        writePlain(target, "old");
        std::string tmp;
        {
            AtomicFile file;
            QVERIFY(file.open(target.toStdString()).ok());
            QVERIFY(file.write("half of the new").ok());
            tmp = file.temporaryPath();
            QVERIFY(QFileInfo::exists(QString::fromStdString(tmp)));
        } // destroyed without commit
        QVERIFY(!QFileInfo::exists(QString::fromStdString(tmp)));
        QCOMPARE(readAll(target), std::string("old"));
    }

    void modeOfTheReplacedFileIsKept()
    {
        const QString target = path(QStringLiteral("mode.txt"));
        writePlain(target, "old");
        QVERIFY(QFile::setPermissions(target, QFile::ReadOwner | QFile::WriteOwner));
        QVERIFY(writeFileAtomic(target.toStdString(), "new").ok());
        struct stat st
        {
        };
        QCOMPARE(::stat(QFile::encodeName(target).constData(), &st), 0);
        QCOMPARE(st.st_mode & 07777, mode_t(0600));
    }
};

QTEST_GUILESS_MAIN(TestFileUtil)
#include "test_file_util.moc"
