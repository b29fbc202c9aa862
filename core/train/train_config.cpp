#include "core/train/train_config.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <map>

namespace dlm {

namespace {

using Json = nlohmann::ordered_json;

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
    Json j;
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

Result<TrainConfig> trainConfigFromJson(const std::string &text, const std::string &where)
{
    using R = Result<TrainConfig>;
    const Json j = Json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return R::failure(where + ": not a JSON object");
    TrainConfig c;
    std::string error;
    // Reads one key if present; a wrong type is reported once, naming the key.
    const auto read = [&](const char *key, auto *field) {
        const auto it = j.find(key);
        if (it == j.end() || !error.empty())
            return;
        try {
            *field = it->template get<std::remove_pointer_t<decltype(field)>>();
        } catch (const Json::exception &) {
            error = where + ": field '" + key + "' has the wrong type: " + it->dump();
        }
    };
    read("d_model", &c.dModel);
    read("n_heads", &c.nHeads);
    read("n_kv_heads", &c.nKvHeads);
    read("n_layers", &c.nLayers);
    read("mlp_hidden_size", &c.mlpHiddenSize);
    read("max_sequence_length", &c.maxSequenceLength);
    read("rope_theta", &c.ropeTheta);
    read("vocab_size", &c.vocabSize);
    read("mask_token_id", &c.maskTokenId);
    read("eos_token_id", &c.eosTokenId);
    read("bos_token_id", &c.bosTokenId);
    read("pad_token_id", &c.padTokenId);
    read("seq_len", &c.seqLen);
    read("batch_size", &c.batchSize);
    read("total_steps", &c.totalSteps);
    read("lr", &c.lr);
    read("min_lr", &c.minLr);
    read("warmup_steps", &c.warmupSteps);
    read("weight_decay", &c.weightDecay);
    read("beta1", &c.beta1);
    read("beta2", &c.beta2);
    read("adam_eps", &c.adamEps);
    read("grad_clip", &c.gradClip);
    read("seed", &c.seed);
    read("threads", &c.threads);
    read("checkpoint_every", &c.checkpointEvery);
    read("eval_every", &c.evalEvery);
    read("eval_windows", &c.evalWindows);
    read("train_path", &c.trainPath);
    read("val_path", &c.valPath);
    read("tokenizer_path", &c.tokenizerPath);
    read("init_from", &c.initFrom);
    read("out_dir", &c.outDir);
    read("gen_length", &c.genLength);
    read("gen_steps", &c.genSteps);
    read("block_length", &c.blockLength);
    read("temperature", &c.temperature);
    std::string dtype = tensorDTypeName(c.saveDType), remasking = measureName(c.remasking);
    read("save_dtype", &dtype);
    read("remasking", &remasking);
    if (!error.empty())
        return R::failure(error);
    if (dtype == "F32" || dtype == "BF16")
        c.saveDType = dtype == "F32" ? TensorDType::F32 : TensorDType::BF16;
    else
        return R::failure(where + ": field 'save_dtype' must be \"F32\" or \"BF16\", got \"" + dtype + "\"");
    auto measure = parseMeasure(remasking);
    if (!measure)
        return R::failure(where + ": field 'remasking': " + measure.error());
    c.remasking = *measure;
    return c;
}

Result<TrainConfig> mergeResumeConfig(
    const TrainConfig &saved, const TrainConfig &given, const std::set<std::string> &givenKeys)
{
    using R = Result<TrainConfig>;
    Json merged = Json::parse(trainConfigToJson(saved));
    const Json wanted = Json::parse(trainConfigToJson(given));
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
