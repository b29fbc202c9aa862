// The one JSON field reader every parser uses: the same rules for integers, ranges, booleans, strings and
// missing fields everywhere, messages that name the file and the JSON path, and a nesting limit.

#include "core/base/json_reader.h"

#include <QtTest>

#include <cstdint>
#include <string>

using namespace dlm;

namespace {

/** Reads {"v": <valueJson>} as `kind`; returns the value as text, or the whole message on failure. */
std::string readAs(const std::string &kind, const std::string &valueJson)
{
    const Result<Json> root = parseJson("{\"v\": " + valueJson + "}", "f.json");
    if (!root)
        return root.error();
    JsonReader r("f.json");
    const std::string top = JsonReader::root();
    std::string text;
    bool ok = false;
    if (kind == "int32") {
        int32_t v = 0;
        ok = r.readInt(*root, top, "v", &v);
        text = std::to_string(v);
    } else if (kind == "uint8") {
        uint8_t v = 0;
        ok = r.readInt(*root, top, "v", &v);
        text = std::to_string(v);
    } else if (kind == "int64") {
        int64_t v = 0;
        ok = r.readInt(*root, top, "v", &v);
        text = std::to_string(v);
    } else if (kind == "range") {
        int v = 0;
        ok = r.readInt(*root, top, "v", &v, Need::Required, 1, 10);
        text = std::to_string(v);
    } else if (kind == "uint64") {
        uint64_t v = 0;
        ok = r.readUInt64(*root, top, "v", &v);
        text = std::to_string(v);
    } else if (kind == "number") {
        double v = 0;
        ok = r.readNumber(*root, top, "v", &v);
        text = QByteArray::number(v, 'g', 17).toStdString();
    } else if (kind == "bool") {
        bool v = false;
        ok = r.readBool(*root, top, "v", &v);
        text = v ? "true" : "false";
    } else if (kind == "string") {
        ok = r.readString(*root, top, "v", &text);
    } else if (kind == "extended") {
        float v = 0;
        ok = r.toExtendedFloat(root->at("v"), "$.v", &v);
        text = QByteArray::number(double(v), 'g', 9).toStdString();
    }
    return ok ? text : r.error();
}

std::string nested(int depth)
{
    return std::string(size_t(depth), '[') + std::string(size_t(depth), ']');
}

} // namespace

