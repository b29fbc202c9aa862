#include "core/train/trainer.h"
#include "core/base/compute_threads.h"

#include "core/train/adamw.h"
#include "core/base/counter_rng.h"
#include "core/base/file_util.h"
#include "core/model/llada_model.h"
#include "core/train/mdm_loss.h"
#include "core/model/safetensors.h"
#include "core/text/sentencepiece_tokenizer.h"
#include "core/train/token_data.h"
#include "core/train/train_files.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>

namespace dlm {

namespace fs = std::filesystem;

namespace {

// Stream tags keep the three uses of the seed independent of each other.
constexpr uint64_t kWindowStream = 0x57494e444f57ull; // batch window starts
constexpr uint64_t kMaskStream = 0x4d41534bull; // t and u of the training masks
constexpr uint64_t kValStream = 0x56414cull; // masks of the held-out windows

uint64_t streamKey(uint64_t seed, uint64_t stream, uint64_t index)
{
    return mix64(mix64(seed ^ mix64(stream)) ^ index);
}

at::Generator seededGenerator(uint64_t seed)
{
    return at::make_generator<at::CPUGeneratorImpl>(seed);
}

ModelConfig modelConfigOf(const TrainConfig &c)
{
    ModelConfig m;
    m.dModel = c.dModel;
    m.nHeads = c.nHeads;
    m.nKvHeads = c.nKvHeads;
    m.nLayers = c.nLayers;
    m.mlpHiddenSize = c.mlpHiddenSize;
    m.vocabSize = c.vocabSize;
    m.embeddingSize = c.vocabSize;
    m.maxSequenceLength = c.effectiveMaxSequenceLength();
    m.ropeTheta = c.ropeTheta;
    m.maskTokenId = c.maskTokenId;
    m.eosTokenId = c.eosTokenId;
    m.padTokenId = c.padTokenId;
    m.bosTokenId = c.bosTokenId;
    return m;
}

/** Reads a token file and checks it against the vocabulary and the window length; `option` names it. */
Result<std::vector<int32_t>> loadTokens(const std::string &option, const std::string &path, int vocab, int seqLen)
{
    using R = Result<std::vector<int32_t>>;
    auto data = readTokenData(path);
    if (!data)
        return R::failure(option + ": " + data.error());
    if (static_cast<int>(data->vocabSize) != vocab)
        return R::failure(option + ": " + path + " was tokenised with a vocabulary of "
            + std::to_string(data->vocabSize) + ", but the tokenizer has " + std::to_string(vocab));
    if (static_cast<int64_t>(data->ids.size()) < seqLen)
        return R::failure(option + ": " + path + " has " + std::to_string(data->ids.size())
            + " tokens, fewer than --seq-len " + std::to_string(seqLen));
    return std::move(data->ids);
}

/** Loaded weights are views of the mapped file (or converted copies); training writes into them, so own them. */
void ownWeights(LladaModel &model)
{
    LladaWeights &w = model.weights();
    for (const LladaTensorSpec &spec : lladaTensors(model.config()))
        w.slot(spec) = w.slot(spec).clone();
    if (model.config().weightTying)
        w.head = w.wte;
}

} // namespace

struct Trainer::Impl
{
    TrainConfig config;
    std::vector<int32_t> train, val;
    std::string trainFingerprint;
    std::shared_ptr<LladaModel> model;
    std::vector<at::Tensor> params;
    std::unique_ptr<AdamW> optimizer;
    at::Tensor batch; ///< [B, L] int64, refilled every step
    std::vector<int64_t> valStarts;
    TrainLog log;
    int64_t step = 0;
    int64_t checkpointStep = -1; ///< step of the checkpoint on disk
    double elapsedBase = 0;
    double lossEma = 0, lossEmaWeight = 0;
    double lastGradNorm = 0;
    bool stopped = false;
    std::atomic<bool> exportRequested {false};

    std::string outPath(const char *name) const { return joinPath(config.outDir, name); }

