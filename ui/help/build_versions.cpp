#include "ui/help/build_versions.h"

// Only version macros: these headers pull in no LibTorch, ICU or PCRE2 code.
#include <torch/csrc/api/include/torch/version.h>
#include <unicode/uvernum.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <QtGlobal>

#ifndef DLM_APP_VERSION
#define DLM_APP_VERSION "unknown"
#endif
#ifndef DLM_SENTENCEPIECE_VERSION
#define DLM_SENTENCEPIECE_VERSION "unknown"
#endif

namespace dlm {

QList<QPair<QString, QString>> buildVersions()
{
    const QString qt = QString::fromLatin1(qVersion()) == QLatin1String(QT_VERSION_STR)
        ? QStringLiteral(QT_VERSION_STR)
        : QStringLiteral("%1 (built with %2)").arg(QString::fromLatin1(qVersion()), QStringLiteral(QT_VERSION_STR));
    return {
        {QStringLiteral("DLM Studio"), QStringLiteral(DLM_APP_VERSION)},
        {QStringLiteral("Qt"), qt},
        {QStringLiteral("LibTorch"), QStringLiteral(TORCH_VERSION)},
        {QStringLiteral("sentencepiece"), QStringLiteral(DLM_SENTENCEPIECE_VERSION)},
        {QStringLiteral("ICU"), QStringLiteral(U_ICU_VERSION)},
        {QStringLiteral("PCRE2"), QStringLiteral("%1.%2").arg(PCRE2_MAJOR).arg(PCRE2_MINOR)},
    };
}

} // namespace dlm
