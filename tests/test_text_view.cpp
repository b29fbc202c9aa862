// The text view: the record on screen and the branch's last record as plain text (pieces joined as the
// tokenizer spells them, newlines as line breaks, each mask as the mask glyph), following the cursor, and
// Copy putting exactly that text on the clipboard.
#include "ui/document/timeline_document.h"
#include "ui/views/canvas_view.h"
#include "ui/views/text_view.h"

#include "core/text/piece_text.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QPushButton>
#include <QtTest>

using namespace dlm;

namespace {

constexpr int32_t kMask = 9;

StepRecord record(std::vector<int32_t> tokens)
{
    StepRecord r;
    r.tokens = std::move(tokens);
    r.states.assign(r.tokens.size(), PositionState::Committed);
    r.flags.assign(r.tokens.size(), 0);
    return r;
}

/** "▁Once ▁upon" then two masks, filled one step at a time: "a" then "\n" + "time". */
Timeline makeTimeline()
{
    Timeline t;
    t.model.maskId = kMask;
    t.promptIds = {1, 2};
    t.pieces = {{1, "\xE2\x96\x81Once"}, {2, "\xE2\x96\x81upon"},
        {3,
            "\xE2\x96\x81"
            "a"},
        {4, "<0x0A>"}, {5, "time"}, {kMask, "<|mdm_mask|>"}};
    t.start(record({1, 2, kMask, kMask, kMask}));
    t.append(0, record({1, 2, 3, kMask, kMask}));
    t.append(0, record({1, 2, 3, 4, 5}));
    return t;
}

} // namespace

class TestTextView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void recordTextSpellsPiecesAndMasks()
    {
        const Timeline t = makeTimeline();
        const QString mask(TextView::kMaskGlyph);
        QCOMPARE(TextView::recordText(t, t.branch(0).at(0)), QStringLiteral(" Once upon") + mask + mask + mask);
        QCOMPARE(TextView::recordText(t, t.branch(0).at(1)), QStringLiteral(" Once upon a") + mask + mask);
        // The byte piece <0x0A> is a newline, a real line break in the text.
        QCOMPARE(TextView::recordText(t, t.branch(0).at(2)), QStringLiteral(" Once upon a\ntime"));
    }

    void followsTheCursorAndCopies()
    {
        TimelineDocument doc;
        TextView view(&doc);
        QVERIFY(view.currentText().isEmpty());
        QVERIFY(!view.copyCurrentButton()->isEnabled());
        doc.loadReplay(makeTimeline(), QStringLiteral("t.json"));
        QVERIFY(doc.setIndex(1));
        const QString mask(TextView::kMaskGlyph);
        QCOMPARE(view.currentText(), QStringLiteral(" Once upon a") + mask + mask);
        QCOMPARE(view.finalText(), QStringLiteral(" Once upon a\ntime"));
        view.copyCurrentButton()->click();
        QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral(" Once upon a") + mask + mask);
        view.copyFinalButton()->click();
        QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral(" Once upon a\ntime"));
        QVERIFY(doc.setIndex(0));
        QCOMPARE(view.currentText(), QStringLiteral(" Once upon") + mask + mask + mask);
        doc.clear();
        QVERIFY(view.currentText().isEmpty());
        QVERIFY(!view.copyFinalButton()->isEnabled());
    }

    void canvasTextMode()
    {
        // The same record as chips and as text: the newline piece breaks the line in both, but only chip
        // mode shows the stand-in and turns the word-start into a gap.
        const Timeline t = makeTimeline();
        CanvasView canvas;
        canvas.setPieceText([&t](int32_t id) { return QString::fromStdString(pieceText(t.pieceOf(id))); },
            [&t](int32_t id) { return QString::fromStdString(t.pieceOf(id)); });
        canvas.setMaskId(kMask);
        canvas.setRecord(std::make_shared<const StepRecord>(t.branch(0).at(2)));
        QCOMPARE(canvas.chip(1)->text, QStringLiteral("upon"));
        QVERIFY(canvas.chip(1)->wordStart);
        QCOMPARE(canvas.chip(3)->text, QString(QChar(0x21B5)));
        QVERIFY(canvas.chip(3)->breakAfter);
        canvas.setTextMode(true);
        QCOMPARE(canvas.chip(1)->text, QStringLiteral(" upon"));
        QVERIFY(!canvas.chip(1)->wordStart);
        QVERIFY(canvas.chip(3)->breakAfter);
        QCOMPARE(canvas.chip(4)->text, QStringLiteral("time"));
        // The chip after the break starts a new line.
        canvas.resize(600, 200);
        QVERIFY(canvas.chipRect(4).top() > canvas.chipRect(3).top());
    }
};

QTEST_MAIN(TestTextView)
#include "test_text_view.moc"
