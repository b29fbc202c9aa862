#include "ui/engine/engine_types.h"

namespace dlm {

void registerEngineTypes()
{
    // Queued connections look types up by name at run time; register them once before the first emit.
    qRegisterMetaType<GenerationSettings>("dlm::GenerationSettings");
    qRegisterMetaType<ComputeDType>("dlm::ComputeDType");
    qRegisterMetaType<ModelInfo>("dlm::ModelInfo");
    qRegisterMetaType<EngineState>("dlm::EngineState");
    qRegisterMetaType<EditRequest>("dlm::EditRequest");
    qRegisterMetaType<EditOutcome>("dlm::EditOutcome");
    qRegisterMetaType<UndoReply>("dlm::UndoReply");
    qRegisterMetaType<PredictionReply>("dlm::PredictionReply");
    qRegisterMetaType<StepProgressUpdate>("dlm::StepProgressUpdate");
}

} // namespace dlm
