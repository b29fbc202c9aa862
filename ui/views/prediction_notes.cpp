#include "ui/views/prediction_notes.h"

#include <QCoreApplication>

namespace dlm {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("PredictionNotes", text);
}

} // namespace

QString laterPredictionNote()
{
    return tr("right of the block: recorded, never eligible this step");
}

QString noPredictionReason(const StepRecord &r)
{
    switch (r.later) {
    case LaterPredictions::Off:
        return tr("this run does not record predictions right of the block (Advanced: Record predictions right "
                  "of the block)");
    case LaterPredictions::BlockOnly:
        return tr("this dual-cache step ran the block only; later blocks are predicted on the steps that run the "
                  "whole canvas");
    case LaterPredictions::Recorded:
    case LaterPredictions::Unknown:
        break;
    }
    return tr("outside the block");
}

} // namespace dlm
