#pragma once
// Value types that travel from the engine thread to the GUI thread through queued signals. They carry
// only torch-free data; records are shared, immutable StepRecords, so sending one costs a pointer copy.

#include "core/sampling/generation_settings.h"
#include "core/timeline/step_record.h"
#include "core/timeline/timeline.h"

#include <QMetaType>
#include <QString>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace dlm {

class Tokenizer;

using RecordPtr = std::shared_ptr<const StepRecord>;

/** What the GUI needs to know about a freshly loaded model. */
struct ModelInfo
{
    QString dir;
    QString name;
    QString summary;              ///< one line: shape, vocabulary, dtype, parameter count
    GenerationSettings defaults;  ///< GenerationSettings defaults overridden by generation_config.json
    QString defaultsWarning;      ///< why generation_config.json was ignored, empty when it was fine
    int32_t maskId = -1;
    int maxSequenceLength = 0;
    /// The model's tokenizer, for counting prompt tokens on the GUI thread. Encoding is const and
    /// sentencepiece's processor is safe to use from several threads, so sharing it with the engine is fine.
    std::shared_ptr<const Tokenizer> tokenizer;
};

/** The timeline as it is right after Session::create: settings, prompt, model identity, initial record. */
struct SessionSnapshot
{
    Timeline timeline;
    int branch = 0;
    int index = 0;
};

/** One record the session moved to, either freshly computed or reached again along history. */
struct RecordUpdate
{
    RecordPtr record;
    int branch = 0;
    int index = 0;
    /// Set when `branch` is new to the receiver: it forked from `parentBranch` after record `forkIndex`.
    int parentBranch = -1;
    int forkIndex = -1;
    /// Pieces of ids in `record` that were not sent before, so the receiver can show text without a tokenizer.
    std::vector<std::pair<int32_t, std::string>> newPieces;
};

/** A user's change to the canvas, as the worker applies it and the undo stack replays it. */
struct EditRequest
{
    enum class Kind { SetTokens, SetText, Remask, Lock, Unlock };
    Kind kind = Kind::SetTokens;
    std::vector<int32_t> positions; ///< SetTokens/SetText: only the first (tokens fill from there on)
    std::vector<int32_t> ids;       ///< SetTokens
    QString text;                   ///< SetText: typed text, tokenised by the engine
};

/** Where an edit was made and where it led; what undo needs to take it back exactly. */
struct EditOutcome
{
    quint64 id = 0; ///< the controller's number for the request
    EditRequest request;
    int beforeBranch = 0, beforeIndex = 0; ///< the record the edit was made at
    int afterBranch = 0, afterIndex = 0;   ///< the Edit record it created
    bool forked = false;                   ///< the edit was in the past, so it started branch `afterBranch`
    int written = 0;                       ///< positions it changed (typed text may fill several)
};

/** Registers the types above for queued connections; idempotent. */
void registerEngineTypes();

} // namespace dlm

Q_DECLARE_METATYPE(dlm::GenerationSettings)
Q_DECLARE_METATYPE(dlm::ComputeDType)
Q_DECLARE_METATYPE(dlm::ModelInfo)
Q_DECLARE_METATYPE(dlm::SessionSnapshot)
Q_DECLARE_METATYPE(dlm::RecordUpdate)
Q_DECLARE_METATYPE(dlm::EditRequest)
Q_DECLARE_METATYPE(dlm::EditOutcome)
