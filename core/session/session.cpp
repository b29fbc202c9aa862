#include "core/session/session.h"
#include "core/session/session_impl.h"
#include "core/session/step_building.h"

#include "core/sampling/candidates.h"
#include "core/base/compute_threads.h"
#include "core/base/file_util.h"
#include "core/model/logits_model.h"
#include "core/text/prompt.h"
#include "core/sampling/remask_strategy.h"
#include "core/sampling/schedule.h"
#include "core/base/sha256.h"
#include "core/session/step_forward.h"
#include "core/text/tokenizer.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

namespace dlm {

namespace {

/** The positions one denoising step works on: its block, and the masked positions up to that block's end. */
struct StepTarget
{
    int block = 0;
    int stepInBlock = 0;
    std::vector<uint8_t> eligible; ///< per position: 1 where this step may commit
    std::vector<int32_t> rows; ///< the eligible positions, ascending: the logits rows to score
    std::vector<int32_t> later; ///< masks right of the block, ascending: predicted and recorded, never eligible
};

// The current block while it (or anything left of it) still has masks, else the next block that has some.
// Blocks with nothing masked are skipped rather than spent on no-op steps. No rows: generation is finished.
StepTarget chooseTarget(const StepRecord &cur, const BlockSchedule &schedule, int32_t mask)
{
    StepTarget t;
    t.block = cur.block;
    t.stepInBlock = cur.stepInBlock;
    t.eligible.assign(static_cast<size_t>(cur.length()), 0);
    for (;;) {
        const int end = schedule.blockEnd(t.block);
        t.rows.clear();
        std::fill(t.eligible.begin(), t.eligible.end(), 0);
        for (int p = 0; p < end; ++p) {
            if (cur.tokens[static_cast<size_t>(p)] == mask) {
                t.eligible[static_cast<size_t>(p)] = 1;
                t.rows.push_back(p);
            }
        }
        if (!t.rows.empty() || t.block + 1 >= schedule.blockCount()) {
            for (int p = end; !t.rows.empty() && p < cur.length(); ++p) {
                if (cur.tokens[static_cast<size_t>(p)] == mask)
                    t.later.push_back(p);
            }
            return t;
        }
        ++t.block;
        t.stepInBlock = 0;
    }
}

// The rows the head ran, the block's first (the later ones, when run, are scored and recorded after them),
// and what the record says about the masks right of the block.
std::vector<int32_t> noteHeadRows(StepRecord &rec, const StepTarget &target, bool laterRun, bool recordLater)
{
    std::vector<int32_t> rows = target.rows;
    if (laterRun)
        rows.insert(rows.end(), target.later.begin(), target.later.end());
    rec.headRows = static_cast<int>(rows.size());
    rec.laterRows = rec.headRows - static_cast<int>(target.rows.size());
    if (!target.later.empty())
        rec.later = !recordLater ? LaterPredictions::Off
                                 : (laterRun ? LaterPredictions::Recorded : LaterPredictions::BlockOnly);
    return rows;
}

CommitDecision decideCommits(const RemaskStrategy &strategy, const StepRecord &cur, const StepTarget &target,
    const std::vector<float> &confidence, int quota, double threshold)
{
    std::vector<uint8_t> locked(static_cast<size_t>(cur.length()), 0);
    for (int p = 0; p < cur.length(); ++p)
        locked[static_cast<size_t>(p)] = cur.flags[static_cast<size_t>(p)] & FlagLocked;
    StrategyInput in;
    in.confidence = &confidence;
    in.eligible = &target.eligible;
    in.locked = &locked;
    in.quota = quota;
    in.threshold = threshold;
    return strategy.decide(in);
}

} // namespace

Session::Session()
    : d(std::make_unique<Impl>())
{
}
Session::~Session() = default;

Result<std::unique_ptr<Session>> Session::create(std::shared_ptr<LogitsModel> model,
    std::shared_ptr<Tokenizer> tokenizer, const GenerationSettings &settings, const std::string &prompt)
{
    using R = Result<std::unique_ptr<Session>>;
    if (!model || !tokenizer)
        return R::failure("a model and a tokenizer are needed to encode a text prompt");
    const int32_t maskId = model->config().maskTokenId;
    auto ids = encodePrompt(*tokenizer, prompt, maskId, tokenizer->piece(maskId));
    if (!ids)
        return R::failure(ids.error());
    return createFromIds(std::move(model), std::move(tokenizer), settings, *ids, prompt);
}

Result<std::unique_ptr<Session>> Session::createFromIds(std::shared_ptr<LogitsModel> model,
    std::shared_ptr<Tokenizer> tokenizer, const GenerationSettings &settings, const std::vector<int32_t> &promptIds,
    const std::string &promptText)
{
    using R = Result<std::unique_ptr<Session>>;
    if (!model)
        return R::failure("no model loaded");
    Status valid = validateSettings(settings);
    if (!valid)
        return R::failure(valid.error());
    const ModelConfig &config = model->config();
    for (size_t i = 0; i < promptIds.size(); ++i) {
        if (promptIds[i] < 0 || promptIds[i] >= config.vocabSize)
            return R::failure("prompt token " + std::to_string(i) + ": id " + std::to_string(promptIds[i])
                + " is outside the vocabulary (" + std::to_string(config.vocabSize) + ")");
    }
    const int64_t length = static_cast<int64_t>(promptIds.size()) + settings.genLength;
    if (length > config.maxSequenceLength)
        return R::failure("prompt (" + std::to_string(promptIds.size()) + " tokens) + gen-length ("
            + std::to_string(settings.genLength) + ") exceeds the model's max_sequence_length ("
            + std::to_string(config.maxSequenceLength) + ")");

    std::unique_ptr<Session> s(new Session());
    s->d->configure(std::move(model), std::move(tokenizer), settings, static_cast<int>(promptIds.size()));

    Timeline &t = s->m_timeline;
    t.settings = settings;
    t.promptIds = promptIds;
    t.promptText = promptText;
    t.model.name = s->d->model->name();
    t.model.configHash = s->d->model->configHash();
    t.model.maskId = config.maskTokenId;
    t.model.eosId = config.eosTokenId;
    t.model.vocabSize = config.vocabSize;
    if (s->d->tokenizer) {
        auto hash = sha256File(s->d->tokenizer->sourcePath());
        if (hash)
            t.model.tokenizerHash = *hash;
    }

    StepRecord initial;
    initial.kind = RecordKind::Initial;
    initial.tokens = promptIds;
    initial.tokens.resize(static_cast<size_t>(length), config.maskTokenId);
    initial.states.assign(static_cast<size_t>(length), PositionState::Masked);
    for (size_t i = 0; i < promptIds.size(); ++i) {
        if (promptIds[i] != config.maskTokenId)
            initial.states[i] = PositionState::Prompt;
    }
    initial.flags.assign(static_cast<size_t>(length), 0);
    s->rememberPieces(initial);
    t.start(std::move(initial));
    return s;
}

Result<std::unique_ptr<Session>> Session::adopt(
    std::shared_ptr<LogitsModel> model, std::shared_ptr<Tokenizer> tokenizer, Timeline timeline)
{
    using R = Result<std::unique_ptr<Session>>;
    if (!model)
        return R::failure("no model loaded");
    if (timeline.empty())
        return R::failure("the timeline has no records");
    const ModelConfig &config = model->config();
    const ModelIdentity &made = timeline.model;
    if (!made.configHash.empty() && made.configHash != model->configHash())
        return R::failure("the timeline was made with model '" + made.name + "' (config.json sha256 "
            + made.configHash.substr(0, 12) + "…), not with the loaded '" + model->name() + "' ("
            + model->configHash().substr(0, 12) + "…); load that model to continue it");
    if (tokenizer && !made.tokenizerHash.empty()) {
        auto hash = sha256File(tokenizer->sourcePath());
        if (hash && *hash != made.tokenizerHash)
            return R::failure("the timeline was made with another tokenizer (sha256 " + made.tokenizerHash.substr(0, 12)
                + "…, the loaded one is " + hash->substr(0, 12) + "…)");
    }
    if (made.maskId != config.maskTokenId || made.vocabSize != config.vocabSize)
        return R::failure("the timeline's mask id " + std::to_string(made.maskId) + " and vocabulary "
            + std::to_string(made.vocabSize) + " do not match the model's (" + std::to_string(config.maskTokenId) + ", "
            + std::to_string(config.vocabSize) + ")");
    const GenerationSettings &settings = timeline.settings;
    Status valid = validateSettings(settings);
    if (!valid)
        return R::failure("the timeline's settings: " + valid.error());
    const int64_t length = static_cast<int64_t>(timeline.promptIds.size()) + settings.genLength;
    if (length > config.maxSequenceLength)
        return R::failure("the timeline's canvas (" + std::to_string(length) + " positions) exceeds the model's "
            + "max_sequence_length (" + std::to_string(config.maxSequenceLength) + ")");
    for (int b = 0; b < timeline.branchCount(); ++b) {
        const GenerationSettings &own = timeline.settingsFor(b);
        if (Status ok = validateSettings(own); !ok || own.genLength != settings.genLength)
            return R::failure("branch " + std::to_string(b)
                + "'s settings: " + (ok ? std::string("gen length differs from the timeline's") : ok.error()));
        for (const auto &record : timeline.branch(b).records) {
            if (!record || record->length() != length)
                return R::failure("branch " + std::to_string(b) + " has a record of "
                    + std::to_string(record ? record->length() : 0) + " positions, expected " + std::to_string(length));
        }
    }

    std::unique_ptr<Session> s(new Session());
    s->d->configure(std::move(model), std::move(tokenizer), settings, static_cast<int>(timeline.promptIds.size()));
    s->m_timeline = std::move(timeline);
    s->m_branch = 0;
    s->m_index = s->m_timeline.branch(0).size() - 1;
    return s;
}

const StepRecord &Session::current() const
{
    return m_timeline.branch(m_branch).at(m_index);
}

int32_t Session::maskId() const
{
    return m_timeline.model.maskId;
}

bool Session::finished() const
{
    const StepRecord &r = current();
    return std::find(r.tokens.begin(), r.tokens.end(), maskId()) == r.tokens.end();
}

Status Session::step()
{
    if (m_index + 1 < m_timeline.branch(m_branch).size()) {
        ++m_index;
        return {};
    }
    if (finished())
        return Status::failure("generation finished: no masked position left");
    return computeNextStep();
}

Status Session::run(const StepCallback &onStep, int maxSteps)
{
    for (int n = 0; (maxSteps < 0 || n < maxSteps) && !finished(); ++n) {
        Status s = step();
        if (!s)
            return s;
        if (onStep && !onStep(current()))
            break;
    }
    return {};
}

void Session::setStepProgress(StepProgress progress)
{
    d->stepProgress = std::move(progress);
}

Status Session::goTo(int index)
{
    const Branch &b = m_timeline.branch(m_branch);
    if (index < 0 || index >= b.size())
        return Status::failure("record " + std::to_string(index) + " does not exist on this branch (0.."
            + std::to_string(b.size() - 1) + ")");
    m_index = index;
    return {};
}

Status Session::switchBranch(int branchId, int index)
{
    if (branchId < 0 || branchId >= m_timeline.branchCount())
        return Status::failure("branch " + std::to_string(branchId) + " does not exist");
    const Branch &b = m_timeline.branch(branchId);
    const int target = index < 0 ? b.size() - 1 : index;
    if (target >= b.size())
        return Status::failure(
            "record " + std::to_string(target) + " does not exist on branch " + std::to_string(branchId));
    m_branch = branchId;
    m_index = target;
    return {};
}

Status Session::computeNextStep()
{
    const StepRecord &cur = current();
    const GenerationSettings &set = branchSettings();
    const int32_t mask = maskId();
    if (set != d->configured)
        d->configureSampler(set, promptLength());
    if (set.sampler == SamplerKind::Dream)
        return computeDreamStep();

    StepTarget target = chooseTarget(cur, d->schedule, mask);
    if (target.rows.empty())
        return Status::failure("generation finished: no masked position left");

    StepRecord rec;
    rec.kind = RecordKind::Denoise;
    rec.denoiseStep = cur.denoiseStep + 1;
    rec.block = target.block;
    rec.stepInBlock = target.stepInBlock + 1;
    if (set.useThreshold) {
        rec.threshold = set.threshold;
    } else {
        rec.quota = BlockSchedule::quota(
            static_cast<int>(target.rows.size()), d->schedule.stepsForBlock(target.block) - target.stepInBlock);
    }

    try {
        at::InferenceMode guard;
        threadsForThisStep(); // "auto" threads: the cores nobody else is using right now
        auto t0 = Clock::now();
        const StepBlock block {
            target.block, d->schedule.blockStart(target.block), d->schedule.blockEnd(target.block), target.stepInBlock};
        const ForwardWatch watch(*d->model, d->stepProgress, rec.denoiseStep);
        const bool recordLater = set.laterBlocks == LaterBlocks::Record;
        const StepForward forward = runStepForward(*d->model, cur, target.rows,
            recordLater ? target.later : std::vector<int32_t> {}, block, set, mask, d->stepCache);
        rec.forwardMs = msSince(t0);
        rec.forwardPositions = forward.forwardPositions;
        const std::vector<int32_t> headRows = noteHeadRows(rec, target, forward.laterRun, recordLater);
        // Mixture-of-experts models: the experts the canvas used (the conditional pass when guided).
        if (const ExpertRouting *routing = d->model->lastRouting())
            rec.experts = *routing;

        t0 = Clock::now();
        ScoredRows scored = scoreRows(
            forward.logits, headRows, set.measure, set.temperature, set.seed, rec.denoiseStep, mask, set.topK);
        // As LLaDA: positions right of the block get confidence -inf, so later rows can never be chosen (their
        // own measure stays readable in probability, margin and entropy).
        std::vector<float> confidence
            = spreadRows(scored.confidence, target.rows, cur.length(), -std::numeric_limits<float>::infinity());
        std::vector<int32_t> candidates = spreadRows(scored.candidates, headRows, cur.length(), int32_t(-1));
        CommitDecision decision = decideCommits(*d->strategy, cur, target, confidence, rec.quota, set.threshold);
        rec.samplerMs = msSince(t0);

        t0 = Clock::now();
        applyDecision(rec, cur, std::move(decision), std::move(candidates), mask);
        rec.confidence = std::move(confidence);
        recordRowDetails(rec, scored.details, headRows, cur.length(), set.topK);
        rememberPieces(rec);
        rec.recordMs = msSince(t0);
    } catch (const ForwardStopped &) {
        // The cache stays: a stopped fill left it describing no block (refilled next step), and a stopped
        // cached pass wrote only the block's keys and values, which every cached pass rewrites before reading.
        // So the next step is the one an uninterrupted run makes, cache use included.
        return Status::stoppedOnRequest();
    } catch (const std::exception &e) {
        return Status::failure(std::string("denoising step failed: ") + e.what());
    }

    m_timeline.append(m_branch, std::move(rec));
    ++m_index;
    return {};
}

std::string Session::generatedText(const StepRecord &record) const
{
    const auto first = record.tokens.begin() + std::min<size_t>(record.tokens.size(), m_timeline.promptIds.size());
    std::vector<int32_t> gen(first, record.tokens.end());
    if (d->tokenizer)
        return d->tokenizer->decode(gen);
    std::string out;
    for (int32_t id : gen)
        out += (out.empty() ? "" : " ") + std::to_string(id);
    return out;
}

std::string Session::piece(int32_t id) const
{
    if (d->tokenizer)
        return d->tokenizer->piece(id);
    return m_timeline.pieceOf(id);
}

void Session::rememberPieces(const StepRecord &record)
{
    if (!d->tokenizer)
        return;
    // The timeline's piece table, sorted by id, is the one list of ids already known (pieceOf() searches it).
    auto &pieces = m_timeline.pieces;
    auto note = [&](int32_t id) {
        if (id < 0)
            return;
        auto it = std::lower_bound(pieces.begin(), pieces.end(), id,
            [](const std::pair<int32_t, std::string> &p, int32_t v) { return p.first < v; });
        if (it != pieces.end() && it->first == id)
            return;
        pieces.insert(it, {id, d->tokenizer->piece(id)});
        if (d->tokenizer->isSpecial(id)) {
            auto &special = m_timeline.specialIds;
            special.insert(std::lower_bound(special.begin(), special.end(), id), id);
        }
    };
    for (int32_t id : record.tokens)
        note(id);
    for (int32_t id : record.candidates)
        note(id);
    for (int32_t id : record.topIds)
        note(id);
}

} // namespace dlm
