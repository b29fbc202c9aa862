#include "ui/export/export_file.h"

#include <QFileInfo>
#include <QSaveFile>

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

Status writeFileAtomically(const QString &path, const QByteArray &bytes)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Status::failure(writeFailureMessage(path, file));
    if (file.write(bytes) != bytes.size() || !file.commit())
        return Status::failure(writeFailureMessage(path, file));
    return {};
}

} // namespace dlm
