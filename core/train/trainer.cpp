// A training run's loop: steps, evaluation, the log, checkpoints and the exported model. Opening a run (and
// checking its inputs) is in trainer_open.cpp.
#include "core/train/trainer.h"
#include "core/train/trainer_impl.h"

#include "core/model/safetensors.h"
#include "core/train/mdm_loss.h"

#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>

namespace dlm {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

at::Generator seededGenerator(uint64_t seed)
{
    return at::make_generator<at::CPUGeneratorImpl>(seed);
}

double secondsSince(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

bool notify(const TrainCallback &callback, const TrainProgress &p)
{
    return callback ? callback(p) : true;
}

TrainLogRow logRowOf(const TrainProgress &p)
{
    TrainLogRow row;
    row.step = p.step;
    row.loss = p.loss;
    row.lr = p.lr;
    row.gradNorm = p.gradNorm;
    row.tokensPerSecond = p.tokensPerSecond;
    row.elapsedSeconds = p.elapsedSeconds;
    row.hasValLoss = !std::isnan(p.valLoss);
    row.valLoss = p.valLoss;
    return row;
}

} // namespace

Trainer::Trainer()
    : d(std::make_unique<Impl>())
{
}
Trainer::~Trainer() = default;

const TrainConfig &Trainer::config() const
{
    return d->config;
}

int64_t Trainer::step() const
{
    return d->step;
}

int64_t Trainer::parameterCount() const
{
    return modelConfigOf(d->config).parameterCount();
}

bool Trainer::stopped() const
{
    return d->stopped;
}

void Trainer::requestExport()
{
    d->exportRequested = true;
}

Result<double> Trainer::trainStep()
{
    const int64_t s = d->step + 1;
    d->fillWindows(d->batch, d->train, d->trainStarts(s));
    MdmLoss loss = mdmLoss(*d->model, d->batch, d->config.maskTokenId,
        seededGenerator(streamKey(d->config.seed, kMaskStream, static_cast<uint64_t>(s))));
    const double value = loss.loss.item<double>();
    if (!std::isfinite(value))
        return Result<double>::failure("the loss became " + std::to_string(value) + " at step " + std::to_string(s)
            + " (try a lower --lr or a longer --warmup); the last checkpoint is intact");
    loss.loss.backward();
    d->lastGradNorm = clipGradNorm(d->params, d->config.gradClip);
    d->optimizer->step(learningRate(d->config, s));
    for (at::Tensor &p : d->params)
        p.mutable_grad() = at::Tensor(); // like zero_grad(set_to_none=True): the next backward allocates
    d->step = s;
    return value;
}

double Trainer::validationLoss()
{
    if (d->valStarts.empty())
        return std::numeric_limits<double>::quiet_NaN();
    at::NoGradGuard noGrad;
    const size_t batch = static_cast<size_t>(d->config.batchSize);
    double sum = 0;
    for (size_t first = 0, index = 0; first < d->valStarts.size(); first += batch, ++index) {
        const std::vector<int64_t> starts(d->valStarts.begin() + static_cast<long>(first),
            d->valStarts.begin() + static_cast<long>(std::min(first + batch, d->valStarts.size())));
        at::Tensor ids = at::empty({static_cast<int64_t>(starts.size()), d->config.seqLen}, at::kLong);
        d->fillWindows(ids, d->val, starts);
        // The same masks at every evaluation, so differences between evaluations are the model's, not noise.
        // t is stratified over the windows instead of drawn: the 1/p weights make the loss of a window with a
        // small t large and noisy, and an even grid of t keeps a few dozen windows a steady estimate.
        at::Tensor t = at::empty({static_cast<int64_t>(starts.size())}, at::kFloat);
        for (size_t j = 0; j < starts.size(); ++j)
            t[static_cast<int64_t>(j)]
                = static_cast<float>((static_cast<double>(first + j) + 0.5) / static_cast<double>(d->valStarts.size()));
        auto generator = seededGenerator(streamKey(d->config.seed, kValStream, index));
        const at::Tensor u = at::rand({ids.size(0), ids.size(1)}, generator, at::kFloat);
        const MdmLoss loss = mdmLossWithNoise(*d->model, ids, d->config.maskTokenId, t, u);
        sum += loss.loss.item<double>() * static_cast<double>(starts.size());
    }
    return sum / static_cast<double>(d->valStarts.size());
}

Status Trainer::saveCheckpoint()
{
    const std::string finalDir = d->outPath(kCheckpointDirName);
    auto tmp = makeTempDirectory(finalDir);
    if (!tmp)
        return Status::failure(tmp.error());
    const auto fail = [&](const Status &s) {
        std::error_code ec;
        fs::remove_all(*tmp, ec);
        return s;
    };
    Status s = d->model->save(*tmp, TensorDType::F32);
    if (!s)
        return fail(s);
    s = d->optimizer->save(joinPath(*tmp, "optimizer.safetensors"));
    if (!s)
        return fail(s);
    TrainState state;
    state.step = d->step;
    state.config = d->config;
    state.trainTokens = static_cast<int64_t>(d->train.size());
    state.trainFingerprint = d->trainFingerprint;
    state.elapsedSeconds = d->elapsedBase;
    state.lossEma = d->lossEma;
    state.lossEmaWeight = d->lossEmaWeight;
    s = writeFileAtomic(joinPath(*tmp, "train_state.json"), trainStateToJson(state));
    if (!s)
        return fail(s);
    s = replaceDirectory(*tmp, finalDir);
    if (!s)
        return fail(s);
    d->checkpointStep = d->step;
    return {};
}

Status Trainer::exportModel(const std::string &dirArg)
{
    const std::string dir = dirArg.empty() ? d->outPath(kModelDirName) : dirArg;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        return Status::failure(dir + ": cannot create the model directory: " + ec.message());
    Status s = d->model->save(dir, d->config.saveDType);
    if (!s)
        return s;
    auto tokenizer = readTextFile(d->config.tokenizerPath, 1u << 30);
    if (!tokenizer)
        return Status::failure(tokenizer.error());
    s = writeFileAtomic(joinPath(dir, "tokenizer.model"), *tokenizer);
    if (!s)
        return s;
    nlohmann::ordered_json g;
    g["gen_length"] = d->config.genLength;
    g["steps"] = d->config.genSteps;
    g["block_length"] = d->config.blockLength;
    g["temperature"] = d->config.temperature;
    g["remasking"] = measureName(d->config.remasking);
    return writeFileAtomic(joinPath(dir, "generation_config.json"), g.dump(2) + "\n");
}

void Trainer::describeStep(TrainProgress &p, double loss, double seconds)
{
    Impl &t = *d;
    t.lossEma = 0.98 * t.lossEma + 0.02 * loss;
    t.lossEmaWeight = 0.98 * t.lossEmaWeight + 0.02;
    const double tokensPerStep = static_cast<double>(t.config.batchSize) * t.config.seqLen;
    p.event = TrainProgress::Event::Step;
    p.step = t.step;
    p.loss = loss;
    p.lossEma = t.lossEma / t.lossEmaWeight;
    p.lr = learningRate(t.config, t.step);
    p.gradNorm = t.lastGradNorm;
    p.tokensPerSecond = seconds > 0 ? tokensPerStep / seconds : 0;
    p.valLoss = std::numeric_limits<double>::quiet_NaN();
    if (t.config.evalEvery > 0 && (t.step % t.config.evalEvery == 0 || t.step == t.config.totalSteps))
        p.valLoss = validationLoss();
}

Result<bool> Trainer::stepEvents(TrainProgress &p, bool keepGoing, const TrainCallback &callback)
{
    Impl &t = *d;
    const bool due = t.config.checkpointEvery > 0 && t.step % t.config.checkpointEvery == 0;
    // A stop request checkpoints at once, so stopping never loses the steps since the last checkpoint.
    if (due || !keepGoing || t.step == t.config.totalSteps) {
        const Status s = saveCheckpoint();
        if (!s)
            return Result<bool>::failure(s.error());
        p.event = TrainProgress::Event::Checkpoint;
        p.path = t.outPath(kCheckpointDirName);
        keepGoing = notify(callback, p) && keepGoing;
    }
    if (t.exportRequested.exchange(false)) {
        const Status s = exportModel();
        if (!s)
            return Result<bool>::failure(s.error());
        p.event = TrainProgress::Event::Export;
        p.path = t.outPath(kModelDirName);
        keepGoing = notify(callback, p) && keepGoing;
    }
    return keepGoing;
}

Status Trainer::finishRun(TrainProgress &p, const TrainCallback &callback)
{
    Impl &t = *d;
    if (t.checkpointStep != t.step) {
        const Status s = saveCheckpoint();
        if (!s)
            return s;
    }
    const Status s = exportModel();
    if (!s)
        return s;
    p.event = TrainProgress::Event::Finished;
    p.step = t.step;
    p.elapsedSeconds = t.elapsedBase;
    p.path = t.outPath(kModelDirName);
    notify(callback, p);
    return {};
}

Status Trainer::run(const TrainCallback &callback)
{
    Impl &t = *d;
    t.stopped = false;
    const auto runStart = Clock::now();
    const double base = t.elapsedBase; // training time of earlier (resumed) runs

    TrainProgress p;
    p.totalSteps = t.config.totalSteps;
    while (t.step < t.config.totalSteps) {
        const auto stepStart = Clock::now();
        auto loss = trainStep();
        if (!loss)
            return Status::failure(loss.error());
        describeStep(p, *loss, secondsSince(stepStart));
        t.elapsedBase = base + secondsSince(runStart);
        p.elapsedSeconds = t.elapsedBase;
        p.path.clear();
        Status s = t.log.append(logRowOf(p));
        if (!s)
            return s;

        auto goOn = stepEvents(p, notify(callback, p), callback);
        if (!goOn.ok())
            return Status::failure(goOn.error());
        if (!*goOn) {
            if (t.checkpointStep != t.step && !(s = saveCheckpoint()))
                return s;
            t.stopped = true;
            return {};
        }
    }
    return finishRun(p, callback);
}

} // namespace dlm
