#pragma once
// The keyboard shortcuts as the window really has them: read from its QActions and QShortcuts when asked, so
// the list cannot drift from the keys that work.

#include <QDialog>
#include <QString>

#include <vector>

class QWidget;

namespace dlm {

/** One shortcut: what it does, its keys in the platform's notation, and the menu it lives in (if any). */
struct ShortcutRow
{
    QString action;
    QString keys;
    QString menu;
};

/** Every action and QShortcut of `window` (menus included) that has a key, in menu order. */
std::vector<ShortcutRow> collectShortcuts(QWidget *window);

/** A dialog listing collectShortcuts(window) at the time it opens. */
class ShortcutsDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ShortcutsDialog(QWidget *window, QWidget *parent = nullptr);
};

} // namespace dlm
