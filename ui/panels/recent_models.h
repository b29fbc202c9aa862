#pragma once
// The model directories a user loaded lately, kept in QSettings so the model picker remembers them.

#include <QString>
#include <QStringList>

#include <memory>

class QSettings;

namespace dlm {

/**
 * Most recently loaded model directories, most recent first, at most kMaxEntries, stored under one QSettings
 * key. Directories that no longer exist are left out when read and dropped on the next write, so a deleted or
 * unmounted model never appears in the picker. Tests pass a QSettings on a temporary INI file.
 */
class RecentModels
{
public:
    static constexpr int kMaxEntries = 10;
    static const char *const kSettingsKey; ///< "recentModels"

    /** Reads and writes `settings`, which must outlive this object; nullptr uses DLM Studio's settings. */
    explicit RecentModels(QSettings *settings = nullptr);
    ~RecentModels();
    RecentModels(const RecentModels &) = delete;
    RecentModels &operator=(const RecentModels &) = delete;

    /** Existing directories, most recent first. */
    QStringList directories() const;
    /** Moves `dir` to the front (adding it if new) and writes the list back; empty paths are ignored. */
    void add(const QString &dir);

    /** The form a directory is stored and compared in: absolute and clean, so "a/../b" and "b/" match. */
    static QString normalized(const QString &dir);

private:
    std::unique_ptr<QSettings> m_own; ///< DLM Studio's settings file when none was given
    QSettings *m_settings = nullptr;
};

} // namespace dlm
