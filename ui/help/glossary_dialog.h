#pragma once
// The glossary: every term, legend key and view of the window explained in plain words, with a search field.

#include <QDialog>
#include <QStringList>

class QLineEdit;
class QListWidget;
class QTextBrowser;

namespace dlm {

/** A searchable list of ui/help's help entries with the selected entry's text beside it. */
class GlossaryDialog : public QDialog
{
    Q_OBJECT

public:
    explicit GlossaryDialog(QWidget *parent = nullptr);

    /** Filters the list to entries matching `query` (see searchHelp) and shows the first. */
    void setFilter(const QString &query);
    /** Clears the filter and shows the entry `key`; false for an unknown key. */
    bool showEntry(const QString &key);
    /** Keys of the entries the list shows now, in order. */
    QStringList visibleKeys() const;
    /** Key of the entry whose text is shown. */
    QString currentKey() const;
    QLineEdit *searchField() const { return m_search; }

private:
    void showCurrent();

    QLineEdit *m_search = nullptr;
    QListWidget *m_list = nullptr;
    QTextBrowser *m_text = nullptr;
};

} // namespace dlm
