#pragma once
// Atomic writes for the image exports (core's AtomicFile: a temporary file beside the target, renamed over
// it on commit; a target that is not a regular file is refused), with the one-line messages every export
// front end shows: "cannot write PATH: reason".

#include "core/base/result.h"

#include <QByteArray>
#include <QString>

class QFileDevice;

namespace dlm {

/** "cannot write PATH: reason" for a file that failed (reason from the device's error string). */
std::string writeFailureMessage(const QString &path, const QFileDevice &file);

/** "cannot write PATH: reason" from a core file message "PATH: reason". */
std::string writeFailureMessage(const QString &path, const Status &failed);

/** Writes `bytes` to `path` atomically: the old file, if any, stays until the new one is complete. */
Status writeFileAtomically(const QString &path, const QByteArray &bytes);

} // namespace dlm
