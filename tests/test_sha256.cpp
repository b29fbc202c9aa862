// SHA-256 against the FIPS 180-4 / NIST example vectors, plus padding-boundary lengths and the streamed
// file path.

#include "core/base/sha256.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

class TestSha256 : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void vectors_data()
    {
        QTest::addColumn<QByteArray>("message");
        QTest::addColumn<QString>("digest");

        QTest::newRow("empty") << QByteArray()
                               << QStringLiteral("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        QTest::newRow("abc") << QByteArray("abc")
                             << QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        QTest::newRow("448-bit") << QByteArray("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                                 << QStringLiteral("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        QTest::newRow("896-bit")
            << QByteArray("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopq"
                          "rstnopqrstu")
            << QStringLiteral("cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
        QTest::newRow("million a") << QByteArray(1000000, 'a')
                                   << QStringLiteral("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

        // Lengths around the 55/56-byte padding boundary and the 64-byte block size, where off-by-one errors
        // in the padding hide.
        const std::pair<int, const char *> boundaries[] = {
            {55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072"},
            {56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e"},
            {57, "ae14a2563ccf969d99aca69ce6bb74981f734bbf9f655f73b8f06db68cab5217"},
            {63, "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2"},
            {64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c"},
            {65, "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9"},
            {119, "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c"},
            {120, "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f37308b276ba98"},
            {128, "24da1b81d0b16df6428eee73c69fcb2a93c76bc6df706f0c6670fe6bfe800464"},
        };
        for (const auto &b : boundaries)
            QTest::addRow("%d x", b.first) << QByteArray(b.first, 'x') << QString::fromLatin1(b.second);
    }

    void vectors()
    {
        QFETCH(QByteArray, message);
        QFETCH(QString, digest);
        const std::string bytes(message.constData(), size_t(message.size()));
        QCOMPARE(QString::fromStdString(dlm::sha256Hex(bytes)), digest);

        // Feeding odd-sized pieces must give the same digest as one call.
        dlm::Sha256 incremental;
        size_t pos = 0;
        size_t piece = 1;
        while (pos < bytes.size()) {
            const size_t n = std::min(piece, bytes.size() - pos);
            incremental.update(bytes.data() + pos, n);
            pos += n;
            piece = piece * 3 % 97 + 1;
        }
        QCOMPARE(QString::fromStdString(incremental.finishHex()), digest);
    }

    void file()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath(QStringLiteral("million.txt")).toStdString();
        {
            std::ofstream out(path, std::ios::binary);
            out << std::string(1000000, 'a');
        }
        const dlm::Result<std::string> digest = dlm::sha256File(path);
        QVERIFY2(digest.ok(), digest.error().c_str());
        QCOMPARE(*digest, std::string("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
    }

    void missingFile()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("nope.bin")).toStdString();
        const dlm::Result<std::string> digest = dlm::sha256File(path);
        QVERIFY(!digest.ok());
        QVERIFY2(digest.error().find(path) != std::string::npos, digest.error().c_str());
    }
};

QTEST_GUILESS_MAIN(TestSha256)
#include "test_sha256.moc"