    void fillWindows(at::Tensor &ids, const std::vector<int32_t> &source, const std::vector<int64_t> &starts)
    {
        const int64_t len = config.seqLen;
        int64_t *dst = ids.data_ptr<int64_t>();
        for (size_t b = 0; b < starts.size(); ++b) {
            const int32_t *src = source.data() + starts[b];
            for (int64_t i = 0; i < len; ++i)
                dst[static_cast<int64_t>(b) * len + i] = src[i];
        }
    }

    /** Window starts of training step `s` (1-based): uniform over every position a full window fits. */
    std::vector<int64_t> trainStarts(int64_t s) const
    {
        const uint64_t range = train.size() - static_cast<uint64_t>(config.seqLen) + 1;
        const uint64_t key = streamKey(config.seed, kWindowStream, static_cast<uint64_t>(s));
        std::vector<int64_t> starts(static_cast<size_t>(config.batchSize));
        for (size_t b = 0; b < starts.size(); ++b)
            starts[b] = static_cast<int64_t>(mix64(key ^ (b + 1) * 0xD1B54A32D192ED03ull) % range);
        return starts;
    }
};

Trainer::Trainer()
    : d(std::make_unique<Impl>())
{
}
Trainer::~Trainer() = default;

Result<std::unique_ptr<Trainer>> Trainer::open(
    const TrainConfig &given, bool resume, const std::set<std::string> &givenKeys)
{
    using R = Result<std::unique_ptr<Trainer>>;
    // A resumed run is checked once merged: options left out still hold defaults here.
    Status valid = resume ? Status() : validateTrainConfig(given);
    if (!valid)
        return R::failure(valid.error());
    if (given.outDir.empty())
        return R::failure("--out: an output directory is required");

    const std::string checkpointDir = joinPath(given.outDir, kCheckpointDirName);
    TrainConfig config = given;
    TrainState saved;
    recoverDirectory(checkpointDir);
    if (resume) {
        const std::string statePath = joinPath(checkpointDir, "train_state.json");
        if (!fileExists(statePath))
            return R::failure("--resume: " + checkpointDir + " holds no checkpoint (no train_state.json)");
        auto state = readTrainState(statePath);
        if (!state)
            return R::failure(state.error());
        saved = *state;
        auto merged = mergeResumeConfig(saved.config, given, givenKeys);
        if (!merged)
            return R::failure(checkpointDir + ": " + merged.error());
        config = *merged;
        config.outDir = given.outDir;
    } else if (fs::exists(checkpointDir)) {
        return R::failure("--out: " + given.outDir
            + " already holds a checkpoint; pass --resume to continue it, "
              "or choose a new --out directory");
    }
    if (config.trainPath.empty())
        return R::failure("--train: a token file is required (make one with dlmstudio-cli tokenize)");
    if (config.tokenizerPath.empty())
        return R::failure("--tokenizer: a tokenizer.model file is required");
    // Absolute, because train_state.json records them and a resume may start from another directory.
    for (std::string *path : {&config.trainPath, &config.valPath, &config.tokenizerPath, &config.initFrom}) {
        std::error_code ec;
        if (!path->empty())
            *path = fs::absolute(*path, ec).lexically_normal().string();
    }

    auto tokenizer = SentencePieceTokenizer::load(config.tokenizerPath);
    if (!tokenizer)
        return R::failure("--tokenizer: " + tokenizer.error());
    const int vocab = (*tokenizer)->vocabSize();
    if (resume && config.vocabSize != vocab)
        return R::failure("--tokenizer: " + config.tokenizerPath + " has " + std::to_string(vocab)
            + " pieces, the checkpoint's model has a vocabulary of " + std::to_string(config.vocabSize));
    config.vocabSize = vocab;
    if (config.maskTokenId < 0) {
        config.maskTokenId = (*tokenizer)->pieceToId("<|mdm_mask|>");
        if (config.maskTokenId < 0)
            return R::failure("--mask-id: not given, and " + config.tokenizerPath
                + " has no \"<|mdm_mask|>\" piece to use as the mask");
    }
    if (config.eosTokenId < 0)
        config.eosTokenId = (*tokenizer)->eosId();
    if (config.bosTokenId < 0)
        config.bosTokenId = (*tokenizer)->bosId();
    if (config.padTokenId < 0)
        config.padTokenId = config.eosTokenId;
    valid = validateTrainConfig(config);
    if (!valid)
        return R::failure(valid.error());

    std::unique_ptr<Trainer> trainer(new Trainer());
    Impl &d = *trainer->d;
    auto train = loadTokens("--train", config.trainPath, vocab, config.seqLen);
    if (!train)
        return R::failure(train.error());
    d.train = std::move(*train);
    d.trainFingerprint = fingerprintTokens(d.train);
    if (resume
        && (saved.trainTokens != static_cast<int64_t>(d.train.size()) || saved.trainFingerprint != d.trainFingerprint))
        return R::failure("--train: " + config.trainPath + " (" + std::to_string(d.train.size())
            + " tokens) is not the data the checkpoint was trained on (" + std::to_string(saved.trainTokens)
            + " tokens); resuming needs the same token file");
    if (!config.valPath.empty()) {
        auto val = loadTokens("--val", config.valPath, vocab, config.seqLen);
        if (!val)
            return R::failure(val.error());
        d.val = std::move(*val);
        // Fixed windows spread over the whole held-out stream, so successive evaluations are comparable.
        const int64_t available = static_cast<int64_t>(d.val.size()) / config.seqLen;
        const int64_t count = std::min<int64_t>(config.evalWindows, available);
        for (int64_t i = 0; i < count; ++i)
            d.valStarts.push_back(i * (available / count) * config.seqLen);
    }

    std::error_code ec;
    fs::create_directories(config.outDir, ec);
    if (ec)
        return R::failure("--out: cannot create " + config.outDir + ": " + ec.message());

    setComputeThreads(config.threads);
    const ModelConfig modelConfig = modelConfigOf(config);
    if (resume) {
        auto loaded = LladaModel::load(checkpointDir);
        if (!loaded)
            return R::failure(loaded.error());
        d.model = *loaded;
        const ModelConfig &c = d.model->config();
        if (c.dModel != modelConfig.dModel || c.nLayers != modelConfig.nLayers || c.vocabSize != modelConfig.vocabSize
            || c.mlpHiddenSize != modelConfig.mlpHiddenSize)
            return R::failure(checkpointDir + ": config.json does not match train_state.json");
        ownWeights(*d.model);
        d.step = saved.step;
        d.checkpointStep = saved.step;
        d.elapsedBase = saved.elapsedSeconds;
        d.lossEma = saved.lossEma;
        d.lossEmaWeight = saved.lossEmaWeight;
    } else if (!config.initFrom.empty()) {
        auto loaded = LladaModel::load(config.initFrom);
        if (!loaded)
            return R::failure("--init-from: " + loaded.error());
        d.model = *loaded;
        const ModelConfig &c = d.model->config();
        if (c.dModel != modelConfig.dModel || c.nHeads != modelConfig.nHeads || c.nKvHeads != modelConfig.nKvHeads
            || c.nLayers != modelConfig.nLayers || c.vocabSize != modelConfig.vocabSize
            || c.mlpHiddenSize != modelConfig.mlpHiddenSize || c.weightTying != modelConfig.weightTying)
            return R::failure("--init-from: " + config.initFrom + " has d_model " + std::to_string(c.dModel) + ", "
                + std::to_string(c.nHeads) + "/" + std::to_string(c.nKvHeads) + " heads, " + std::to_string(c.nLayers)
                + " layers, mlp " + std::to_string(c.mlpHiddenSize) + ", vocabulary " + std::to_string(c.vocabSize)
                + "; give the same shape (--d-model, --heads, --kv-heads, --layers, "
                  "--mlp) and tokenizer");
        ownWeights(*d.model);
    } else {
        d.model = LladaModel::initialise(modelConfig, config.seed);
    }
    d.config = config;

    auto named = d.model->weights().named(d.model->config());
    for (auto &[name, tensor] : named) {
        tensor.requires_grad_(true);
        d.params.push_back(tensor);
    }
    AdamW::Options options;
    options.beta1 = config.beta1;
    options.beta2 = config.beta2;
    options.eps = config.adamEps;
    options.weightDecay = config.weightDecay;
    d.optimizer = std::make_unique<AdamW>(named, options);
    if (resume) {
        auto file = SafetensorsFile::open(joinPath(checkpointDir, "optimizer.safetensors"));
        if (!file)
            return R::failure(file.error());
        const Status loaded = d.optimizer->load(**file, saved.step);
        if (!loaded)
            return R::failure(loaded.error());
    }
    d.batch = at::empty({config.batchSize, config.seqLen}, at::kLong);
    const Status logged = d.log.open(d.outPath(kTrainLogName), resume ? d.step : -1);
    if (!logged)
        return R::failure(logged.error());
    return trainer;
}

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

Status Trainer::run(const TrainCallback &callback)
{
    using Clock = std::chrono::steady_clock;
    Impl &t = *d;
    t.stopped = false;
    const auto runStart = Clock::now();
    const double base = t.elapsedBase;
    const auto elapsed = [&]() { return base + std::chrono::duration<double>(Clock::now() - runStart).count(); };
    const double tokensPerStep = static_cast<double>(t.config.batchSize) * t.config.seqLen;
    const auto notify = [&](TrainProgress p) { return callback ? callback(p) : true; };

    TrainProgress p;
    p.totalSteps = t.config.totalSteps;
    while (t.step < t.config.totalSteps) {
        const auto stepStart = Clock::now();
        auto loss = trainStep();
        if (!loss)
            return Status::failure(loss.error());
        const double seconds = std::chrono::duration<double>(Clock::now() - stepStart).count();
        t.lossEma = 0.98 * t.lossEma + 0.02 * *loss;
        t.lossEmaWeight = 0.98 * t.lossEmaWeight + 0.02;

        p.event = TrainProgress::Event::Step;
        p.step = t.step;
        p.loss = *loss;
        p.lossEma = t.lossEma / t.lossEmaWeight;
        p.lr = learningRate(t.config, t.step);
        p.gradNorm = t.lastGradNorm;
        p.tokensPerSecond = seconds > 0 ? tokensPerStep / seconds : 0;
        p.valLoss = std::numeric_limits<double>::quiet_NaN();
        if (t.config.evalEvery > 0 && (t.step % t.config.evalEvery == 0 || t.step == t.config.totalSteps))
            p.valLoss = validationLoss();
        t.elapsedBase = elapsed();
        p.elapsedSeconds = t.elapsedBase;
        p.path.clear();

        TrainLogRow row;
        row.step = p.step;
        row.loss = p.loss;
        row.lr = p.lr;
        row.gradNorm = p.gradNorm;
        row.tokensPerSecond = p.tokensPerSecond;
        row.elapsedSeconds = p.elapsedSeconds;
        row.hasValLoss = !std::isnan(p.valLoss);
        row.valLoss = p.valLoss;
        Status s = t.log.append(row);
        if (!s)
            return s;

        bool keepGoing = notify(p);
        const bool due = t.config.checkpointEvery > 0 && t.step % t.config.checkpointEvery == 0;
        if (due || !keepGoing || t.step == t.config.totalSteps) {
            s = saveCheckpoint();
            if (!s)
                return s;
            p.event = TrainProgress::Event::Checkpoint;
            p.path = t.outPath(kCheckpointDirName);
            keepGoing = notify(p) && keepGoing;
        }
        if (t.exportRequested.exchange(false)) {
            s = exportModel();
            if (!s)
                return s;
            p.event = TrainProgress::Event::Export;
            p.path = t.outPath(kModelDirName);
            keepGoing = notify(p) && keepGoing;
        }
        if (!keepGoing) {
            if (t.checkpointStep != t.step && !(s = saveCheckpoint()))
                return s;
            t.stopped = true;
            return {};
        }
    }
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
    notify(p);
    return {};
}

} // namespace dlm
