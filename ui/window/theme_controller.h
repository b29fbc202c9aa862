#pragma once
// Light and dark appearance. "System" keeps the palette the platform gave the application at start-up, so
// a dark desktop gives a dark window; Light and Dark override it with Fusion palettes of their own.

#include <QObject>
#include <QPalette>
#include <QString>

namespace dlm {

class ThemeController : public QObject
{
    Q_OBJECT

public:
    enum class Mode { System, Light, Dark };

    explicit ThemeController(QObject *parent = nullptr);

    Mode mode() const { return m_mode; }
    void setMode(Mode mode);
    /** True when the palette in use has a dark window background. */
    static bool isDark(const QPalette &palette);

    static QString modeName(Mode mode);
    /** Parses modeName()'s output; anything else is System. */
    static Mode modeFromName(const QString &name);

    static QPalette lightPalette();
    static QPalette darkPalette();

Q_SIGNALS:
    void modeChanged(dlm::ThemeController::Mode mode);

private:
    Mode m_mode = Mode::System;
    QPalette m_systemPalette;
    QString m_systemStyle;
};

} // namespace dlm
