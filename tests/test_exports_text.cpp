// Byte pieces read the same everywhere: the GUI's canvas and the Markdown, LaTeX, HTML and CSV exports of a
// timeline whose tokens include a newline byte, an em dash spelled as three UTF-8 bytes, and a lone byte
// that is not a character. The timeline is built by hand, so the expected text is written out below too.

#include "core/export/html_player.h"
#include "core/export/timeline_csv.h"
#include "core/export/timeline_table.h"
#include "ui/document/timeline_document.h"
#include "ui/views/canvas_view.h"

#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <map>

using namespace dlm;

namespace {

constexpr int32_t kMask = 0;
const QString kMaskShade = QStringLiteral("\u2592"); // how the Markdown table draws a mask

/** The prompt "The", then " x", newline, the em dash's three bytes, " end", a lone 0xF0, "A" and a mask. */
Timeline byteTimeline()
{
    Timeline t;
    t.model.maskId = kMask;
    t.model.name = "bytes";
    t.promptIds = {1};
    t.promptText = "The";
    t.pieces = {{0, "<|mdm_mask|>"}, {1, "\xE2\x96\x81The"}, {2, "<0x0A>"}, {3, "<0xE2>"}, {4, "<0x80>"}, {5, "<0x94>"},
        {6,
            "\xE2\x96\x81"
            "end"},
        {7, "<0xF0>"}, {8, "<0x41>"}, {9, "\xE2\x96\x81x"}};
    StepRecord initial;
    initial.tokens = {1, kMask, kMask, kMask, kMask, kMask, kMask, kMask, kMask, kMask};
    initial.states.assign(initial.tokens.size(), PositionState::Masked);
    initial.states[0] = PositionState::Prompt;
    initial.flags.assign(initial.tokens.size(), 0);
    StepRecord filled = initial;
    filled.kind = RecordKind::Denoise;
    filled.denoiseStep = 1;
    filled.tokens = {1, 9, 2, 3, 4, 5, 6, 7, 8, kMask};
    for (size_t i = 1; i + 1 < filled.tokens.size(); ++i)
        filled.states[i] = PositionState::Committed; // not this step's commits: no bold in the tables
    t.start(initial);
    t.append(0, filled);
    return t;
}

/** What the canvas shows from position 1 on, as one string: a gap before word starts, masks as the shade,
 *  the continuation mark dropped (the chip before shows the whole character). */
QString canvasText(const CanvasView &view)
{
    QString text;
    for (int pos = 1; pos < view.chipCount(); ++pos) {
        const TokenChip *chip = view.chip(pos);
        if (chip->kind == TokenChip::Kind::Mask)
            text += kMaskShade;
        else if (chip->text != QString(CanvasView::kContinuationMark))
            text += (chip->wordStart ? QStringLiteral(" ") : QString()) + chip->text;
    }
    return text.trimmed();
}

/** The text cell of the table row for record 1. */
QString tableCell(const std::string &table, const QString &rowStart, const QString &cellEnd)
{
    for (const QString &line : QString::fromStdString(table).split(QLatin1Char('\n'))) {
        if (line.startsWith(rowStart)) {
            const QString cells = line.mid(rowStart.size());
            return cells.left(cells.lastIndexOf(cellEnd)).trimmed();
        }
    }
    return QStringLiteral("(no row)");
}

} // namespace

class TestExportsText : public QObject
{
    Q_OBJECT

private:
    Timeline m_timeline = byteTimeline();
    // Written out by hand: " x", newline (the canvas's and the Markdown's U+21B5), the em dash, " end", the
    // lone byte as its piece, "A", a mask.
    const QString m_expected = QStringLiteral("x\u21B5\u2014 end<0xF0>A") + kMaskShade;
    QString m_gui;

private Q_SLOTS:
    void initTestCase()
    {
        TimelineDocument document;
        document.loadReplay(m_timeline, QStringLiteral("bytes.json"));
        // Wired as the main window wires it.
        CanvasView view;
        view.setMaskId(document.maskId());
        view.setPieceText([&document](int32_t id) { return document.displayText(id); },
            [&document](int32_t id) { return document.rawPiece(id); });
        view.setRecord(document.recordAt(1));
        QCOMPARE(view.chipCount(), 10);
        m_gui = canvasText(view);
        QCOMPARE(m_gui, m_expected);
        // One token on its own (tooltips, the inspector): a byte is its character only below 0x80.
        QCOMPARE(document.displayText(2), QStringLiteral("\n"));
        QCOMPARE(document.displayText(8), QStringLiteral("A"));
        QCOMPARE(document.displayText(3), QStringLiteral("<0xE2>"));
        QCOMPARE(view.chip(4)->text, QString(CanvasView::kContinuationMark));
        QVERIFY(view.chip(2)->breakAfter); // the newline ends the canvas line
    }

