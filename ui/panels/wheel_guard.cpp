#include "ui/panels/wheel_guard.h"

#include <QCoreApplication>
#include <QWheelEvent>
#include <QWidget>

namespace dlm {

WheelGuard::WheelGuard(QObject *parent)
    : QObject(parent)
{
}

bool WheelGuard::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() != QEvent::Wheel)
        return false;
    auto *field = qobject_cast<QWidget *>(watched);
    if (!field || field->hasFocus())
        return false;
    // Returning true alone would swallow the wheel, and the panel under the pointer would not scroll. Qt does
    // not propagate an event sent from here (it is not spontaneous), so the ancestors are offered a copy in
    // turn, as Qt offers a real wheel event, until one takes it: normally the scroll area's viewport.
    const auto *wheel = static_cast<QWheelEvent *>(event);
    for (QWidget *w = field->isWindow() ? nullptr : field->parentWidget(); w; w = w->parentWidget()) {
        QWheelEvent copy(field->mapTo(w, wheel->position()), wheel->globalPosition(), wheel->pixelDelta(),
            wheel->angleDelta(), wheel->buttons(), wheel->modifiers(), wheel->phase(), wheel->inverted(),
            wheel->source(), wheel->pointingDevice());
        copy.ignore();
        QCoreApplication::sendEvent(w, &copy);
        if (copy.isAccepted() || w->isWindow() || w->testAttribute(Qt::WA_NoMousePropagation))
            break;
    }
    return true;
}

void installWheelGuard(QWidget *field)
{
    if (field->focusPolicy() == Qt::WheelFocus)
        field->setFocusPolicy(Qt::StrongFocus);
    // Owned by the field, so it goes when the field does.
    field->installEventFilter(new WheelGuard(field));
}

} // namespace dlm
