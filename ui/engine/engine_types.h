#pragma once
// Value types that travel between the engine thread and the GUI thread through queued signals. They carry
// only torch-free data; records are shared, immutable StepRecords, so sending one costs a pointer copy.

#include "core/sampling/generation_settings.h"
#include "core/text/chat_message.h"
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

class ChatTemplate;
class Tokenizer;
struct DetachedHistory;

using RecordPtr = std::shared_ptr<const StepRecord>;

/** What the GUI needs to know about a freshly loaded model. */
struct ModelInfo
{
    QString dir;
    QString name;
    QString summary; ///< one line: shape, vocabulary, dtype, parameter count
    GenerationSettings defaults; ///< GenerationSettings defaults overridden by generation_config.json
    QString defaultsWarning; ///< why generation_config.json was ignored, empty when it was fine
    int32_t maskId = -1;
    int maxSequenceLength = 0;
    /// The model's tokenizer, for counting prompt tokens on the GUI thread. Encoding is const and
    /// sentencepiece's processor is safe to use from several threads, so sharing it with the engine is fine.
    std::shared_ptr<const Tokenizer> tokenizer;
    std::shared_ptr<const ChatTemplate> chatTemplate; ///< null when the model has none
    QString chatTemplateError; ///< the model's template exists but cannot be read
};

/**
 * The engine's timeline and cursor after a request changed them. It is the only timeline the GUI has: the
 * document shows it and Save writes it. Copies are cheap, since records are shared and immutable.
 */
struct EngineState
{
    /** The request that led here, so the document knows whether the view follows the cursor. */
    enum class Cause { Started, Stepped, Moved, Edited, Undone, Redone };
    Cause cause = Cause::Started;
    Timeline timeline;
    int branch = 0, index = 0; ///< the engine's cursor after the request
    int fromBranch = 0, fromIndex = 0; ///< its cursor before (a view that sat there follows a step)
};

/** A user's change to the canvas, as the worker applies it and the undo stack replays it. */
struct EditRequest
{
    enum class Kind { SetTokens, SetText, Remask, Lock, Unlock };
    Kind kind = Kind::SetTokens;
    std::vector<int32_t> positions; ///< SetTokens/SetText: only the first (tokens fill from there on)
    std::vector<int32_t> ids; ///< SetTokens
    QString text; ///< SetText: typed text, tokenised by the engine
};

/** An edit the engine applied: where its record is, so undo can name it, and what it did, for messages. */
struct EditOutcome
{
    EditRequest request;
    RecordPtr record; ///< the Edit record it created
    int branch = 0, index = 0; ///< where that record is
    int beforeBranch = 0, beforeIndex = 0; ///< the record the edit was made at
    bool forked = false; ///< the edit was in the past, so it started branch `branch`
    int written = 0; ///< positions it changed (typed text may fill several)
};

/** What Session::takeBackEdit took out; only the engine looks inside (redo gives it back). */
using DetachedPtr = std::shared_ptr<const DetachedHistory>;

/** The engine's answer to an undo or a redo: done (with what undo took out), or refused and why. */
struct UndoReply
{
    quint64 id = 0; ///< the controller's number for the request
    bool ok = false;
    QString error; ///< why it was refused; the engine's timeline did not change
    DetachedPtr detached; ///< undo: what redo needs to put back
};

/** The engine's answer to a one-pass prediction request ("what would the model say here"). */
struct PredictionReply
{
    quint64 id = 0; ///< the controller's number for the request
    int branch = 0, index = 0, position = -1; ///< the record whose canvas was run, and the position
    bool ok = false;
    QString error; ///< why there is no prediction
    std::vector<int32_t> topIds; ///< most probable first
    std::vector<float> topProbs;
    std::vector<std::string> pieces; ///< the tokenizer's piece of each top id
    float entropy = 0.0f;
};

/**
 * Where the forward pass of a step in flight is, sent while a slow step computes (see EngineWorker): "step 12,
 * layer 17 of 33". Stage `layersTotal` is the output head, after the last transformer layer.
 */
struct StepProgressUpdate
{
    int denoiseStep = 0; ///< the step being computed (1 for the first); a prediction's: its record's
    int layersDone = 0; ///< stages done, 1..layersTotal
    int layersTotal = 0; ///< the model's layers + 1 (the output head)
    int branch = 0; ///< the branch the step extends (or the prediction's record is on)
    bool prediction = false; ///< a one-pass prediction, not a denoising step
};

/** Registers the types above for queued connections; idempotent. */
void registerEngineTypes();

} // namespace dlm

Q_DECLARE_METATYPE(dlm::GenerationSettings)
Q_DECLARE_METATYPE(dlm::ComputeDType)
Q_DECLARE_METATYPE(dlm::ModelInfo)
Q_DECLARE_METATYPE(dlm::EngineState)
Q_DECLARE_METATYPE(dlm::EditRequest)
Q_DECLARE_METATYPE(dlm::EditOutcome)
Q_DECLARE_METATYPE(dlm::UndoReply)
Q_DECLARE_METATYPE(dlm::PredictionReply)
Q_DECLARE_METATYPE(dlm::StepProgressUpdate)
