#include "ui/help/glossary_dialog.h"

#include "ui/text/glossary_text.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QListWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace dlm {

namespace {

QString kindName(HelpEntry::Kind kind)
{
    switch (kind) {
    case HelpEntry::Kind::Term:
        return GlossaryDialog::tr("term");
    case HelpEntry::Kind::Legend:
        return GlossaryDialog::tr("colour or mark");
    case HelpEntry::Kind::View:
        return GlossaryDialog::tr("part of the window");
    }
    return {};
}

} // namespace

GlossaryDialog::GlossaryDialog(QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("glossaryDialog"));
    setWindowTitle(tr("Glossary"));
    m_search = new QLineEdit;
    m_search->setObjectName(QStringLiteral("glossarySearch"));
    m_search->setPlaceholderText(tr("Search: mask, remask, temperature…"));
    m_search->setClearButtonEnabled(true);
    m_list = new QListWidget;
    m_list->setObjectName(QStringLiteral("glossaryList"));
    m_text = new QTextBrowser;
    m_text->setObjectName(QStringLiteral("glossaryText"));
    m_text->setOpenExternalLinks(false);

    auto *split = new QHBoxLayout;
    split->addWidget(m_list, 2);
    split->addWidget(m_text, 3);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_search);
    layout->addLayout(split, 1);
    layout->addWidget(buttons);
    resize(640, 420);

    connect(m_search, &QLineEdit::textChanged, this, &GlossaryDialog::setFilter);
    connect(m_list, &QListWidget::currentRowChanged, this, &GlossaryDialog::showCurrent);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    setFilter(QString());
}

void GlossaryDialog::setFilter(const QString &query)
{
    if (m_search->text() != query) {
        m_search->setText(query); // comes back here through textChanged
        return;
    }
    m_list->clear();
    for (const HelpEntry *e : searchHelp(query)) {
        auto *item = new QListWidgetItem(e->title, m_list);
        item->setData(Qt::UserRole, e->key);
        item->setToolTip(kindName(e->kind));
    }
    if (m_list->count() > 0)
        m_list->setCurrentRow(0);
    else
        m_text->setPlainText(tr("Nothing matches “%1”.").arg(query));
}

bool GlossaryDialog::showEntry(const QString &key)
{
    if (!findHelpEntry(key))
        return false;
    setFilter(QString());
    for (int i = 0; i < m_list->count(); ++i) {
        if (m_list->item(i)->data(Qt::UserRole).toString() == key) {
            m_list->setCurrentRow(i);
            break;
        }
    }
    return true;
}

QStringList GlossaryDialog::visibleKeys() const
{
    QStringList keys;
    for (int i = 0; i < m_list->count(); ++i)
        keys << m_list->item(i)->data(Qt::UserRole).toString();
    return keys;
}

QString GlossaryDialog::currentKey() const
{
    const QListWidgetItem *item = m_list->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

void GlossaryDialog::showCurrent()
{
    const HelpEntry *e = findHelpEntry(currentKey());
    if (!e)
        return;
    m_text->setHtml(QStringLiteral("<h3>%1</h3><p><i>%2</i></p><p>%3</p>")
                        .arg(e->title.toHtmlEscaped(), kindName(e->kind), e->text.toHtmlEscaped()));
}

} // namespace dlm
