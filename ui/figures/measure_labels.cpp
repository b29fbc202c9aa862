#include "ui/figures/measure_labels.h"

#include <QCoreApplication>

namespace dlm {

QString measureTitle(ConfidenceMeasure measure)
{
    return QCoreApplication::translate("dlm::MeasureLabels", "confidence: %1").arg(measureBriefTitle(measure));
}

QString measureBriefTitle(ConfidenceMeasure measure)
{
    switch (measure) {
    case ConfidenceMeasure::LowConfidence:
        return QCoreApplication::translate("dlm::MeasureLabels", "p(candidate)");
    case ConfidenceMeasure::Random:
        return QCoreApplication::translate("dlm::MeasureLabels", "random draw");
    case ConfidenceMeasure::Margin:
        return QCoreApplication::translate("dlm::MeasureLabels", "p(top1) \u2212 p(top2)");
    case ConfidenceMeasure::Entropy:
        return QCoreApplication::translate("dlm::MeasureLabels", "\u2212entropy (nats)");
    }
    return QCoreApplication::translate("dlm::MeasureLabels", "confidence");
}

} // namespace dlm
