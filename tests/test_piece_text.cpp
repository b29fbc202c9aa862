// Pieces to text (core/text/piece_text.h): the one spelling the GUI, the CLI and every export share. Cases are
// written by hand from the sentencepiece conventions and RFC 3629's table of well-formed UTF-8.

#include "core/text/piece_text.h"

#include <QtTest>

using namespace dlm;

namespace {

const std::string kWordStart = "\xE2\x96\x81";

QByteArray bytes(const std::string &s)
{
    return QByteArray(s.data(), static_cast<int>(s.size()));
}

/** "<0xE2> <0x80>" and plain pieces, space-separated, as a list of pieces ("_" stands for an empty piece). */
std::vector<std::string> pieces(const QByteArray &spec)
{
    std::vector<std::string> out;
    for (const QByteArray &p : spec.split(' '))
        out.push_back(p == "_" ? std::string() : p.toStdString());
    return out;
}

} // namespace

class TestPieceText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void onePiece_data()
    {
        QTest::addColumn<QByteArray>("piece");
        QTest::addColumn<QByteArray>("shown");
        QTest::newRow("word start") << bytes(kWordStart + "the") << QByteArray(" the");
        QTest::newRow("lone word start") << bytes(kWordStart) << QByteArray(" ");
        QTest::newRow("several") << bytes("a" + kWordStart + kWordStart + "b") << QByteArray("a  b");
        QTest::newRow("plain") << QByteArray("cat") << QByteArray("cat");
        QTest::newRow("newline byte") << QByteArray("<0x0A>") << QByteArray("\n");
        QTest::newRow("letter byte") << QByteArray("<0x41>") << QByteArray("A");
        QTest::newRow("nul byte") << QByteArray("<0x00>") << QByteArray("\0", 1);
        QTest::newRow("delete byte") << QByteArray("<0x7F>") << QByteArray("\x7F");
        // A byte from 0x80 up is a part of a character, not text: it keeps its spelling.
        QTest::newRow("lead byte alone") << QByteArray("<0xE2>") << QByteArray("<0xE2>");
        QTest::newRow("continuation byte alone") << QByteArray("<0x80>") << QByteArray("<0x80>");
        QTest::newRow("lower-case hex is not a byte piece") << QByteArray("<0x0a>") << QByteArray("<0x0a>");
        QTest::newRow("not hex") << QByteArray("<0xZZ>") << QByteArray("<0xZZ>");
        QTest::newRow("unclosed") << QByteArray("<0x0A") << QByteArray("<0x0A");
        QTest::newRow("special") << QByteArray("<|mdm_mask|>") << QByteArray("<|mdm_mask|>");
        QTest::newRow("empty") << QByteArray() << QByteArray();
        // Byte-level BPE: GPT-2's map spells a space U+0120 "Ġ" and a newline U+010A "Ċ"; "Ã©" is C3 A9, "é".
        QTest::newRow("byte-level word") << QByteArray("\xC4\xA0the") << QByteArray(" the");
        QTest::newRow("byte-level newlines") << QByteArray("\xC4\x8A\xC4\x8A") << QByteArray("\n\n");
        QTest::newRow("byte-level tab") << QByteArray("\xC4\x89") << QByteArray("\t");
        QTest::newRow("byte-level two-byte character") << QByteArray("\xC3\x83\xC2\xA9") << QByteArray("\xC3\xA9");
        // A cut character has no text alone; the piece stays as spelled, like a byte piece from 0x80 up.
        QTest::newRow("byte-level cut character") << QByteArray("\xC3\xA6\xC4\xAA") << QByteArray("\xC3\xA6\xC4\xAA");
        // Sentencepiece pieces with letters of the map's range keep their reading: "é" alone is no UTF-8 byte
        // sequence, and "ą" (U+0105) would stand for the control byte 0x05.
        QTest::newRow("latin letter") << QByteArray("\xC3\xA9") << QByteArray("\xC3\xA9");
        QTest::newRow("latin extended letter") << QByteArray("\xC4\x85") << QByteArray("\xC4\x85");
        QTest::newRow("unused id") << QByteArray("<unused 7>") << QByteArray("<unused 7>");
    }
    void onePiece()
    {
        QFETCH(QByteArray, piece);
        QFETCH(QByteArray, shown);
        QCOMPARE(bytes(pieceText(piece.toStdString())), shown);
    }

    void pieceByteValues()
    {
        QCOMPARE(pieceByte("<0x00>"), 0);
        QCOMPARE(pieceByte("<0x0A>"), 10);
        QCOMPARE(pieceByte("<0xFF>"), 255);
        QCOMPARE(pieceByte("<0xF>"), -1);
        QCOMPARE(pieceByte("x<0x0A>"), -1);
        QCOMPARE(pieceByte(kWordStart), -1);
    }

    // Each row: the pieces, then the text of each position joined by "|".
    void sequence_data()
    {
        QTest::addColumn<QByteArray>("spec");
        QTest::addColumn<QByteArray>("texts");
        QTest::newRow("words") << bytes(kWordStart + "a " + kWordStart + "b") << QByteArray(" a| b");
        QTest::newRow("em dash, three bytes") << QByteArray("x <0xE2> <0x80> <0x94> y") << bytes("x|\xE2\x80\x94|||y");
        QTest::newRow("two bytes") << QByteArray("<0xC3> <0xA9>") << bytes("\xC3\xA9|");
        QTest::newRow("emoji, four bytes") << QByteArray("<0xF0> <0x9F> <0x98> <0x80>") << bytes("\xF0\x9F\x98\x80|||");
        QTest::newRow("two characters in a row")
            << QByteArray("<0xC3> <0xA9> <0xC3> <0xA8>") << bytes("\xC3\xA9||\xC3\xA8|");
        QTest::newRow("ASCII bytes between") << QByteArray("<0x0A> <0xC3> <0xA9> <0x41>") << bytes("\n|\xC3\xA9||A");
        QTest::newRow("cut short by the end") << QByteArray("<0xE2> <0x80>") << QByteArray("<0xE2>|<0x80>");
        QTest::newRow("cut short by a word") << QByteArray("<0xE2> <0x80> x") << QByteArray("<0xE2>|<0x80>|x");
        QTest::newRow("cut short by a mask") << QByteArray("<0xC3> _ <0xA9>") << QByteArray("<0xC3>||<0xA9>");
        QTest::newRow("stray continuation") << QByteArray("<0x80> <0xC3> <0xA9>") << bytes("<0x80>|\xC3\xA9|");
        QTest::newRow("overlong") << QByteArray("<0xC0> <0x80>") << QByteArray("<0xC0>|<0x80>");
        QTest::newRow("overlong three bytes")
            << QByteArray("<0xE0> <0x80> <0x80>") << QByteArray("<0xE0>|<0x80>|<0x80>");
        QTest::newRow("surrogate") << QByteArray("<0xED> <0xA0> <0x80>") << QByteArray("<0xED>|<0xA0>|<0x80>");
        QTest::newRow("beyond U+10FFFF") << QByteArray("<0xF4> <0x90> <0x80> <0x80>")
                                         << QByteArray("<0xF4>|<0x90>|<0x80>|<0x80>");
        QTest::newRow("largest code point")
            << QByteArray("<0xF4> <0x8F> <0xBF> <0xBF>") << bytes("\xF4\x8F\xBF\xBF|||");
        QTest::newRow("bad lead then good") << QByteArray("<0xFF> <0xC3> <0xA9>") << bytes("<0xFF>|\xC3\xA9|");
        // "我" is E6 88 91: byte-level "æĪ" (E6 88) then "ĳ" (U+0133, byte 0x91).
        QTest::newRow("byte-level character across pieces")
            << QByteArray("\xC4\xA0\xC3\xA6\xC4\xAA \xC4\xB3 x") << bytes(" \xE6\x88\x91||x");
        QTest::newRow("byte-level cut by a mask")
            << QByteArray("\xC3\xA6\xC4\xAA _ \xC4\xB3") << QByteArray("\xC3\xA6\xC4\xAA||\xC4\xB3");
        QTest::newRow("byte-level then sentencepiece word")
            << bytes(std::string("\xC4\xA0" "a ") + kWordStart + "b") << QByteArray(" a| b");
    }
    void sequence()
    {
        QFETCH(QByteArray, spec);
        QFETCH(QByteArray, texts);
        const std::vector<std::string> in = pieces(spec);
        const std::vector<std::string> out = sequenceTexts(in);
        QCOMPARE(out.size(), in.size());
        QByteArray joined;
        std::string whole;
        for (size_t i = 0; i < out.size(); ++i) {
            joined += (i ? "|" : "") + bytes(out[i]);
            whole += out[i];
        }
        QCOMPARE(joined, texts);
        QCOMPARE(sequenceText(in), whole);
        // Whatever the bytes, the text is valid UTF-8: it must survive a round trip through QString.
        QCOMPARE(QString::fromUtf8(bytes(whole)).toUtf8(), bytes(whole));
    }
};

QTEST_GUILESS_MAIN(TestPieceText)
#include "test_piece_text.moc"
