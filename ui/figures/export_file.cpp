#include "ui/figures/export_file.h"

#include "core/base/atomic_file.h"

#include <QFile>
#include <QFileInfo>

namespace dlm {

std::string writeFailureMessage(const QString &path, const QFileDevice &file)
{
    QString reason = file.errorString();
    // QSaveFile says "Unknown error" for a target that is a folder; say what is wrong.
    if (QFileInfo(path).isDir())
        reason = QStringLiteral("it is a folder");
    if (!reason.isEmpty())
        reason[0] = reason[0].toLower();
    return "cannot write " + path.toStdString() + ": " + reason.toStdString();
}

std::string writeFailureMessage(const QString &path, const Status &failed)
{
    const std::string name = QFile::encodeName(path).toStdString();
    std::string reason = failed.error();
    if (reason.compare(0, name.size() + 2, name + ": ") == 0)
        reason.erase(0, name.size() + 2);
    return "cannot write " + path.toStdString() + ": " + reason;
}

Status writeFileAtomically(const QString &path, const QByteArray &bytes)
{
    const Status written
        = writeFileAtomic(QFile::encodeName(path).toStdString(), std::string(bytes.constData(), size_t(bytes.size())));
    if (!written)
        return Status::failure(writeFailureMessage(path, written));
    return {};
}

} // namespace dlm
