// The model-building commands: tokenize, train, eval.

#include "app/cli/cli_declare.h"
#include "app/cli/cli_options.h"

#include <algorithm>
#include <limits>
#include <memory>

namespace dlm::cli {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr long long kMaxId = std::numeric_limits<int32_t>::max();
constexpr long long kMaxSteps = 1LL << 40;

const char *const kTrainDescription
    = "train a masked diffusion model from scratch; checkpoints, resume, export\n\n"
      "Trains a LLaDA-format masked diffusion model from scratch with LLaDA's pretraining objective (per sequence\n"
      "t ~ U(0,1), mask each token with p = (1-1e-3) t + 1e-3, loss = sum of masked CE / p / (batch * seq_len)),\n"
      "AdamW (betas 0.9/0.95, decay on matrices only), linear warm-up then cosine decay, global gradient clipping.\n"
      "Batches are random seq_len windows of the token stream; windows and masks are pure functions of\n"
      "(seed, step), so a run is reproducible and a resumed run continues bit for bit.\n"
      "Start:  dlmstudio-cli train --train IDS.bin --tokenizer FILE.model --out DIR [options]\n"
      "Resume: dlmstudio-cli train --out DIR --resume [options]";

const char *const kTrainFooter
    = "Writes into DIR:\n"
      "  checkpoint/     weights (F32), AdamW moments, train_state.json; replaced atomically every\n"
      "                  --checkpoint-every steps, at the end, and on Ctrl-C / SIGTERM (then exit 0)\n"
      "  train_log.csv   step,loss,lr,grad_norm,tokens_per_s,elapsed_s,val_loss (val_loss on eval steps)\n"
      "  model/          at the end (and on SIGUSR1, training goes on): config.json, model.safetensors,\n"
      "                  tokenizer.model, generation_config.json; other files there (MODEL_CARD.md) are kept";

/** The options of `train` that set a TrainConfig field, with the field's JSON key (resume compares them). */
class TrainOptions
{
public:
    TrainOptions(CLI::App &app, TrainArgs &args)
        : m_app(app)
        , m_args(args)
    {
    }

    template<typename T>
    CLI::Option *integer(const char *name, const char *key, T &field, long long lo, long long hi,
        const std::string &help, bool showDefault = true)
    {
        CLI::Option *opt = addInteger(m_app, name, field, lo, hi, help);
        if (showDefault)
            opt->default_str(std::to_string(field));
        return keyed(opt, key);
    }
    CLI::Option *number(const char *name, const char *key, double &field, const std::string &help)
    {
        return keyed(addNumber(m_app, name, field, 0.0, kInf, help)->default_str(shown(field)), key);
    }
    CLI::Option *path(
        const char *name, const char *key, std::string &field, const char *typeName, const std::string &help)
    {
        return keyed(addPath(m_app, name, field, typeName, help), key);
    }
    CLI::App &app() { return m_app; }
    /** Options declared from now on are listed under `name` in the help. */
    void group(const char *name) { m_group = name; }
    CLI::Option *grouped(CLI::Option *opt) const { return opt->group(m_group); }
    CLI::Option *keyed(CLI::Option *opt, const char *key)
    {
        m_keys.emplace_back(opt, key);
        return grouped(opt);
    }

