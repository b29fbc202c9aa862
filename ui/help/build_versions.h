#pragma once
// The versions of the libraries this build of DLM Studio was compiled against, for About and bug reports.

#include <QList>
#include <QPair>
#include <QString>

namespace dlm {

/** (library, version) rows: DLM Studio, Qt (built and running), LibTorch, sentencepiece, ICU, PCRE2. */
QList<QPair<QString, QString>> buildVersions();

} // namespace dlm
