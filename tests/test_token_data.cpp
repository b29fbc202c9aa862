// Token files (core/train/token_data): the reader's checks, from bytes and from a file, without LibTorch.
#include "core/train/token_data.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace dlm;

namespace {

std::string u32(uint32_t v)
{
    const char b[4] = {char(v & 0xff), char((v >> 8) & 0xff), char((v >> 16) & 0xff), char((v >> 24) & 0xff)};
    return std::string(b, 4);
}

std::string tokenFile(uint32_t vocab, const std::vector<uint32_t> &ids)
{
    std::string bytes = std::string(kTokenDataMagic, 8) + u32(vocab) + u32(0);
    for (uint32_t id : ids)
        bytes += u32(id);
    return bytes;
}

} // namespace

class TestTokenData : public QObject
{
    Q_OBJECT

private slots:
    void readsIds()
    {
        const auto data = parseTokenData(tokenFile(300, {0, 7, 299}), "ids.bin");
        QVERIFY2(data.ok(), data.error().c_str());
        QCOMPARE(data->vocabSize, 300u);
        QCOMPARE(data->ids, (std::vector<int32_t> {0, 7, 299}));
    }

    void refuses_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        auto row = [](const char *name, const std::string &bytes, const char *expected) {
            QTest::newRow(name) << QByteArray(bytes.data(), int(bytes.size())) << QString::fromUtf8(expected);
        };
        row("empty", "", "ids.bin: not a token file");
        row("wrong magic", "DLMIDS02" + u32(5) + u32(0), "ids.bin: not a token file");
        row("short header", std::string(kTokenDataMagic, 8) + u32(5), "ids.bin: truncated header (12 of 16 bytes)");
        row("partial id", tokenFile(5, {1}).substr(0, 19), "is not a 16-byte header plus whole 4-byte ids");
        row("vocabulary 0", tokenFile(0, {}), "header gives a vocabulary size of 0");
        row("id outside", tokenFile(5, {1, 5}), "token 1 has id 5, outside the vocabulary of 5");
        // Issue 14: ids up to 2^32-2 passed and turned negative as int32 (fuzz_token_data checks for it).
        row("vocabulary above int32", tokenFile(4294967295u, {4294967294u}),
            "header gives a vocabulary size of 4294967295, more than the limit of 16777216");
    }

    void refuses()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        const auto fromBytes = parseTokenData(std::string_view(bytes.constData(), size_t(bytes.size())), "ids.bin");
        QVERIFY(!fromBytes.ok());
        QVERIFY2(QString::fromStdString(fromBytes.error()).contains(expected), fromBytes.error().c_str());

        // The file reader gives the same answer.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("ids.bin"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(bytes);
        file.close();
        const auto fromFile = readTokenData(path.toStdString());
        QVERIFY(!fromFile.ok());
        QVERIFY2(QString::fromStdString(fromFile.error()).contains(expected), fromFile.error().c_str());
    }
};

QTEST_GUILESS_MAIN(TestTokenData)
#include "test_token_data.moc"