    /** The JSON keys of the options given on the command line. */
    void collectGivenKeys() const
    {
        for (const auto &[opt, key] : m_keys) {
            if (opt->count() > 0)
                m_args.givenKeys.insert(key);
        }
    }

private:
    CLI::App &m_app;
    TrainArgs &m_args;
    std::vector<std::pair<CLI::Option *, const char *>> m_keys;
    std::string m_group = "Options";
};

void addTrainOptions(TrainOptions &t, TrainArgs &a)
{
    TrainConfig &c = a.config;
    t.group("Data and output");
    t.path("--train", "train_path", c.trainPath, "FILE", "training token file (dlmstudio-cli tokenize)");
    t.path("--val", "val_path", c.valPath, "FILE", "held-out token file; its loss is logged every --eval-every steps");
    t.path("--tokenizer", "tokenizer_path", c.tokenizerPath, "FILE",
        "tokenizer.model the token files were made with (copied into model/)");
    t.path("--out", "out_dir", c.outDir, "DIR", "output directory (created if missing)")->required();
    t.path("--init-from", "init_from", c.initFrom, "DIR",
        "start from this model's weights (same shape and tokenizer) instead of random ones; "
        "the optimiser and the schedule start fresh (a second training phase)");

    CLI::Option *resume = t.grouped(addFlag(t.app(), "--resume", a.resume,
        "continue from DIR/checkpoint. Options left out keep the checkpoint's values; options given must "
        "match it, except threads, checkpoint/eval frequency, paths and export settings"));
    t.grouped(
        addFlag(t.app(), "--export-only", a.exportOnly, "with --resume: write DIR/model from the checkpoint and exit")
            ->needs(resume));

    t.group("Model (vocabulary size from the tokenizer)");
    t.integer("--d-model", "d_model", c.dModel, 2, 65536, "hidden size");
    t.integer("--heads", "n_heads", c.nHeads, 1, 4096, "attention heads");
    t.integer("--kv-heads", "n_kv_heads", c.nKvHeads, 1, 4096, "key/value heads, dividing --heads");
    t.integer("--layers", "n_layers", c.nLayers, 1, 1024, "transformer blocks");
    t.integer("--mlp", "mlp_hidden_size", c.mlpHiddenSize, 1, 1 << 20, "SwiGLU hidden size");
    t.integer("--max-seq", "max_sequence_length", c.maxSequenceLength, 1, 1 << 24,
        "max_sequence_length written to config.json (default --seq-len)", false);
    t.integer("--mask-id", "mask_token_id", c.maskTokenId, 0, kMaxId,
        "mask token id (default: the tokenizer's <|mdm_mask|> piece)", false);
    t.integer("--eos-id", "eos_token_id", c.eosTokenId, 0, kMaxId,
        "eos_token_id (default: the tokenizer's eos; pad_token_id is the same)", false);

    t.group("Optimisation");
    t.integer("--seq-len", "seq_len", c.seqLen, 1, 1 << 20, "tokens per training window");
    t.integer("--batch", "batch_size", c.batchSize, 1, 1 << 16, "windows per step");
    t.integer("--steps", "total_steps", c.totalSteps, 1, kMaxSteps, "training steps in total");
    t.number("--lr", "lr", c.lr, "peak learning rate");
    t.number("--min-lr", "min_lr", c.minLr, "final learning rate of the cosine decay");
    t.integer("--warmup", "warmup_steps", c.warmupSteps, 0, kMaxSteps,
        "linear warm-up steps (default min(100, steps / 10))", false);
    t.number("--weight-decay", "weight_decay", c.weightDecay, "AdamW decoupled weight decay");
    t.number("--clip", "grad_clip", c.gradClip, "global gradient norm limit, 0 = off");
    t.keyed(addSeed(t.app(), "--seed", c.seed, "seed of weights, windows and masks")->default_str("0"), "seed");

    t.group("Running");
    t.integer("--threads", "threads", c.threads, 0, 1024, "compute threads, 0 = one per core");
    t.integer("--checkpoint-every", "checkpoint_every", c.checkpointEvery, 0, kMaxSteps,
        "steps between checkpoints, 0 = only at the end");
    t.integer("--eval-every", "eval_every", c.evalEvery, 0, kMaxSteps, "steps between held-out evaluations, 0 = never");
    t.integer(
        "--eval-windows", "eval_windows", c.evalWindows, 1, 1 << 20, "held-out windows per evaluation, fixed masks");

    t.group("Export (model/)");
    const std::vector<std::pair<std::string, TensorDType>> dtypes
        = {{"f32", TensorDType::F32}, {"bf16", TensorDType::BF16}};
    t.keyed(addChoice(t.app(), "--save-dtype", c.saveDType, dtypes, "dtype of model.safetensors")->default_str("f32"),
        "save_dtype");
    t.integer("--gen-length", "gen_length", c.genLength, 1, 65536, "generation_config.json gen_length");
    t.integer("--gen-steps", "gen_steps", c.genSteps, 1, 1000000, "generation_config.json steps");
    t.integer("--block-length", "block_length", c.blockLength, 1, 65536, "generation_config.json block_length");
    t.number("--temperature", "temperature", c.temperature, "generation_config.json temperature");
    t.keyed(addChoice(t.app(), "--remasking", c.remasking, measureChoices(), "generation_config.json remasking")
                ->default_str(measureName(c.remasking)),
        "remasking");
}

} // namespace

