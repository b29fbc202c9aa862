#include "ui/help/shortcut_list.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QSet>
#include <QShortcut>
#include <QTableWidget>
#include <QVBoxLayout>

namespace dlm {

namespace {

QString plainText(QString text)
{
    // "&Save timeline" -> "Save timeline", "Open &model directory…" -> "Open model directory…"
    text.replace(QStringLiteral("&&"), QStringLiteral("\x01"));
    text.remove(QLatin1Char('&'));
    text.replace(QStringLiteral("\x01"), QStringLiteral("&"));
    return text;
}

QString keysText(const QList<QKeySequence> &keys)
{
    QStringList parts;
    for (const QKeySequence &k : keys)
        parts << k.toString(QKeySequence::NativeText);
    return parts.join(QStringLiteral(", "));
}

void addAction(std::vector<ShortcutRow> &rows, QSet<const QAction *> &seen, const QAction *a, const QString &menu)
{
    if (seen.contains(a))
        return;
    seen.insert(a);
    if (a->shortcuts().isEmpty())
        return;
    QString text = plainText(a->text());
    if (text.isEmpty())
        text = a->toolTip();
    rows.push_back({text, keysText(a->shortcuts()), menu});
}

void addMenu(std::vector<ShortcutRow> &rows, QSet<const QAction *> &seen, const QMenu *menu, const QString &path)
{
    for (const QAction *a : menu->actions()) {
        if (a->isSeparator())
            continue;
        if (const QMenu *sub = a->menu())
            addMenu(rows, seen, sub, path + QStringLiteral(" > ") + plainText(a->text()));
        else
            addAction(rows, seen, a, path);
    }
}

} // namespace

std::vector<ShortcutRow> collectShortcuts(QWidget *window)
{
    std::vector<ShortcutRow> rows;
    QSet<const QAction *> seen;
    if (auto *main = qobject_cast<QMainWindow *>(window); main && main->menuWidget()) {
        for (const QAction *top : main->menuBar()->actions()) {
            if (const QMenu *menu = top->menu())
                addMenu(rows, seen, menu, plainText(top->text()));
        }
    }
    // Actions outside the menus: on the window itself, toolbars, views.
    for (const QAction *a : window->findChildren<QAction *>())
        addAction(rows, seen, a, QString());
    for (const QAction *a : window->actions())
        addAction(rows, seen, a, QString());
    for (const QShortcut *s : window->findChildren<QShortcut *>()) {
        if (!s->key().isEmpty())
            rows.push_back({s->whatsThis().isEmpty() ? s->objectName() : s->whatsThis(), keysText(s->keys()), {}});
    }
    return rows;
}

ShortcutsDialog::ShortcutsDialog(QWidget *window, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("shortcutsDialog"));
    setWindowTitle(tr("Keyboard shortcuts"));
    const std::vector<ShortcutRow> rows = collectShortcuts(window);
    auto *table = new QTableWidget(static_cast<int>(rows.size()), 3);
    table->setObjectName(QStringLiteral("shortcutTable"));
    table->setHorizontalHeaderLabels({tr("Keys"), tr("Action"), tr("Menu")});
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    for (int i = 0; i < static_cast<int>(rows.size()); ++i) {
        const ShortcutRow &r = rows[static_cast<size_t>(i)];
        table->setItem(i, 0, new QTableWidgetItem(r.keys));
        table->setItem(i, 1, new QTableWidgetItem(r.action));
        table->setItem(i, 2, new QTableWidgetItem(r.menu));
    }
    table->resizeColumnsToContents();
    table->horizontalHeader()->setStretchLastSection(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(table);
    layout->addWidget(buttons);
    resize(560, 460);
}

} // namespace dlm
