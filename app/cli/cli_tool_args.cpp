#include "app/cli/cli_tool_args.h"

#include "app/cli/cli_values.h"

#include <functional>
#include <map>

namespace dlm {

namespace {

using Failure = Result<CliCommand>;
using Apply = std::function<std::string(CliCommand &, const std::string &name, const std::string &value)>;

/** One option: whether it takes a value, how to store it, and for train the TrainConfig JSON key it sets. */
struct ToolOption
{
    bool takesValue = true;
    Apply apply;
    const char *trainKey = nullptr;
};

const char *const kTokenizeHelp
    = "Usage: dlmstudio-cli tokenize (--model DIR | --tokenizer FILE.model) --text FILE --out IDS.bin [options]\n"
      "\n"
      "Encodes a UTF-8 text file line by line with a sentencepiece tokenizer and writes a token file: a 16-byte\n"
      "header (magic \"DLMIDS01\", u32 vocabulary size, u32 reserved) then one little-endian u32 per token\n"
      "(numpy: np.fromfile(path, \"<u4\", offset=16)). Line breaks are not encoded and empty lines are skipped,\n"
      "so put one document or paragraph per line and use --append-eos-per-line to separate them.\n"
      "Prints JSON: lines, tokens, unknown tokens, vocabulary size, eos id.\n"
      "\n"
      "  --model DIR            use DIR/tokenizer.model (eos id from DIR/config.json)\n"
      "  --tokenizer FILE       a sentencepiece tokenizer.model (eos id from the tokenizer)\n"
      "  --text FILE            UTF-8 text to encode\n"
      "  --out FILE             token file to write (atomically)\n"
      "  --append-eos-per-line  append the eos id after every line\n"
      "  --eos-id N             the id --append-eos-per-line appends (default: see --model/--tokenizer)\n"
      "  -h, --help             show this help\n";

const char *const kTrainHelp
    = "Usage: dlmstudio-cli train --train IDS.bin --tokenizer FILE.model --out DIR [options]\n"
      "       dlmstudio-cli train --out DIR --resume [options]\n"
      "\n"
      "Trains a LLaDA-format masked diffusion model from scratch with LLaDA's pretraining objective (per sequence\n"
      "t ~ U(0,1), mask each token with p = (1-1e-3) t + 1e-3, loss = sum of masked CE / p / (batch * seq_len)),\n"
      "AdamW (betas 0.9/0.95, decay on matrices only), linear warm-up then cosine decay, global gradient clipping.\n"
      "Batches are random seq_len windows of the token stream; windows and masks are pure functions of\n"
      "(seed, step), so a run is reproducible and a resumed run continues bit for bit.\n"
      "\n"
      "Writes into DIR:\n"
      "  checkpoint/     weights (F32), AdamW moments, train_state.json; replaced atomically every\n"
      "                  --checkpoint-every steps, at the end, and on Ctrl-C / SIGTERM (then exit 0)\n"
      "  train_log.csv   step,loss,lr,grad_norm,tokens_per_s,elapsed_s,val_loss (val_loss on eval steps)\n"
      "  model/          at the end (and on SIGUSR1, training goes on): config.json, model.safetensors,\n"
      "                  tokenizer.model, generation_config.json; other files there (MODEL_CARD.md) are kept\n"
      "\n"
      "Data and output:\n"
      "  --train FILE           training token file (dlmstudio-cli tokenize)\n"
      "  --val FILE             held-out token file; its loss is logged every --eval-every steps\n"
      "  --tokenizer FILE       tokenizer.model the token files were made with (copied into model/)\n"
      "  --out DIR              output directory (created if missing)\n"
      "  --init-from DIR        start from this model's weights (same shape and tokenizer) instead of random ones;\n"
      "                         the optimiser and the schedule start fresh (a second training phase)\n"
      "  --resume               continue from DIR/checkpoint. Options left out keep the checkpoint's values;\n"
      "                         options given must match it, except threads, checkpoint/eval frequency,\n"
      "                         paths and export settings\n"
      "  --export-only          with --resume: write DIR/model from the checkpoint and exit\n"
      "Model (vocabulary size from the tokenizer):\n"
      "  --d-model N            hidden size (default 256)\n"
      "  --heads N              attention heads (default 4)\n"
      "  --kv-heads N           key/value heads, dividing --heads (default 4)\n"
      "  --layers N             transformer blocks (default 6)\n"
      "  --mlp N                SwiGLU hidden size (default 768)\n"
      "  --max-seq N            max_sequence_length written to config.json (default --seq-len)\n"
      "  --mask-id N            mask token id (default: the tokenizer's <|mdm_mask|> piece)\n"
      "  --eos-id N             eos_token_id (default: the tokenizer's eos; pad_token_id is the same)\n"
      "Optimisation:\n"
      "  --seq-len N            tokens per training window (default 256)\n"
      "  --batch N              windows per step (default 8)\n"
      "  --steps N              training steps in total (default 1000)\n"
      "  --lr F                 peak learning rate (default 1e-3)\n"
      "  --min-lr F             final learning rate of the cosine decay (default 1e-4)\n"
      "  --warmup N             linear warm-up steps (default min(100, steps / 10))\n"
      "  --weight-decay F       AdamW decoupled weight decay (default 0.1)\n"
      "  --clip F               global gradient norm limit, 0 = off (default 1.0)\n"
      "  --seed N               seed of weights, windows and masks (default 0)\n"
      "Running:\n"
      "  --threads N            compute threads, 0 = one per core (default 0)\n"
      "  --checkpoint-every N   steps between checkpoints, 0 = only at the end (default 200)\n"
      "  --eval-every N         steps between held-out evaluations, 0 = never (default 100)\n"
      "  --eval-windows N       held-out windows per evaluation, fixed masks (default 32)\n"
      "Export (model/):\n"
      "  --save-dtype f32|bf16  dtype of model.safetensors (default f32)\n"
      "  --gen-length N         generation_config.json gen_length (default 128)\n"
      "  --gen-steps N          generation_config.json steps (default 128)\n"
      "  --block-length N       generation_config.json block_length (default 32)\n"
      "  --temperature F        generation_config.json temperature (default 0)\n"
      "  --remasking M          generation_config.json remasking (default low_confidence)\n"
      "  -h, --help             show this help\n";

const char *const kEvalHelp
    = "Usage: dlmstudio-cli eval --model DIR (--text FILE | --ids IDS.bin) [options]\n"
      "\n"
      "Scores a model on a text cut into non-overlapping windows of seq-len tokens and prints JSON:\n"
      "  masked_ce   cross entropy (nats/token) on round(r * L) random masked positions per window, for\n"
      "              r = 0.15, 0.5, 0.85\n"
      "  elbo        LLaDA's Monte Carlo bound: per window and sample, l ~ U{1..L} random positions masked,\n"
      "              sample = (L / l) * sum of their CE; nll_bound = mean / L (nats/token), its standard error,\n"
      "              perplexity_bound = exp(nll_bound), an upper bound on the model's perplexity\n"
      "  unigram     perplexity of an add-one-smoothed unigram model fitted to the same tokens (the baseline)\n"
      "The same seed gives the same numbers.\n"
      "\n"
      "  --model DIR            model directory\n"
      "  --text FILE            UTF-8 text, encoded line by line as tokenize does\n"
      "  --ids FILE             a token file from tokenize instead of text\n"
      "  --append-eos-per-line  with --text: append the model's eos id after every line\n"
      "  --seq-len N            window length (default min(256, max_sequence_length))\n"
      "  --mc-samples N         ELBO samples per window (default 16)\n"
      "  --seed N               seed of the masks (default 0)\n"
      "  --max-windows N        evaluate at most N windows spread over the text, 0 = all (default 0)\n"
      "  --batch N              canvases per forward pass (default 8)\n"
      "  --threads N            compute threads, 0 = one per core (default 0)\n"
      "  -h, --help             show this help\n";

Apply pathTo(std::string CliCommand::*field, const char *what)
{
    return [=](CliCommand &c, const std::string &name, const std::string &v) -> std::string {
        if (v.empty())
            return name + ": expected " + what + ", got an empty string";
        c.*field = v;
        return {};
    };
}

Apply flag(bool CliCommand::*field)
{
    return [=](CliCommand &c, const std::string &, const std::string &) {
        c.*field = true;
        return std::string();
    };
}

template<typename T> Apply trainInt(T TrainConfig::*field, long long lo, long long hi)
{
    return [=](CliCommand &c, const std::string &name, const std::string &v) {
        long long i = 0;
        std::string e = intOption(name, v, lo, hi, &i);
        if (e.empty())
            c.train.*field = static_cast<T>(i);
        return e;
    };
}

Apply trainReal(double TrainConfig::*field, double lo)
{
    return [=](CliCommand &c, const std::string &name, const std::string &v) {
        double x = 0;
        std::string e = doubleOption(name, v, lo, &x);
        if (e.empty())
            c.train.*field = x;
        return e;
    };
}

Apply trainPath(std::string TrainConfig::*field, const char *what)
{
    return [=](CliCommand &c, const std::string &name, const std::string &v) -> std::string {
        if (v.empty())
            return name + ": expected " + what + ", got an empty string";
        c.train.*field = v;
        return {};
    };
}

template<typename T> Apply evalInt(T EvalOptions::*field, long long lo, long long hi)
{
    return [=](CliCommand &c, const std::string &name, const std::string &v) {
        long long i = 0;
        std::string e = intOption(name, v, lo, hi, &i);
        if (e.empty())
            c.eval.*field = static_cast<T>(i);
        return e;
    };
}

Apply threads()
{
    return [](CliCommand &c, const std::string &name, const std::string &v) {
        long long i = 0;
        std::string e = intOption(name, v, 0, 1024, &i);
        if (e.empty()) {
            c.overrides.threads = static_cast<int>(i);
            c.train.threads = static_cast<int>(i);
        }
        return e;
    };
}

const std::map<std::string, ToolOption> &tokenizeOptions()
{
    static const std::map<std::string, ToolOption> table = {
        {"--model", {true, pathTo(&CliCommand::modelDir, "a directory")}},
        {"--tokenizer", {true, pathTo(&CliCommand::tokenizerPath, "a tokenizer.model file")}},
        {"--text", {true, pathTo(&CliCommand::textPath, "a text file")}},
        {"--out", {true, pathTo(&CliCommand::outPath, "a file name")}},
        {"--append-eos-per-line", {false, flag(&CliCommand::appendEos)}},
        {"--eos-id",
            {true,
                [](CliCommand &c, const std::string &name, const std::string &v) {
                    long long i = 0;
                    std::string e = intOption(name, v, 0, 2147483647, &i);
                    if (e.empty())
                        c.eosId = static_cast<int32_t>(i);
                    return e;
                }}},
    };
    return table;
}

const std::map<std::string, ToolOption> &trainOptions()
{
    using T = TrainConfig;
    static const std::map<std::string, ToolOption> table = {
        {"--train", {true, trainPath(&T::trainPath, "a token file"), "train_path"}},
        {"--val", {true, trainPath(&T::valPath, "a token file"), "val_path"}},
        {"--tokenizer", {true, trainPath(&T::tokenizerPath, "a tokenizer.model file"), "tokenizer_path"}},
        {"--out", {true, trainPath(&T::outDir, "a directory"), "out_dir"}},
        {"--init-from", {true, trainPath(&T::initFrom, "a model directory"), "init_from"}},
        {"--resume", {false, flag(&CliCommand::resume)}},
        {"--export-only", {false, flag(&CliCommand::exportOnly)}},
        {"--d-model", {true, trainInt(&T::dModel, 2, 65536), "d_model"}},
        {"--heads", {true, trainInt(&T::nHeads, 1, 4096), "n_heads"}},
        {"--kv-heads", {true, trainInt(&T::nKvHeads, 1, 4096), "n_kv_heads"}},
        {"--layers", {true, trainInt(&T::nLayers, 1, 1024), "n_layers"}},
        {"--mlp", {true, trainInt(&T::mlpHiddenSize, 1, 1 << 20), "mlp_hidden_size"}},
        {"--max-seq", {true, trainInt(&T::maxSequenceLength, 1, 1 << 24), "max_sequence_length"}},
        {"--mask-id", {true, trainInt(&T::maskTokenId, 0, 2147483647), "mask_token_id"}},
        {"--eos-id", {true, trainInt(&T::eosTokenId, 0, 2147483647), "eos_token_id"}},
        {"--seq-len", {true, trainInt(&T::seqLen, 1, 1 << 20), "seq_len"}},
        {"--batch", {true, trainInt(&T::batchSize, 1, 1 << 16), "batch_size"}},
        {"--steps", {true, trainInt(&T::totalSteps, 1, 1ll << 40), "total_steps"}},
        {"--lr", {true, trainReal(&T::lr, 0.0), "lr"}},
        {"--min-lr", {true, trainReal(&T::minLr, 0.0), "min_lr"}},
        {"--warmup", {true, trainInt(&T::warmupSteps, 0, 1ll << 40), "warmup_steps"}},
        {"--weight-decay", {true, trainReal(&T::weightDecay, 0.0), "weight_decay"}},
        {"--clip", {true, trainReal(&T::gradClip, 0.0), "grad_clip"}},
        {"--seed",
            {true,
                [](CliCommand &c, const std::string &name, const std::string &v) {
                    return seedOption(name, v, &c.train.seed);
                },
                "seed"}},
        {"--threads", {true, threads(), "threads"}},
        {"--checkpoint-every", {true, trainInt(&T::checkpointEvery, 0, 1ll << 40), "checkpoint_every"}},
        {"--eval-every", {true, trainInt(&T::evalEvery, 0, 1ll << 40), "eval_every"}},
        {"--eval-windows", {true, trainInt(&T::evalWindows, 1, 1 << 20), "eval_windows"}},
        {"--save-dtype",
            {true,
                [](CliCommand &c, const std::string &name, const std::string &v) -> std::string {
                    if (v != "f32" && v != "bf16")
                        return name + ": expected f32 or bf16, got " + quoted(v);
                    c.train.saveDType = v == "f32" ? TensorDType::F32 : TensorDType::BF16;
                    return {};
                },
                "save_dtype"}},
        {"--gen-length", {true, trainInt(&T::genLength, 1, 65536), "gen_length"}},
        {"--gen-steps", {true, trainInt(&T::genSteps, 1, 1000000), "gen_steps"}},
        {"--block-length", {true, trainInt(&T::blockLength, 1, 65536), "block_length"}},
        {"--temperature", {true, trainReal(&T::temperature, 0.0), "temperature"}},
        {"--remasking",
            {true,
                [](CliCommand &c, const std::string &name, const std::string &v) -> std::string {
                    auto m = parseMeasure(v);
                    if (!m)
                        return name + ": " + m.error();
                    c.train.remasking = *m;
                    return {};
                },
                "remasking"}},
    };
    return table;
}

const std::map<std::string, ToolOption> &evalOptions()
{
    using E = EvalOptions;
    static const std::map<std::string, ToolOption> table = {
        {"--model", {true, pathTo(&CliCommand::modelDir, "a directory")}},
        {"--text", {true, pathTo(&CliCommand::textPath, "a text file")}},
        {"--ids", {true, pathTo(&CliCommand::idsPath, "a token file")}},
        {"--append-eos-per-line", {false, flag(&CliCommand::appendEos)}},
        {"--seq-len", {true, evalInt(&E::seqLen, 1, 1 << 20)}},
        {"--mc-samples", {true, evalInt(&E::mcSamples, 1, 1000000)}},
        {"--max-windows", {true, evalInt(&E::maxWindows, 0, 1 << 30)}},
        {"--batch", {true, evalInt(&E::batchSize, 1, 4096)}},
        {"--seed",
            {true,
                [](CliCommand &c, const std::string &name, const std::string &v) {
                    return seedOption(name, v, &c.eval.seed);
                }}},
        {"--threads", {true, threads()}},
    };
    return table;
}

std::string checkTool(CliCommand &c)
{
    switch (c.kind) {
    case CliCommandKind::Tokenize:
        if (c.modelDir.empty() == c.tokenizerPath.empty())
            return "tokenize: give exactly one of --model DIR and --tokenizer FILE";
        if (c.textPath.empty())
            return "tokenize: --text FILE is required";
        if (c.outPath.empty())
            return "tokenize: --out FILE is required";
        if (c.eosId && !c.appendEos)
            return "--eos-id: only used with --append-eos-per-line";
        return {};
    case CliCommandKind::Eval:
        if (c.modelDir.empty())
            return "eval: --model DIR is required";
        if (c.textPath.empty() == c.idsPath.empty())
            return "eval: give exactly one of --text FILE and --ids FILE";
        if (c.appendEos && c.textPath.empty())
            return "--append-eos-per-line: only used with --text";
        return {};
    case CliCommandKind::Train: {
        if (c.train.outDir.empty())
            return "train: --out DIR is required";
        if (c.exportOnly && !c.resume)
            return "--export-only: needs --resume (it exports the checkpoint in --out)";
        if (c.resume) // the checkpoint supplies what is left out; the trainer checks the merged config
            return {};
        if (c.train.trainPath.empty())
            return "train: --train FILE is required (make one with dlmstudio-cli tokenize)";
        if (c.train.tokenizerPath.empty())
            return "train: --tokenizer FILE is required";
        if (!c.trainKeys.count("warmup_steps"))
            c.train.warmupSteps = std::min<int64_t>(100, c.train.totalSteps / 10);
        const Status valid = validateTrainConfig(c.train);
        return valid ? std::string() : valid.error();
    }
    default:
        return {};
    }
}

} // namespace

bool isToolCommand(CliCommandKind kind)
{
    return kind == CliCommandKind::Tokenize || kind == CliCommandKind::Train || kind == CliCommandKind::Eval;
}

std::string toolCommandHelp(CliCommandKind kind)
{
    switch (kind) {
    case CliCommandKind::Tokenize:
        return kTokenizeHelp;
    case CliCommandKind::Train:
        return kTrainHelp;
    default:
        return kEvalHelp;
    }
}

Result<CliCommand> parseToolCommand(CliCommandKind kind, const std::vector<std::string> &args)
{
    CliCommand c;
    c.kind = kind;
    const std::string cmd = args.empty() ? std::string() : args[0];
    const auto &table = kind == CliCommandKind::Tokenize ? tokenizeOptions()
        : kind == CliCommandKind::Train                  ? trainOptions()
                                                         : evalOptions();
    for (size_t i = 1; i < args.size(); ++i) {
        const std::string &arg = args[i];
        if (arg == "-h" || arg == "--help") {
            c.helpText = toolCommandHelp(kind);
            return c;
        }
        std::string name;
        std::optional<std::string> inlineValue;
        if (const std::string error = splitOptionArgument(cmd, arg, &name, &inlineValue); !error.empty())
            return Failure::failure(error);
        const auto it = table.find(name);
        if (it == table.end())
            return Failure::failure(cmd + ": unknown option " + name + " (see dlmstudio-cli " + cmd + " --help)");
        std::string value;
        if (const std::string error = takeOptionValue(args, &i, name, inlineValue, it->second.takesValue, &value);
            !error.empty())
            return Failure::failure(error);
        const std::string error = it->second.apply(c, name, value);
        if (!error.empty())
            return Failure::failure(error);
        if (it->second.trainKey)
            c.trainKeys.insert(it->second.trainKey);
    }
    const std::string error = checkTool(c);
    if (!error.empty())
        return Failure::failure(error);
    return c;
}

} // namespace dlm