void declareTokenize(CLI::App &app, CliArgs &result)
{
    auto a = std::make_shared<TokenizeArgs>();
    CLI::App *sub = app.add_subcommand("tokenize",
        "encode a text file into a token file for train and eval; show or reverse a tokenization\n\n"
        "With --out: encodes a UTF-8 text file line by line and writes a token file: a 16-byte header (magic\n"
        "\"DLMIDS01\", u32 vocabulary size, u32 reserved) then one little-endian u32 per token (numpy:\n"
        "np.fromfile(path, \"<u4\", offset=16)). Line breaks are not encoded and empty lines are skipped, so put\n"
        "one document or paragraph per line and use --append-eos-per-line to separate them. Prints JSON: lines,\n"
        "tokens, unknown tokens, vocabulary size, eos id.\n"
        "With --json: encodes the whole text file (line breaks included, special-token strings matched) and\n"
        "prints {\"ids\": [...], \"pieces\": [...]}.\n"
        "With --decode: prints the text of the ids in a file, exactly, without a newline added.");
    CLI::Option *model
        = addPath(*sub, "--model", a->modelDir, "DIR", "use DIR's tokenizer (eos id from DIR/config.json)");
    addPath(*sub, "--tokenizer", a->tokenizerPath, "PATH",
        "a tokenizer.json, a sentencepiece tokenizer.model or a directory holding one (eos id from the tokenizer)")
        ->excludes(model);
    addPath(*sub, "--text", a->textPath, "FILE", "UTF-8 text to encode");
    CLI::Option *out = addPath(*sub, "--out", a->outPath, "FILE", "token file to write (atomically)");
    addFlag(*sub, "--json", a->json, "print the ids and pieces of --text as JSON instead of writing --out")
        ->excludes(out);
    // Its exclusions are checked below: CLI11 lists several in pointer order, which would make the help vary.
    addPath(*sub, "--decode", a->decodePath, "FILE",
        "print the text of the ids in FILE (a JSON array or whitespace-separated ids); excludes --text, --out "
        "and --json");
    CLI::Option *appendEos
        = addFlag(*sub, "--append-eos-per-line", a->appendEos, "append the eos id after every line")->needs(out);
    addInteger(*sub, "--eos-id", a->eosId, 0, kMaxId,
        "the id --append-eos-per-line appends (default: see --model/--tokenizer)")
        ->needs(appendEos);
    sub->final_callback([a, &result] {
        if (a->modelDir.empty() && a->tokenizerPath.empty())
            throw CLI::ValidationError("tokenize: --model DIR or --tokenizer PATH is required");
        if (!a->decodePath.empty() && (!a->textPath.empty() || !a->outPath.empty() || a->json))
            throw CLI::ValidationError("tokenize: --decode excludes --text, --out and --json");
        if (a->decodePath.empty() && a->textPath.empty())
            throw CLI::ValidationError("tokenize: --text FILE or --decode FILE is required");
        if (!a->textPath.empty() && !a->json && a->outPath.empty())
            throw CLI::ValidationError("tokenize: --out FILE (a token file) or --json is required");
        if (!a->outPath.empty() && a->textPath.empty())
            throw CLI::ValidationError("tokenize: --out needs --text FILE");
        result = std::move(*a);
    });
}

