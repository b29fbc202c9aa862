// The safetensors reader and writer: round trips of every dtype, sharded directories, one row per kind of
// malformed file with the message it must give, the half/bfloat16 conversions, and the atomic file helpers.

#include "core/base/file_util.h"
#include "core/model/safetensors.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>

namespace {

std::string bytesOf(const QByteArray &a)
{
    return std::string(a.constData(), size_t(a.size()));
}

void writeBytes(const std::string &path, const std::string &bytes)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
}

/** A safetensors file by hand: the 8-byte length (`declaredLength` overrides it), header text, data bytes. */
QByteArray rawFile(const std::string &header, size_t dataBytes, uint64_t declaredLength = UINT64_MAX)
{
    const uint64_t length = declaredLength == UINT64_MAX ? header.size() : declaredLength;
    QByteArray bytes;
    for (int i = 0; i < 8; ++i)
        bytes.append(char((length >> (8 * i)) & 0xff));
    bytes.append(header.data(), int(header.size()));
    bytes.append(QByteArray(int(dataBytes), '\0'));
    return bytes;
}

template<typename T> std::vector<uint8_t> toBytes(const std::vector<T> &values)
{
    std::vector<uint8_t> bytes(values.size() * sizeof(T));
    if (!bytes.empty())
        std::memcpy(bytes.data(), values.data(), bytes.size());
    return bytes;
}

template<typename T> std::vector<T> fromView(const dlm::TensorView &view)
{
    std::vector<T> values(view.byteSize / sizeof(T));
    if (!values.empty())
        std::memcpy(values.data(), view.data, view.byteSize);
    return values;
}

dlm::TensorToWrite tensor(
    const std::string &name, dlm::TensorDType dtype, std::vector<int64_t> shape, std::vector<uint8_t> bytes)
{
    return dlm::TensorToWrite {name, dtype, std::move(shape), std::move(bytes)};
}

} // namespace

