#include "ui/views/text_view.h"

#include "core/text/piece_text.h"
#include "core/timeline/timeline.h"
#include "ui/document/timeline_document.h"

#include <QClipboard>
#include <QGridLayout>
#include <QGuiApplication>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>

namespace dlm {

namespace {

QPlainTextEdit *textBox()
{
    auto *box = new QPlainTextEdit;
    box->setReadOnly(true);
    // Wrapped like the canvas; newlines in the text are line breaks.
    box->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    box->setMinimumHeight(3 * box->fontMetrics().lineSpacing() + 12);
    return box;
}

} // namespace

TextView::TextView(TimelineDocument *document, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
{
    m_currentTitle = new QLabel;
    m_finalTitle = new QLabel;
    m_current = textBox();
    m_current->setObjectName(QStringLiteral("currentText"));
    m_final = textBox();
    m_final->setObjectName(QStringLiteral("finalText"));
    m_copyCurrent = new QPushButton(tr("Copy"));
    m_copyCurrent->setToolTip(tr("Copy the text of the record on screen (masks as %1)").arg(kMaskGlyph));
    m_copyFinal = new QPushButton(tr("Copy"));
    m_copyFinal->setToolTip(tr("Copy the text of the branch's last record"));

    auto *layout = new QGridLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_currentTitle, 0, 0);
    layout->addWidget(m_copyCurrent, 0, 1);
    layout->addWidget(m_current, 1, 0, 1, 2);
    layout->addWidget(m_finalTitle, 2, 0);
    layout->addWidget(m_copyFinal, 2, 1);
    layout->addWidget(m_final, 3, 0, 1, 2);
    layout->setColumnStretch(0, 1);

    connect(m_copyCurrent, &QPushButton::clicked, this,
        [this] { QGuiApplication::clipboard()->setText(m_current->toPlainText()); });
    connect(m_copyFinal, &QPushButton::clicked, this,
        [this] { QGuiApplication::clipboard()->setText(m_final->toPlainText()); });
    connect(m_document, &TimelineDocument::timelineReset, this, &TextView::refresh);
    connect(m_document, &TimelineDocument::historyChanged, this, &TextView::refresh);
    connect(m_document, &TimelineDocument::countChanged, this, &TextView::refresh);
    connect(m_document, &TimelineDocument::currentChanged, this, &TextView::refresh);
    refresh();
}

QString TextView::recordText(const Timeline &timeline, const StepRecord &record)
{
    // A mask is an empty piece to sequenceTexts (it ends a run of byte pieces, as a gap in the text does),
    // then the glyph at its place.
    const int32_t mask = timeline.model.maskId;
    std::vector<std::string> pieces;
    pieces.reserve(record.tokens.size());
    for (int32_t id : record.tokens)
        pieces.push_back(id == mask ? std::string() : timeline.pieceOf(id));
    const std::vector<std::string> texts = sequenceTexts(pieces);
    QString text;
    for (size_t i = 0; i < texts.size(); ++i)
        text += record.tokens[i] == mask ? QString(kMaskGlyph) : QString::fromStdString(texts[i]);
    return text;
}

QString TextView::currentText() const
{
    return m_current->toPlainText();
}

QString TextView::finalText() const
{
    return m_final->toPlainText();
}

void TextView::refresh()
{
    const RecordPtr current = m_document->currentRecord();
    const RecordPtr last = m_document->isEmpty() ? RecordPtr() : m_document->recordAt(m_document->count() - 1);
    const Timeline &timeline = m_document->timeline();
    m_currentTitle->setText(current ? tr("Record %1").arg(m_document->index()) : tr("No session"));
    m_finalTitle->setText(last ? tr("Last record of this branch (%1)").arg(m_document->count() - 1) : QString());
    m_current->setPlainText(current ? recordText(timeline, *current) : QString());
    m_final->setPlainText(last ? recordText(timeline, *last) : QString());
    m_copyCurrent->setEnabled(current != nullptr);
    m_copyFinal->setEnabled(last != nullptr);
}

} // namespace dlm