void declareTrain(CLI::App &app, CliArgs &result)
{
    auto a = std::make_shared<TrainArgs>();
    CLI::App *sub = app.add_subcommand("train", kTrainDescription);
    auto options = std::make_shared<TrainOptions>(*sub, *a);
    addTrainOptions(*options, *a);
    sub->footer(kTrainFooter);

    sub->final_callback([a, options, &result] {
        options->collectGivenKeys();
        TrainArgs &t = *a;
        if (!t.resume) { // a resumed run takes what is left out from the checkpoint; the trainer checks the merge
            if (t.config.trainPath.empty())
                throw CLI::ValidationError("train: --train FILE is required (make one with dlmstudio-cli tokenize)");
            if (t.config.tokenizerPath.empty())
                throw CLI::ValidationError("train: --tokenizer FILE is required");
            if (!t.givenKeys.count("warmup_steps"))
                t.config.warmupSteps = std::min<int64_t>(100, t.config.totalSteps / 10);
            if (const Status valid = validateTrainConfig(t.config); !valid)
                throw CLI::ValidationError(valid.error());
        }
        result = std::move(t);
    });
}

void declareEval(CLI::App &app, CliArgs &result)
{
    auto a = std::make_shared<EvalArgs>();
    CLI::App *sub = app.add_subcommand("eval",
        "masked-token cross entropy, ELBO perplexity bound and unigram baseline, as JSON\n\n"
        "Scores a model on a text cut into non-overlapping windows of seq-len tokens and prints JSON:\n"
        "  masked_ce   cross entropy (nats/token) on round(r * L) random masked positions per window, for\n"
        "              r = 0.15, 0.5, 0.85\n"
        "  elbo        LLaDA's Monte Carlo bound: per window and sample, l ~ U{1..L} random positions masked,\n"
        "              sample = (L / l) * sum of their CE; nll_bound = mean / L (nats/token), its standard error,\n"
        "              perplexity_bound = exp(nll_bound), an upper bound on the model's perplexity\n"
        "  unigram     perplexity of an add-one-smoothed unigram model fitted to the same tokens (the baseline)\n"
        "The same seed gives the same numbers.");
    EvalOptions &e = a->options;
    addModelDir(*sub, a->modelDir)->required();
    CLI::Option *text
        = addPath(*sub, "--text", a->textPath, "FILE", "UTF-8 text, encoded line by line as tokenize does");
    addPath(*sub, "--ids", a->idsPath, "FILE", "a token file from tokenize instead of text")->excludes(text);
    addFlag(*sub, "--append-eos-per-line", a->appendEos, "with --text: append the model's eos id after every line")
        ->needs(text);
    addInteger(*sub, "--seq-len", e.seqLen, 1, 1 << 20, "window length (default min(256, max_sequence_length))");
    addInteger(*sub, "--mc-samples", e.mcSamples, 1, 1000000, "ELBO samples per window")
        ->default_str(std::to_string(e.mcSamples));
    addSeed(*sub, "--seed", e.seed, "seed of the masks")->default_str("0");
    addInteger(
        *sub, "--max-windows", e.maxWindows, 0, 1 << 30, "evaluate at most N windows spread over the text, 0 = all")
        ->default_str("0");
    addInteger(*sub, "--batch", e.batchSize, 1, 4096, "canvases per forward pass")
        ->default_str(std::to_string(e.batchSize));
    addInteger(*sub, "--threads", a->threads, 0, 1024, "compute threads, 0 = one per core")->default_str("0");
    sub->final_callback([a, &result] {
        if (a->textPath.empty() && a->idsPath.empty())
            throw CLI::ValidationError("eval: --text FILE or --ids FILE is required");
        result = std::move(*a);
    });
}

} // namespace dlm::cli