class TestJsonReader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void values_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("expected"); // the value read, or the whole message
        auto row = [](const char *name, const char *kind, const char *value, const char *expected) {
            QTest::newRow(name) << QString::fromLatin1(kind) << QString::fromUtf8(value) << QString::fromUtf8(expected);
        };
        // Integers: integral and in range; integral floats are the integer, fractions are refused.
        row("int", "int32", "256", "256");
        row("negative int", "int32", "-7", "-7");
        row("integral float", "int32", "256.0", "256");
        row("exponent", "int32", "2.56e2", "256");
        row("fraction", "int32", "256.9", "f.json: $.v: expected an integer, got 256.9");
        row("tiny fraction", "int64", "1.0000001", "f.json: $.v: expected an integer, got 1.0000001");
        row("float above 2^53", "int64", "1e17",
            "f.json: $.v: the value 1e+17 is too large to be an exact integer; write it without a fraction or "
            "exponent");
        row("int32 max", "int32", "2147483647", "2147483647");
        row("int32 overflow", "int32", "2147483648",
            "f.json: $.v: the value 2147483648 is outside the allowed range [-2147483648, 2147483647]");
        row("int32 underflow", "int32", "-2147483649",
            "f.json: $.v: the value -2147483649 is outside the allowed range [-2147483648, 2147483647]");
        row("uint8 range", "uint8", "256", "f.json: $.v: the value 256 is outside the allowed range [0, 255]");
        row("uint8 negative", "uint8", "-1", "f.json: $.v: the value -1 is outside the allowed range [0, 255]");
        row("int64 above range", "int64", "9223372036854775808",
            "f.json: $.v: the value 9223372036854775808 is outside the allowed range [-9223372036854775808, "
            "9223372036854775807]");
        row("caller range low", "range", "0", "f.json: $.v: the value 0 is outside the allowed range [1, 10]");
        row("caller range high", "range", "11", "f.json: $.v: the value 11 is outside the allowed range [1, 10]");
        row("caller range ok", "range", "10", "10");
        row("true is not 1", "int32", "true", "f.json: $.v: expected an integer, got true");
        row("string is not an int", "int32", "\"5\"", "f.json: $.v: expected an integer, got \"5\"");
        row("null is not an int", "int32", "null", "f.json: $.v: expected an integer, got null");
        row("array is not an int", "int32", "[1]", "f.json: $.v: expected an integer, got an array");
        // Unsigned 64-bit (seeds): the full range, no sign.
        row("uint64 max", "uint64", "18446744073709551615", "18446744073709551615");
        row("uint64 negative", "uint64", "-3", "f.json: $.v: expected a non-negative integer, got -3");
        row("uint64 fraction", "uint64", "0.5", "f.json: $.v: expected an integer, got 0.5");
        // Numbers: finite JSON numbers only.
        row("number", "number", "0.25", "0.25");
        row("integer as number", "number", "3", "3");
        row("string is not a number", "number", "\"abc\"", "f.json: $.v: expected a number, got \"abc\"");
        row("bool is not a number", "number", "false", "f.json: $.v: expected a number, got false");
        // Booleans are booleans.
        row("true", "bool", "true", "true");
        row("false", "bool", "false", "false");
        row("1 is not true", "bool", "1", "f.json: $.v: expected true or false, got 1");
        row("0 is not false", "bool", "0", "f.json: $.v: expected true or false, got 0");
        row("\"true\" is not true", "bool", "\"true\"", "f.json: $.v: expected true or false, got \"true\"");
        // Strings are strings; long ones are cut in messages.
        row("string", "string", "\"h\\u00e9\"", "h\xc3\xa9");
        row("number is not a string", "string", "3", "f.json: $.v: expected a string, got 3");
        row("object is not a string", "string", "{\"a\": 1}", "f.json: $.v: expected a string, got an object");
        // Extended floats: null is minus infinity; strings name the others.
        row("null is -inf", "extended", "null", "-inf");
        row("inf", "extended", "\"inf\"", "inf");
        row("float out of range", "extended", "1e39",
            "f.json: $.v: the number 1e+39 is outside the range of a 32-bit float");
        row("other string", "extended", "\"big\"",
            "f.json: $.v: expected a number, null (minus infinity), \"inf\" or \"nan\", got \"big\"");
    }
    void values()
    {
        QFETCH(QString, kind);
        QFETCH(QString, value);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(readAs(kind.toStdString(), value.toStdString())), expected);
    }

    void longStringsAreCutInMessages()
    {
        const std::string message = readAs("int32", "\"" + std::string(100, 'x') + "\"");
        QCOMPARE(QString::fromStdString(message),
            QStringLiteral("f.json: $.v: expected an integer, got \"") + QString(40, QLatin1Char('x'))
                + QStringLiteral("...\""));
    }

    void missingFields()
    {
        const Result<Json> root = parseJson(R"({"a": {"b": [0, 1, {"c": 2}]}})", "m.json");
        QVERIFY2(root.ok(), root.error().c_str());
        const Json &inner = root->at("a").at("b").at(2);
        const std::string path = JsonReader::child(JsonReader::child(JsonReader::child("$", "a"), "b"), size_t(2));
        QCOMPARE(path, std::string("$.a.b[2]"));

        JsonReader optional("m.json");
        int value = 42;
        QVERIFY(optional.readInt(inner, path, "d", &value)); // absent and optional: untouched, no error
        QCOMPARE(value, 42);
        QVERIFY(!optional.failed());
        QVERIFY(optional.readInt(inner, path, "c", &value));
        QCOMPARE(value, 2);

        JsonReader required("m.json");
        QVERIFY(!required.readInt(inner, path, "d", &value, Need::Required));
        QCOMPARE(required.error(), std::string("m.json: $.a.b[2].d: the required field is missing"));
        // The first problem is kept: a later one does not overwrite it.
        std::string text;
        QVERIFY(!required.readString(inner, path, "c", &text));
        QCOMPARE(required.error(), std::string("m.json: $.a.b[2].d: the required field is missing"));
    }

    void pathsQuoteKeysThatAreNotIdentifiers()
    {
        QCOMPARE(JsonReader::child("$", "rope_theta"), std::string("$.rope_theta"));
        QCOMPARE(
            JsonReader::child("$", "model.transformer.wte.weight"), std::string("$[\"model.transformer.wte.weight\"]"));
        QCOMPARE(JsonReader::child("$", "a\"b"), std::string("$[\"a\\\"b\"]"));
        QCOMPARE(JsonReader::child("$", "3d"), std::string("$[\"3d\"]"));
        QCOMPARE(JsonReader::child("$", ""), std::string("$[\"\"]"));
        JsonReader r("x.json");
        r.fail("", "whole document");
        QCOMPARE(r.error(), std::string("x.json: $: whole document"));
    }

    void nestingLimit_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("64 levels") << QByteArray::fromStdString(nested(kJsonMaxDepth)) << true;
        QTest::newRow("65 levels") << QByteArray::fromStdString(nested(kJsonMaxDepth + 1)) << false;
        QTest::newRow("100000 levels") << QByteArray::fromStdString(nested(100000)) << false;
        QTest::newRow("objects count too")
            << QByteArray::fromStdString("{\"a\":" + nested(kJsonMaxDepth - 1) + "}") << true;
        QTest::newRow("objects past the limit")
            << QByteArray::fromStdString("{\"a\":" + nested(kJsonMaxDepth) + "}") << false;
        QTest::newRow("brackets in strings do not count")
            << QByteArray::fromStdString("[\"" + std::string(200, '[') + "\\\"" + std::string(200, '{') + "\"]")
            << true;
    }
    void nestingLimit()
    {
        QFETCH(QByteArray, text);
        QFETCH(bool, accepted);
        const Result<Json> j = parseJson(text.toStdString(), "deep.json");
        QCOMPARE(j.ok(), accepted);
        if (!accepted)
            QVERIFY2(
                j.error().rfind("deep.json: not valid JSON: arrays and objects nest deeper than 64 levels", 0) == 0,
                j.error().c_str());
    }

    void parseErrorsNameTheFile()
    {
        const Result<Json> broken = parseJson("{\"a\": \xff}", "bad.json", "header");
        QVERIFY(!broken.ok());
        QVERIFY2(broken.error().rfind("bad.json: header is not valid JSON: ", 0) == 0, broken.error().c_str());
        for (char c : broken.error())
            QVERIFY2(
                static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f, broken.error().c_str());
        const Result<Json> empty = parseJson("", "empty.json");
        QVERIFY(!empty.ok());
        QVERIFY2(empty.error().rfind("empty.json: not valid JSON: ", 0) == 0, empty.error().c_str());
    }

    void utf8Validation_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("valid");
        QTest::newRow("ascii") << QByteArray("abc") << true;
        QTest::newRow("two-byte") << QByteArray("\xc3\xa9") << true;
        QTest::newRow("four-byte") << QByteArray("\xf0\x9f\x98\x80") << true;
        QTest::newRow("overlong slash") << QByteArray("\xc0\xaf") << false;
        QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << false;
        QTest::newRow("truncated") << QByteArray("\xe2\x96") << false;
        QTest::newRow("above U+10FFFF") << QByteArray("\xf4\x90\x80\x80") << false;
    }
    void utf8Validation()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, valid);
        QCOMPARE(isValidUtf8(bytes.toStdString()), valid);
    }
};

QTEST_GUILESS_MAIN(TestJsonReader)
#include "test_json_reader.moc"