class TestSafetensors : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath(QStringLiteral("model.safetensors")).toStdString();

        const std::vector<float> f32 = {1.5f, -2.25f, 0.0f, 3.0e-8f, 1.0e30f, -0.0f};
        const std::vector<uint16_t> f16
            = {dlm::floatToHalf(1.0f), dlm::floatToHalf(-2.0f), dlm::floatToHalf(65504.0f), dlm::floatToHalf(0.5f)};
        const std::vector<uint16_t> bf16 = {dlm::floatToBf16(1.0f), dlm::floatToBf16(-3.0f), dlm::floatToBf16(1e30f)};
        const std::vector<int64_t> i64 = {-1, 0, std::numeric_limits<int64_t>::max()};
        const std::vector<int32_t> i32 = {7, -7};
        std::vector<dlm::TensorToWrite> tensors;
        tensors.push_back(tensor("z.f32", dlm::TensorDType::F32, {2, 3}, toBytes(f32)));
        tensors.push_back(tensor("a.f16", dlm::TensorDType::F16, {4}, toBytes(f16)));
        tensors.push_back(tensor("m.bf16", dlm::TensorDType::BF16, {3, 1}, toBytes(bf16)));
        tensors.push_back(tensor("b.i64", dlm::TensorDType::I64, {3}, toBytes(i64)));
        tensors.push_back(tensor("c.i32", dlm::TensorDType::I32, {1, 2}, toBytes(i32)));
        tensors.push_back(tensor("empty", dlm::TensorDType::F32, {0, 5}, {}));
        tensors.push_back(tensor("scalar", dlm::TensorDType::F32, {}, toBytes(std::vector<float> {42.0f})));
        const std::map<std::string, std::string> metadata = {{"format", "pt"}, {"note", "caf\xc3\xa9"}};
        const dlm::Status written = dlm::writeSafetensors(path, tensors, metadata);
        QVERIFY2(written.ok(), written.error().c_str());

        // Header padded to 8 bytes, so the data region (and F32/I64 tensors in it) start aligned.
        const dlm::Result<std::string> raw = dlm::readTextFile(path);
        QVERIFY(raw.ok());
        uint64_t headerLength = 0;
        std::memcpy(&headerLength, raw->data(), 8);
        QCOMPARE(headerLength % 8, uint64_t(0));
        QCOMPARE(raw->at(8), '{');

        const auto file = dlm::SafetensorsFile::open(path);
        QVERIFY2(file.ok(), file.error().c_str());
        QCOMPARE((*file)->metadata(), metadata);
        QCOMPARE((*file)->tensors().size(), tensors.size());

        const dlm::TensorView &vf32 = (*file)->tensors().at("z.f32");
        QCOMPARE(vf32.dtype, dlm::TensorDType::F32);
        QCOMPARE(vf32.shape, (std::vector<int64_t> {2, 3}));
        QCOMPARE(vf32.elementCount(), int64_t(6));
        QCOMPARE(vf32.file, path);
        QCOMPARE(fromView<float>(vf32), f32);
        QCOMPARE(reinterpret_cast<uintptr_t>(vf32.data) % 8, uintptr_t(0));

        const dlm::TensorView &vf16 = (*file)->tensors().at("a.f16");
        QCOMPARE(vf16.dtype, dlm::TensorDType::F16);
        QCOMPARE(fromView<uint16_t>(vf16), f16);
        QCOMPARE(dlm::halfToFloat(fromView<uint16_t>(vf16)[2]), 65504.0f);

        const dlm::TensorView &vbf16 = (*file)->tensors().at("m.bf16");
        QCOMPARE(vbf16.shape, (std::vector<int64_t> {3, 1}));
        QCOMPARE(dlm::bf16ToFloat(fromView<uint16_t>(vbf16)[1]), -3.0f);

        QCOMPARE(fromView<int64_t>((*file)->tensors().at("b.i64")), i64);
        QCOMPARE(fromView<int32_t>((*file)->tensors().at("c.i32")), i32);
        QCOMPARE((*file)->tensors().at("empty").elementCount(), int64_t(0));
        QCOMPARE((*file)->tensors().at("empty").byteSize, size_t(0));
        QCOMPARE((*file)->tensors().at("scalar").elementCount(), int64_t(1));
        QCOMPARE(fromView<float>((*file)->tensors().at("scalar")), std::vector<float> {42.0f});

        // The single-file directory layout opens through WeightStore too.
        const auto store = dlm::WeightStore::openDirectory(dir.path().toStdString());
        QVERIFY2(store.ok(), store.error().c_str());
        QVERIFY((*store)->find("c.i32") != nullptr);
        QVERIFY((*store)->find("nope") == nullptr);
        QCOMPARE((*store)->files(), std::vector<std::string> {path});
    }

    void writerRejectsBadTensors_data()
    {
        QTest::addColumn<int>("which");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("size mismatch") << 0 << QStringLiteral("needs 8 bytes, got 4");
        QTest::newRow("duplicate") << 1 << QStringLiteral("name used twice");
        QTest::newRow("negative dim") << 2 << QStringLiteral("negative entry");
        QTest::newRow("reserved name") << 3 << QStringLiteral("invalid tensor name");
    }

    void writerRejectsBadTensors()
    {
        QFETCH(int, which);
        QFETCH(QString, fragment);
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("x.safetensors")).toStdString();
        const auto four = toBytes(std::vector<float> {1.0f});
        std::vector<dlm::TensorToWrite> tensors;
        if (which == 0)
            tensors = {tensor("a", dlm::TensorDType::F32, {2}, four)};
        else if (which == 1)
            tensors = {tensor("a", dlm::TensorDType::F32, {1}, four), tensor("a", dlm::TensorDType::F32, {1}, four)};
        else if (which == 2)
            tensors = {tensor("a", dlm::TensorDType::F32, {-1}, four)};
        else
            tensors = {tensor("__metadata__", dlm::TensorDType::F32, {1}, four)};
        const dlm::Status status = dlm::writeSafetensors(path, tensors);
        QVERIFY(!status.ok());
        QVERIFY2(status.error().find(fragment.toStdString()) != std::string::npos, status.error().c_str());
        QVERIFY(!dlm::fileExists(path));
    }

    void shardedRoundTrip()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string d = dir.path().toStdString();
        const auto one = toBytes(std::vector<float> {1.0f, 2.0f});
        const auto two = toBytes(std::vector<float> {3.0f, 4.0f, 5.0f});
        QVERIFY(dlm::writeSafetensors(dlm::joinPath(d, "model-00001-of-00002.safetensors"),
            {tensor("a", dlm::TensorDType::F32, {2}, one), tensor("b", dlm::TensorDType::F32, {1, 2}, one)})
                    .ok());
        QVERIFY(dlm::writeSafetensors(
            dlm::joinPath(d, "model-00002-of-00002.safetensors"), {tensor("c", dlm::TensorDType::F32, {3}, two)})
                    .ok());
        QVERIFY(dlm::writeFileAtomic(dlm::joinPath(d, "model.safetensors.index.json"),
            R"({"metadata": {"total_size": 28}, "weight_map": {
                                         "a": "model-00001-of-00002.safetensors",
                                         "b": "model-00001-of-00002.safetensors",
                                         "c": "model-00002-of-00002.safetensors"}})")
                    .ok());

        const auto store = dlm::WeightStore::openDirectory(d);
        QVERIFY2(store.ok(), store.error().c_str());
        QCOMPARE((*store)->tensors().size(), size_t(3));
        QCOMPARE((*store)->files().size(), size_t(2));
        const dlm::TensorView *c = (*store)->find("c");
        QVERIFY(c);
        QCOMPARE(dlm::baseName(c->file), std::string("model-00002-of-00002.safetensors"));
        QCOMPARE(fromView<float>(*c), (std::vector<float> {3.0f, 4.0f, 5.0f}));
        QCOMPARE(fromView<float>(*(*store)->find("b")), (std::vector<float> {1.0f, 2.0f}));
    }

    void rejectsMalformedFile_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("fragment");

        const std::string okEntry = R"("dtype": "F32", "shape": [2], "data_offsets": [0, 8])";
        QTest::newRow("empty file") << QByteArray() << QStringLiteral("file is empty");
        QTest::newRow("shorter than 8 bytes")
            << QByteArray("\x05\x00\x00", 3) << QStringLiteral("file is 3 bytes, too short");
        QTest::newRow("length larger than file")
            << rawFile("{}", 0, 100) << QStringLiteral("header length 100 is larger than the file (10 bytes)");
        QTest::newRow("huge length 2^63") << rawFile(
            "{}", 0, uint64_t(1) << 63) << QStringLiteral("header length 9223372036854775808 is larger than the file");
        QTest::newRow("header not json") << rawFile("hello, world", 0) << QStringLiteral("header is not valid JSON");
        QTest::newRow("header invalid utf-8")
            << rawFile("{\"\xff\xfe\": 1}", 0) << QStringLiteral("header is not valid JSON");
        QTest::newRow("header nested 100000 deep")
            << rawFile("{\"w\": " + std::string(100000, '[') + std::string(100000, ']') + "}", 0)
            << QStringLiteral("header is not valid JSON: arrays and objects nest deeper than 64 levels");
        QTest::newRow("header not object")
            << rawFile("[1, 2, 3]", 0) << QStringLiteral(": $: expected an object, got an array");
        QTest::newRow("entry not object")
            << rawFile(R"({"w": 5})", 0) << QStringLiteral(": $.w: expected an object, got 5");
        QTest::newRow("unknown dtype") << rawFile(
            R"({"w": {"dtype": "F8_E4M3", "shape": [2], "data_offsets": [0, 2]}})", 2)
                                       << QStringLiteral(": $.w.dtype: unsupported dtype \"F8_E4M3\"");
        QTest::newRow("missing dtype") << rawFile(R"({"w": {"shape": [2], "data_offsets": [0, 8]}})", 8)
                                       << QStringLiteral(": $.w.dtype: the required field is missing");
        QTest::newRow("shape/size mismatch")
            << rawFile(R"({"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}})", 8)
            << QStringLiteral(": $.w: shape [3] of F32 needs 12 bytes, but data_offsets [0, 8] span 8 bytes");
        QTest::newRow("shape overflow") << rawFile(
            R"({"w": {"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 0]}})", 0)
                                        << QStringLiteral("needs more than 2^64 bytes");
        QTest::newRow("offsets outside data") << rawFile(
            R"({"model.transformer.wte.weight": {"dtype": "F32", "shape": [32, 32], "data_offsets": [0, 4096]}})", 1024)
                                              << QStringLiteral(": $[\"model.transformer.wte.weight\"].data_offsets: "
                                                                "[0, 4096] lies outside the "
                                                                "1024-byte data region");
        QTest::newRow("end before begin") << rawFile(R"({"w": {"dtype": "F32", "shape": [0], "data_offsets": [8, 4]}})",
            8) << QStringLiteral(": $.w.data_offsets: [8, 4] ends before it begins");
        QTest::newRow("overlapping tensors") << rawFile(
            "{\"a\": {" + okEntry + "}, \"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}", 12)
                                             << QStringLiteral("tensors 'a' [0, 8] and 'b' [4, 12] overlap");
        QTest::newRow("negative shape entry")
            << rawFile(R"({"w": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}})", 8)
            << QStringLiteral(": $.w.shape[0]: the value -2 is outside the allowed range [0, ");
        QTest::newRow("fractional shape entry")
            << rawFile(R"({"w": {"dtype": "F32", "shape": [2.5], "data_offsets": [0, 8]}})", 8)
            << QStringLiteral(": $.w.shape[0]: expected an integer, got 2.5");
        QTest::newRow("non-integer offsets")
            << rawFile(R"({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0.0, 8.5]}})", 8)
            << QStringLiteral(": $.w.data_offsets[1]: expected an integer, got 8.5");
        QTest::newRow("three offsets") << rawFile(R"({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4, 8]}})",
            8) << QStringLiteral("expected [begin, end]");
        QTest::newRow("missing offsets") << rawFile(R"({"w": {"dtype": "F32", "shape": [2]}})", 8)
                                         << QStringLiteral(": $.w.data_offsets: the required field is missing");
        QTest::newRow("metadata not strings") << rawFile(R"({"__metadata__": {"epoch": 3}})", 0)
                                              << QStringLiteral(": $.__metadata__.epoch: expected a string, got 3");
        QTest::newRow("metadata not object") << rawFile(R"({"__metadata__": [1]})", 0)
                                             << QStringLiteral(": $.__metadata__: expected an object, got an array");
    }

    void rejectsMalformedFile()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, fragment);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath(QStringLiteral("bad.safetensors")).toStdString();
        writeBytes(path, bytesOf(bytes));

        const auto file = dlm::SafetensorsFile::open(path);
        QVERIFY(!file.ok());
        const std::string &msg = file.error();
        QVERIFY2(msg.find(fragment.toStdString()) != std::string::npos, msg.c_str());
        QVERIFY2(msg.rfind(path + ": ", 0) == 0, msg.c_str());
    }

    void rejectsBadDirectory_data()
    {
        QTest::addColumn<QByteArray>("index"); // empty: no index file at all
        QTest::addColumn<QString>("fragment");

        QTest::newRow("no weights") << QByteArray()
                                    << QStringLiteral("no model weights found: expected model.safetensors or "
                                                      "model.safetensors.index.json");
        QTest::newRow("index not json") << QByteArray("{weight_map:") << QStringLiteral("index.json: not valid JSON");
        QTest::newRow("index without weight_map") << QByteArray(
            R"({"metadata": {}})") << QStringLiteral("index.json: $.weight_map: the required field is missing");
        QTest::newRow("empty weight_map")
            << QByteArray(R"({"weight_map": {}})") << QStringLiteral("index.json: $.weight_map: is empty");
        QTest::newRow("shard not a string") << QByteArray(R"({"weight_map": {"a": 1}})")
                                            << QStringLiteral("index.json: $.weight_map.a: expected a string, got 1");
        QTest::newRow("missing shard")
            << QByteArray(R"({"weight_map": {"a": "shard-1.safetensors", "x": "model-00002-of-00002.safetensors"}})")
            << QStringLiteral("index.json: $.weight_map.x: shard 'model-00002-of-00002.safetensors' is missing");
        QTest::newRow("tensor absent from shard")
            << QByteArray(R"({"weight_map": {"a": "shard-1.safetensors", "ghost": "shard-1.safetensors"}})")
            << QStringLiteral(
                   "index.json: $.weight_map.ghost: shard 'shard-1.safetensors' does not contain this tensor");
        QTest::newRow("tensor in the wrong shard")
            << QByteArray(R"({"weight_map": {"a": "shard-2.safetensors", "c": "shard-2.safetensors"}})")
            << QStringLiteral("index.json: $.weight_map.a: shard 'shard-2.safetensors' does not contain");
        QTest::newRow("tensor in two shards")
            << QByteArray(R"({"weight_map": {"a": "shard-1.safetensors", "dup": "shard-3.safetensors"}})")
            << QStringLiteral("index.json: $.weight_map: tensor 'a' appears in both shard 'shard-1.safetensors' and "
                              "shard 'shard-3.safetensors'");
        QTest::newRow("dotdot shard") << QByteArray(R"({"weight_map": {"a": "../outside.safetensors"}})")
                                      << QStringLiteral(
                                             ": $.weight_map.a: shard name '../outside.safetensors' must be a "
                                             "plain file name");
        QTest::newRow("absolute shard") << QByteArray(R"({"weight_map": {"a": "/etc/passwd"}})")
                                        << QStringLiteral("must be a plain file name");
        QTest::newRow("bad shard file") << QByteArray(R"({"weight_map": {"a": "broken.safetensors"}})")
                                        << QStringLiteral("broken.safetensors: file is 3 bytes");
    }

    void rejectsBadDirectory()
    {
        QFETCH(QByteArray, index);
        QFETCH(QString, fragment);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string d = dir.path().toStdString();
        const auto eight = toBytes(std::vector<float> {1.0f, 2.0f});
        // shard-1 holds a, b; shard-2 holds c; shard-3 holds a again (and dup).
        QVERIFY(dlm::writeSafetensors(dlm::joinPath(d, "shard-1.safetensors"),
            {tensor("a", dlm::TensorDType::F32, {2}, eight), tensor("b", dlm::TensorDType::F32, {2}, eight)})
                    .ok());
        QVERIFY(dlm::writeSafetensors(
            dlm::joinPath(d, "shard-2.safetensors"), {tensor("c", dlm::TensorDType::F32, {2}, eight)})
                    .ok());
        QVERIFY(dlm::writeSafetensors(dlm::joinPath(d, "shard-3.safetensors"),
            {tensor("a", dlm::TensorDType::F32, {2}, eight), tensor("dup", dlm::TensorDType::F32, {2}, eight)})
                    .ok());
        writeBytes(dlm::joinPath(d, "broken.safetensors"), "abc");
        if (!index.isEmpty())
            writeBytes(dlm::joinPath(d, "model.safetensors.index.json"), bytesOf(index));

        const auto store = dlm::WeightStore::openDirectory(d);
        QVERIFY(!store.ok());
        QVERIFY2(store.error().find(fragment.toStdString()) != std::string::npos, store.error().c_str());
        QVERIFY2(store.error().find(d) != std::string::npos, store.error().c_str());
    }

    void atomicWriteAndRead()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dlm::joinPath(dir.path().toStdString(), "notes.txt");
        QVERIFY(!dlm::fileExists(path));
        QVERIFY(dlm::writeFileAtomic(path, "first").ok());
        QVERIFY(dlm::writeFileAtomic(path, std::string("second\0with nul", 15)).ok());
        QVERIFY(dlm::fileExists(path));
        QVERIFY(!dlm::fileExists(dir.path().toStdString())); // a directory is not a file

        const dlm::Result<std::string> text = dlm::readTextFile(path);
        QVERIFY2(text.ok(), text.error().c_str());
        QCOMPARE(*text, std::string("second\0with nul", 15));
        // No temporary files are left behind.
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList {QStringLiteral("notes.txt")});

        const dlm::Result<std::string> limited = dlm::readTextFile(path, 4);
        QVERIFY(!limited.ok());
        QVERIFY2(limited.error().find(path + ": file is 15 bytes, more than the 4-byte limit") != std::string::npos,
            limited.error().c_str());

        const dlm::Result<std::string> missing = dlm::readTextFile(path + ".missing");
        QVERIFY(!missing.ok());
        QVERIFY2(missing.error().find(path + ".missing: cannot open") != std::string::npos, missing.error().c_str());

        const dlm::Status noDir = dlm::writeFileAtomic(dlm::joinPath(path + ".d", "x"), "y");
        QVERIFY(!noDir.ok());
        QVERIFY2(noDir.error().find("cannot create temporary file") != std::string::npos, noDir.error().c_str());
    }

    void pathHelpers_data()
    {
        QTest::addColumn<QString>("dir");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("joined");
        QTest::addColumn<QString>("base");
        const auto s = [](const char *text) { return QString::fromUtf8(text); };
        QTest::newRow("plain") << s("models/demo") << s("config.json") << s("models/demo/config.json")
                               << s("config.json");
        QTest::newRow("trailing slash") << s("/tmp/m/") << s("a.bin") << s("/tmp/m/a.bin") << s("a.bin");
        QTest::newRow("empty dir") << s("") << s("a.bin") << s("a.bin") << s("a.bin");
        QTest::newRow("root") << s("/") << s("x") << s("/x") << s("x");
    }

    void pathHelpers()
    {
        QFETCH(QString, dir);
        QFETCH(QString, name);
        QFETCH(QString, joined);
        QFETCH(QString, base);
        const std::string j = dlm::joinPath(dir.toStdString(), name.toStdString());
        QCOMPARE(QString::fromStdString(j), joined);
        QCOMPARE(QString::fromStdString(dlm::baseName(j)), base);
        QCOMPARE(dlm::baseName("/a/b/"), std::string("b"));
        QCOMPARE(dlm::baseName("/"), std::string("/"));
    }
};

QTEST_GUILESS_MAIN(TestSafetensors)
#include "test_safetensors.moc"
