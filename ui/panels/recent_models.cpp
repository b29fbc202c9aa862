#include "ui/panels/recent_models.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

namespace dlm {

const char *const RecentModels::kSettingsKey = "recentModels";

RecentModels::RecentModels(QSettings *settings)
{
    if (!settings) {
        // Named explicitly rather than QSettings(): the GUI entry point sets only the application name, and
        // the list must land in the same file whichever way the window was started.
        m_own = std::make_unique<QSettings>(QStringLiteral("DLM Studio"), QStringLiteral("DLM Studio"));
        settings = m_own.get();
    }
    m_settings = settings;
}

RecentModels::~RecentModels() = default;

QString RecentModels::normalized(const QString &dir)
{
    const QString trimmed = dir.trimmed();
    if (trimmed.isEmpty())
        return {};
    return QDir::cleanPath(QFileInfo(trimmed).absoluteFilePath());
}

QStringList RecentModels::directories() const
{
    QStringList out;
    const QStringList stored = m_settings->value(QLatin1String(kSettingsKey)).toStringList();
    for (const QString &dir : stored) {
        const QString clean = normalized(dir);
        if (!clean.isEmpty() && QFileInfo(clean).isDir() && !out.contains(clean))
            out << clean;
        if (out.size() == kMaxEntries)
            break;
    }
    return out;
}

void RecentModels::add(const QString &dir)
{
    const QString clean = normalized(dir);
    if (clean.isEmpty())
        return;
    QStringList list = directories();
    list.removeAll(clean);
    list.prepend(clean);
    while (list.size() > kMaxEntries)
        list.removeLast();
    m_settings->setValue(QLatin1String(kSettingsKey), list);
}

} // namespace dlm
