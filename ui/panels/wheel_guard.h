#pragma once
// Scrolling a panel with the mouse wheel must scroll the panel: a spin box, combo box or slider that the
// pointer passes over would otherwise take the wheel and change its value unnoticed (gen length 64 -> 60).

#include <QObject>

class QWidget;

namespace dlm {

/**
 * An event filter for value fields. While the field does not have keyboard focus, a wheel event over it is
 * handed to the field's parent (and so up to the enclosing scroll area) instead of changing the value; once
 * the user has clicked or tabbed into the field, the wheel changes it as usual.
 */
class WheelGuard : public QObject
{
    Q_OBJECT

public:
    explicit WheelGuard(QObject *parent = nullptr);

    bool eventFilter(QObject *watched, QEvent *event) override;
};

/**
 * Installs a WheelGuard on `field` and stops the wheel from giving it focus (Qt::StrongFocus
 * instead of Qt::WheelFocus), so a pass of the wheel never arms the field either.
 */
void installWheelGuard(QWidget *field);

} // namespace dlm