    void markdownShowsTheGuiText()
    {
        auto md = timelineTable(m_timeline, TableFormat::Markdown, {0, {1}});
        QVERIFY2(md.ok(), md.error().c_str());
        QString cell = tableCell(*md, QStringLiteral("| 1 | 1 | "), QStringLiteral(" |"));
        cell.replace(QStringLiteral("\\<"), QStringLiteral("<")).replace(QStringLiteral("\\>"), QStringLiteral(">"));
        QCOMPARE(cell, m_gui);
    }

    void latexShowsTheGuiText()
    {
        auto tex = timelineTable(m_timeline, TableFormat::Latex, {0, {1}});
        QVERIFY2(tex.ok(), tex.error().c_str());
        QString cell = tableCell(*tex, QStringLiteral("    1 & 1 & "), QStringLiteral(" \\\\"));
        cell.replace(QStringLiteral("$\\hookleftarrow$"), QStringLiteral("\u21B5"))
            .replace(QStringLiteral("\\textless{}"), QStringLiteral("<"))
            .replace(QStringLiteral("\\textgreater{}"), QStringLiteral(">"))
            .replace(QStringLiteral("\\texttt{[M]}"), kMaskShade);
        QCOMPARE(cell, m_gui);
    }

    void htmlShowsTheGuiText()
    {
        // The player spells a position from the record's "joined" characters, else from the pieces table.
        auto data = timelinePlayerData(m_timeline, {0, 0});
        QVERIFY2(data.ok(), data.error().c_str());
        const QJsonObject root = QJsonDocument::fromJson(QByteArray::fromStdString(*data)).object();
        std::map<int, QString> texts;
        for (const QJsonValue &p : root.value(QStringLiteral("pieces")).toArray())
            texts[p.toArray().at(0).toInt()] = p.toArray().at(2).toString();
        const QJsonObject record = root.value(QStringLiteral("records")).toArray().at(1).toObject();
        std::map<int, QString> joined;
        for (const QJsonValue &j : record.value(QStringLiteral("joined")).toArray())
            joined[j.toArray().at(0).toInt()] = j.toArray().at(1).toString();
        QCOMPARE(joined.size(), size_t(3)); // the em dash's three bytes and nothing else
        const QJsonArray tokens = record.value(QStringLiteral("tokens")).toArray();
        QString text;
        for (int pos = 1; pos < tokens.size(); ++pos) {
            const int id = tokens.at(pos).toInt();
            text += id == kMask ? kMaskShade : joined.count(pos) ? joined[pos] : texts.at(id);
        }
        QCOMPARE(text.trimmed().replace(QLatin1Char('\n'), QChar(0x21B5)), m_gui);
    }

    void csvTextColumn()
    {
        auto csv = timelineToCsv(m_timeline, {0, {1}});
        QVERIFY2(csv.ok(), csv.error().c_str());
        // Rows of record 1: the text column is the 17th; the newline's cell is quoted.
        const QString text = QString::fromStdString(*csv);
        QVERIFY2(text.contains(QStringLiteral(",2,<0x0A>,committed,0,,,,,,,\"\n\",\n")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral(",3,<0xE2>,committed,0,,,,,,,\u2014,\n")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral(",4,<0x80>,committed,0,,,,,,,,\n")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral(",7,<0xF0>,committed,0,,,,,,,<0xF0>,\n")), qPrintable(text));
    }
};

QTEST_MAIN(TestExportsText)
#include "test_exports_text.moc"
