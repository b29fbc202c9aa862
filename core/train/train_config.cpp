#include "core/train/train_config.h"
#include "core/train/train_config_json.h"

#include "core/base/json_reader.h"

#include <cmath>
#include <map>

namespace dlm {

namespace {

using OJson = nlohmann::ordered_json; // the writer keeps keys in a readable order

constexpr double kPi = 3.14159265358979323846;

// Keys whose value shapes the sequence of weights a run produces. A resumed run must keep them, or it is a
// different run and the "continues bit-exactly" promise breaks silently.
const std::set<std::string> &trajectoryKeys()
{
    static const std::set<std::string> keys = {"d_model", "n_heads", "n_kv_heads", "n_layers", "mlp_hidden_size",
        "max_sequence_length", "rope_theta", "vocab_size", "mask_token_id", "eos_token_id", "bos_token_id",
        "pad_token_id", "seq_len", "batch_size", "total_steps", "lr", "min_lr", "warmup_steps", "weight_decay", "beta1",
        "beta2", "adam_eps", "grad_clip", "seed"};
    return keys;
}

/** The command-line option that sets a JSON key, for messages ("lr" -> "--lr"). */
std::string optionOf(const std::string &key)
{
    static const std::map<std::string, std::string> options
        = {{"d_model", "--d-model"}, {"n_heads", "--heads"}, {"n_kv_heads", "--kv-heads"}, {"n_layers", "--layers"},
            {"mlp_hidden_size", "--mlp"}, {"max_sequence_length", "--max-seq"}, {"mask_token_id", "--mask-id"},
            {"eos_token_id", "--eos-id"}, {"seq_len", "--seq-len"}, {"batch_size", "--batch"},
            {"total_steps", "--steps"}, {"lr", "--lr"}, {"min_lr", "--min-lr"}, {"warmup_steps", "--warmup"},
            {"weight_decay", "--weight-decay"}, {"grad_clip", "--clip"}, {"seed", "--seed"}};
    const auto it = options.find(key);
    return it == options.end() ? key : key + " (" + it->second + ")";
}

Status bad(const std::string &option, const std::string &why)
{
    return Status::failure(option + ": " + why);
}

} // namespace

Status validateTrainConfig(const TrainConfig &c)
{
    const auto positive = [](const char *option, int64_t v, int64_t max) -> Status {
        if (v < 1 || v > max)
            return bad(option, "must be in 1.." + std::to_string(max) + ", got " + std::to_string(v));
        return {};
    };
    for (const Status &s : {positive("--d-model", c.dModel, 65536), positive("--heads", c.nHeads, 4096),
             positive("--kv-heads", c.nKvHeads, 4096), positive("--layers", c.nLayers, 1024),
             positive("--mlp", c.mlpHiddenSize, 1 << 20), positive("--seq-len", c.seqLen, 1 << 20),
             positive("--batch", c.batchSize, 1 << 16), positive("--steps", c.totalSteps, 1ll << 40),
             positive("--eval-windows", c.evalWindows, 1 << 20)}) {
        if (!s)
            return s;
    }
    if (c.dModel % c.nHeads != 0)
        return bad("--heads", std::to_string(c.nHeads) + " does not divide --d-model " + std::to_string(c.dModel));
    if ((c.dModel / c.nHeads) % 2 != 0)
        return bad("--heads",
            "head dimension d_model / heads = " + std::to_string(c.dModel / c.nHeads)
                + " must be even for rotary embeddings");
    if (c.nKvHeads > c.nHeads || c.nHeads % c.nKvHeads != 0)
        return bad("--kv-heads", std::to_string(c.nKvHeads) + " must divide --heads " + std::to_string(c.nHeads));
    if (c.maxSequenceLength < 0)
        return bad("--max-seq", "must not be negative");
    if (c.maxSequenceLength > 0 && c.maxSequenceLength < c.seqLen)
        return bad("--max-seq",
            std::to_string(c.maxSequenceLength) + " is shorter than --seq-len " + std::to_string(c.seqLen));
    if (!(c.ropeTheta > 0) || !std::isfinite(c.ropeTheta))
        return bad("rope_theta", "must be a finite positive number");
    if (!(c.lr > 0) || !std::isfinite(c.lr))
        return bad("--lr", "must be a finite positive number");
    if (!(c.minLr >= 0) || c.minLr > c.lr)
        return bad("--min-lr", "must be in [0, --lr]");
    if (c.warmupSteps < 0 || c.warmupSteps > c.totalSteps)
        return bad("--warmup",
            std::to_string(c.warmupSteps) + " must be in 0..--steps (" + std::to_string(c.totalSteps) + ")");
    if (!(c.weightDecay >= 0) || !std::isfinite(c.weightDecay))
        return bad("--weight-decay", "must be a finite non-negative number");
    if (!(c.beta1 >= 0 && c.beta1 < 1) || !(c.beta2 >= 0 && c.beta2 < 1))
        return bad("betas", "must be in [0, 1)");
    if (!(c.adamEps > 0))
        return bad("adam_eps", "must be positive");
    if (!(c.gradClip >= 0) || !std::isfinite(c.gradClip))
        return bad("--clip", "must be a finite non-negative number (0 = off)");
    if (c.threads < 0 || c.threads > 1024)
        return bad("--threads", "must be in 0..1024");
    if (c.checkpointEvery < 0)
        return bad("--checkpoint-every", "must not be negative");
    if (c.evalEvery < 0)
        return bad("--eval-every", "must not be negative");
    if (c.saveDType != TensorDType::F32 && c.saveDType != TensorDType::BF16)
        return bad("--save-dtype", "must be f32 or bf16");
    for (const auto &[option, id] : {std::pair<const char *, int32_t> {"--mask-id", c.maskTokenId},
             {"--eos-id", c.eosTokenId}, {"bos id", c.bosTokenId}, {"pad id", c.padTokenId}}) {
        if (id < -1 || (c.vocabSize > 0 && id >= c.vocabSize))
            return bad(
                option, std::to_string(id) + " is outside the vocabulary (0.." + std::to_string(c.vocabSize - 1) + ")");
    }
    GenerationSettings g;
    g.genLength = c.genLength;
    g.steps = c.genSteps;
    g.blockLength = c.blockLength;
    g.temperature = c.temperature;
    g.measure = c.remasking;
    const Status gen = validateSettings(g);
    if (!gen)
        return bad("generation defaults (--gen-length, --gen-steps, --block-length, --temperature)", gen.error());
    return {};
}

double learningRate(const TrainConfig &c, int64_t step)
{
    if (c.warmupSteps > 0 && step <= c.warmupSteps)
        return c.lr * static_cast<double>(step) / static_cast<double>(c.warmupSteps);
    const int64_t decaySteps = c.totalSteps - c.warmupSteps;
    if (decaySteps <= 0)
        return c.lr;
    const double progress = std::min(1.0, static_cast<double>(step - c.warmupSteps) / static_cast<double>(decaySteps));
    return c.minLr + 0.5 * (c.lr - c.minLr) * (1.0 + std::cos(kPi * progress));
}

std::string trainConfigToJson(const TrainConfig &c)
{
    OJson j;
    j["d_model"] = c.dModel;
    j["n_heads"] = c.nHeads;
    j["n_kv_heads"] = c.nKvHeads;
    j["n_layers"] = c.nLayers;
    j["mlp_hidden_size"] = c.mlpHiddenSize;
    j["max_sequence_length"] = c.maxSequenceLength;
    j["rope_theta"] = c.ropeTheta;
    j["vocab_size"] = c.vocabSize;
    j["mask_token_id"] = c.maskTokenId;
    j["eos_token_id"] = c.eosTokenId;
    j["bos_token_id"] = c.bosTokenId;
    j["pad_token_id"] = c.padTokenId;
    j["seq_len"] = c.seqLen;
    j["batch_size"] = c.batchSize;
    j["total_steps"] = c.totalSteps;
    j["lr"] = c.lr;
    j["min_lr"] = c.minLr;
    j["warmup_steps"] = c.warmupSteps;
    j["weight_decay"] = c.weightDecay;
    j["beta1"] = c.beta1;
    j["beta2"] = c.beta2;
    j["adam_eps"] = c.adamEps;
    j["grad_clip"] = c.gradClip;
    j["seed"] = c.seed;
    j["threads"] = c.threads;
    j["checkpoint_every"] = c.checkpointEvery;
    j["eval_every"] = c.evalEvery;
    j["eval_windows"] = c.evalWindows;
    j["save_dtype"] = tensorDTypeName(c.saveDType);
    j["train_path"] = c.trainPath;
    j["val_path"] = c.valPath;
    j["tokenizer_path"] = c.tokenizerPath;
    j["init_from"] = c.initFrom;
    j["out_dir"] = c.outDir;
    j["gen_length"] = c.genLength;
    j["gen_steps"] = c.genSteps;
    j["block_length"] = c.blockLength;
    j["temperature"] = c.temperature;
    j["remasking"] = measureName(c.remasking);
    return j.dump(2) + "\n";
}

bool readTrainConfigJson(const nlohmann::json &object, const std::string &path, JsonReader &r, TrainConfig *c)
{
    if (!r.expectObject(object, path))
        return false;
    // Sizes and counts are read into their own types; validateTrainConfig checks the ranges that matter.
    const bool fieldsOk = r.readInt(object, path, "d_model", &c->dModel)
        && r.readInt(object, path, "n_heads", &c->nHeads) && r.readInt(object, path, "n_kv_heads", &c->nKvHeads)
        && r.readInt(object, path, "n_layers", &c->nLayers)
        && r.readInt(object, path, "mlp_hidden_size", &c->mlpHiddenSize)
        && r.readInt(object, path, "max_sequence_length", &c->maxSequenceLength)
        && r.readNumber(object, path, "rope_theta", &c->ropeTheta)
        && r.readInt(object, path, "vocab_size", &c->vocabSize)
        && r.readInt(object, path, "mask_token_id", &c->maskTokenId)
        && r.readInt(object, path, "eos_token_id", &c->eosTokenId)
        && r.readInt(object, path, "bos_token_id", &c->bosTokenId)
        && r.readInt(object, path, "pad_token_id", &c->padTokenId) && r.readInt(object, path, "seq_len", &c->seqLen)
        && r.readInt(object, path, "batch_size", &c->batchSize)
        && r.readInt(object, path, "total_steps", &c->totalSteps) && r.readNumber(object, path, "lr", &c->lr)
        && r.readNumber(object, path, "min_lr", &c->minLr) && r.readInt(object, path, "warmup_steps", &c->warmupSteps)
        && r.readNumber(object, path, "weight_decay", &c->weightDecay) && r.readNumber(object, path, "beta1", &c->beta1)
        && r.readNumber(object, path, "beta2", &c->beta2) && r.readNumber(object, path, "adam_eps", &c->adamEps)
        && r.readNumber(object, path, "grad_clip", &c->gradClip) && r.readUInt64(object, path, "seed", &c->seed)
        && r.readInt(object, path, "threads", &c->threads)
        && r.readInt(object, path, "checkpoint_every", &c->checkpointEvery)
        && r.readInt(object, path, "eval_every", &c->evalEvery)
        && r.readInt(object, path, "eval_windows", &c->evalWindows)
        && r.readString(object, path, "train_path", &c->trainPath)
        && r.readString(object, path, "val_path", &c->valPath)
        && r.readString(object, path, "tokenizer_path", &c->tokenizerPath)
        && r.readString(object, path, "init_from", &c->initFrom) && r.readString(object, path, "out_dir", &c->outDir)
        && r.readInt(object, path, "gen_length", &c->genLength) && r.readInt(object, path, "gen_steps", &c->genSteps)
        && r.readInt(object, path, "block_length", &c->blockLength)
        && r.readNumber(object, path, "temperature", &c->temperature);
    if (!fieldsOk)
        return false;
    std::string dtype = tensorDTypeName(c->saveDType), remasking = measureName(c->remasking);
    if (!r.readString(object, path, "save_dtype", &dtype) || !r.readString(object, path, "remasking", &remasking))
        return false;
    if (dtype != "F32" && dtype != "BF16")
        return r.fail(JsonReader::child(path, "save_dtype"), "expected \"F32\" or \"BF16\", got \"" + dtype + "\"");
    c->saveDType = dtype == "F32" ? TensorDType::F32 : TensorDType::BF16;
    auto measure = parseMeasure(remasking);
    if (!measure)
        return r.fail(JsonReader::child(path, "remasking"), measure.error());
    c->remasking = *measure;
    return true;
}

Result<TrainConfig> trainConfigFromJson(const std::string &text, const std::string &where)
{
    using R = Result<TrainConfig>;
    const Result<Json> j = parseJson(text, where);
    if (!j)
        return R::failure(j.error());
    JsonReader reader(where);
    TrainConfig c;
    if (!readTrainConfigJson(*j, JsonReader::root(), reader, &c))
        return R::failure(reader.error());
    return c;
}

Result<TrainConfig> mergeResumeConfig(
    const TrainConfig &saved, const TrainConfig &given, const std::set<std::string> &givenKeys)
{
    using R = Result<TrainConfig>;
    OJson merged = OJson::parse(trainConfigToJson(saved));
    const OJson wanted = OJson::parse(trainConfigToJson(given));
    for (const std::string &key : givenKeys) {
        if (!wanted.contains(key))
            continue;
        if (trajectoryKeys().count(key) && merged[key] != wanted[key])
            return R::failure("cannot resume: the checkpoint was trained with " + optionOf(key) + " = "
                + merged[key].dump() + " but this command gives " + wanted[key].dump()
                + " (leave the option out to keep the checkpoint's value, or train into a new --out)");
        merged[key] = wanted[key];
    }
    return trainConfigFromJson(merged.dump(), "resumed config");
}

} // namespace dlm
