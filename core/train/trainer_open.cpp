// Opening a training run: resolving the config (resume merge, tokenizer-derived ids), checking every input file
// against it, and setting up the data, weights and optimizer. The training loop itself is in trainer.cpp.
#include "core/train/trainer.h"
#include "core/train/trainer_impl.h"

#include "core/base/compute_threads.h"
#include "core/model/memory_estimate.h"
#include "core/model/safetensors.h"
#include "core/text/sentencepiece_tokenizer.h"
#include "core/train/token_data.h"

#include <filesystem>

namespace dlm {

namespace fs = std::filesystem;

namespace {

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

/**
 * The run's config before the tokenizer is read: a resumed run's checkpoint config merged with the options
 * given (`saved` receives the checkpoint's state), the required files present, their paths made absolute.
 */
Result<TrainConfig> resolveConfig(const TrainConfig &given, bool resume, const std::set<std::string> &givenKeys,
    const std::string &checkpointDir, TrainState &saved)
{
    using R = Result<TrainConfig>;
    TrainConfig config = given;
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
    return config;
}

/** Fills in the vocabulary size and the special ids the options left out from the tokenizer, then validates. */
Status applyTokenizer(TrainConfig &config, const Tokenizer &tokenizer, bool resume)
{
    const int vocab = tokenizer.vocabSize();
    if (resume && config.vocabSize != vocab)
        return Status::failure("--tokenizer: " + config.tokenizerPath + " has " + std::to_string(vocab)
            + " pieces, the checkpoint's model has a vocabulary of " + std::to_string(config.vocabSize));
    config.vocabSize = vocab;
    if (config.maskTokenId < 0) {
        config.maskTokenId = tokenizer.pieceToId("<|mdm_mask|>");
        if (config.maskTokenId < 0)
            return Status::failure("--mask-id: not given, and " + config.tokenizerPath
                + " has no \"<|mdm_mask|>\" piece to use as the mask");
    }
    if (config.eosTokenId < 0)
        config.eosTokenId = tokenizer.eosId();
    if (config.bosTokenId < 0)
        config.bosTokenId = tokenizer.bosId();
    if (config.padTokenId < 0)
        config.padTokenId = config.eosTokenId;
    if (const Status valid = validateTrainConfig(config); !valid)
        return valid;
    // Before any tensor exists: impossible sizes get this message and exit 2, not an allocator's exit 1.
    return checkTrainingFitsMemory(modelConfigOf(config), config.batchSize, config.seqLen, physicalMemoryBytes());
}

} // namespace

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

Status Trainer::Impl::loadData(int vocab, const TrainState *resumed)
{
    auto loaded = loadTokens("--train", config.trainPath, vocab, config.seqLen);
    if (!loaded)
        return Status::failure(loaded.error());
    train = std::move(*loaded);
    trainFingerprint = fingerprintTokens(train);
    if (resumed
        && (resumed->trainTokens != static_cast<int64_t>(train.size())
            || resumed->trainFingerprint != trainFingerprint))
        return Status::failure("--train: " + config.trainPath + " (" + std::to_string(train.size())
            + " tokens) is not the data the checkpoint was trained on (" + std::to_string(resumed->trainTokens)
            + " tokens); resuming needs the same token file");
    if (config.valPath.empty())
        return {};
    auto held = loadTokens("--val", config.valPath, vocab, config.seqLen);
    if (!held)
        return Status::failure(held.error());
    val = std::move(*held);
    // Fixed windows spread over the whole held-out stream, so successive evaluations are comparable.
    const int64_t available = static_cast<int64_t>(val.size()) / config.seqLen;
    const int64_t count = std::min<int64_t>(config.evalWindows, available);
    for (int64_t i = 0; i < count; ++i)
        valStarts.push_back(i * (available / count) * config.seqLen);
    return {};
}

Status Trainer::Impl::loadModel(const std::string &checkpointDir, const TrainState *resumed)
{
    const ModelConfig wanted = modelConfigOf(config);
    if (resumed) {
        auto loaded = LladaModel::load(checkpointDir);
        if (!loaded)
            return Status::failure(loaded.error());
        model = *loaded;
        const ModelConfig &c = model->config();
        if (c.dModel != wanted.dModel || c.nLayers != wanted.nLayers || c.vocabSize != wanted.vocabSize
            || c.mlpHiddenSize != wanted.mlpHiddenSize)
            return Status::failure(checkpointDir + ": config.json does not match train_state.json");
        ownWeights(*model);
        step = resumed->step;
        checkpointStep = resumed->step;
        elapsedBase = resumed->elapsedSeconds;
        lossEma = resumed->lossEma;
        lossEmaWeight = resumed->lossEmaWeight;
    } else if (!config.initFrom.empty()) {
        auto loaded = LladaModel::load(config.initFrom);
        if (!loaded)
            return Status::failure("--init-from: " + loaded.error());
        model = *loaded;
        const ModelConfig &c = model->config();
        if (c.dModel != wanted.dModel || c.nHeads != wanted.nHeads || c.nKvHeads != wanted.nKvHeads
            || c.nLayers != wanted.nLayers || c.vocabSize != wanted.vocabSize || c.mlpHiddenSize != wanted.mlpHiddenSize
            || c.weightTying != wanted.weightTying)
            return Status::failure("--init-from: " + config.initFrom + " has d_model " + std::to_string(c.dModel) + ", "
                + std::to_string(c.nHeads) + "/" + std::to_string(c.nKvHeads) + " heads, " + std::to_string(c.nLayers)
                + " layers, mlp " + std::to_string(c.mlpHiddenSize) + ", vocabulary " + std::to_string(c.vocabSize)
                + "; give the same shape (--d-model, --heads, --kv-heads, --layers, "
                  "--mlp) and tokenizer");
        ownWeights(*model);
    } else {
        model = LladaModel::initialise(wanted, config.seed);
    }
    return {};
}

Status Trainer::Impl::makeOptimizer(const std::string &checkpointDir, const TrainState *resumed)
{
    auto named = model->weights().named(model->config());
    for (auto &[name, tensor] : named) {
        tensor.requires_grad_(true);
        params.push_back(tensor);
    }
    AdamW::Options options;
    options.beta1 = config.beta1;
    options.beta2 = config.beta2;
    options.eps = config.adamEps;
    options.weightDecay = config.weightDecay;
    optimizer = std::make_unique<AdamW>(named, options);
    if (!resumed)
        return {};
    auto file = SafetensorsFile::open(joinPath(checkpointDir, "optimizer.safetensors"));
    if (!file)
        return Status::failure(file.error());
    return optimizer->load(**file, resumed->step);
}

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
    TrainState saved;
    auto config = resolveConfig(given, resume, givenKeys, checkpointDir, saved);
    if (!config)
        return R::failure(config.error());
    const TrainState *resumed = resume ? &saved : nullptr;
    auto tokenizer = SentencePieceTokenizer::load(config->tokenizerPath);
    if (!tokenizer)
        return R::failure("--tokenizer: " + tokenizer.error());
    valid = applyTokenizer(*config, **tokenizer, resume);
    if (!valid)
        return R::failure(valid.error());

    std::unique_ptr<Trainer> trainer(new Trainer());
    Impl &d = *trainer->d;
    d.config = *config;
    valid = d.loadData((*tokenizer)->vocabSize(), resumed);
    if (!valid)
        return R::failure(valid.error());
    std::error_code ec;
    fs::create_directories(d.config.outDir, ec);
    if (ec)
        return R::failure("--out: cannot create " + d.config.outDir + ": " + ec.message());
    setComputeThreads(d.config.threads);
    valid = d.loadModel(checkpointDir, resumed);
    if (!valid)
        return R::failure(valid.error());
    valid = d.makeOptimizer(checkpointDir, resumed);
    if (!valid)
        return R::failure(valid.error());
    d.batch = at::empty({d.config.batchSize, d.config.seqLen}, at::kLong);
    valid = d.log.open(d.outPath(kTrainLogName), resume ? d.step : -1);
    if (!valid)
        return R::failure(valid.error());
    return trainer;
}

} // namespace dlm
