// The commands that run a model: generate, info, forward, bench, and the generation options generate and
// bench share.

#include "app/cli/cli_declare.h"
#include "app/cli/cli_options.h"
#include "core/sampling/sampler_registry.h"

#include <limits>
#include <memory>

namespace dlm::cli {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

const char *const kSettingsNote
    = "Settings left out come from the model's generation_config.json when it has them, else the defaults.\n"
      "When --gen-length is smaller than the default block length or steps, those shrink to it unless given.\n"
      "The model's family picks the sampler (Dream models: Dream's, with 512 steps by default); options of the\n"
      "other sampler are refused.";

std::vector<std::pair<std::string, ComputeDType>> dtypeChoices()
{
    // The long spellings stay accepted (core's parseComputeDType takes them) without cluttering the help.
    return {{"f32", ComputeDType::F32}, {"bf16", ComputeDType::BF16}, {"float32", ComputeDType::F32},
        {"bfloat16", ComputeDType::BF16}};
}

template<typename T> CLI::Option *addDType(CLI::App &app, T &target)
{
    return addChoice(app, "--dtype", target, dtypeChoices(), "compute dtype", 2)->default_str("f32");
}

template<typename T> CLI::Option *addThreads(CLI::App &app, T &target)
{
    return addInteger(app, "--threads", target, 0, 1024, "compute threads, 0 = one per core")->default_str("0");
}

/** Which sampler runs, and Dream's own knobs under Dream's names (refused for LLaDA's sampler). */
void addSamplerOptions(CLI::App &app, SettingsOverrides &o)
{
    const GenerationSettings d = dreamDefaults();
    std::vector<std::pair<std::string, SamplerKind>> samplerNames;
    for (const SamplerInfo &s : samplers())
        samplerNames.emplace_back(s.name, s.kind);
    addChoice(app, "--sampler", o.sampler, samplerNames,
        "sampling loop: LLaDA's generate() or Dream's diffusion_generate(); default: the model family's");
    addChoice(app, "--alg", o.alg,
        std::vector<std::pair<std::string, DreamAlg>> {{"origin", DreamAlg::Origin},
            {"maskgit_plus", DreamAlg::MaskgitPlus}, {"topk_margin", DreamAlg::TopkMargin},
            {"entropy", DreamAlg::Entropy}},
        "Dream: which masks a step reveals (origin: each with probability 1 - s/t; the others: the k most "
        "confident by top-1 probability, top-1 minus top-2, or minus the entropy)")
        ->default_str(dreamAlgName(d.alg));
    addNumber(app, "--alg-temp", o.algTemp, 0.0, kInf,
        "Dream: 0 reveals the k most confident; > 0 samples k positions from softmax(confidence / F)")
        ->default_str(shown(d.algTemp));
    addNumber(app, "--top-p", o.topP, 0.0, 1.0, "Dream: nucleus filtering before sampling, 1 = off", true)
        ->default_str(shown(d.topP));
    addInteger(app, "--sample-top-k", o.sampleTopK, 0, 1 << 30,
        "Dream: keep the N most likely tokens before sampling, 0 = off (--top-k is what is recorded)")
        ->default_str(std::to_string(d.sampleTopK));
    addNumber(app, "--eps", o.eps, 0.0, 1.0, "Dream: the time grid runs from 1 down to F")->default_str(shown(d.eps));
}

/** The generation settings, each optional so that one left out can come from generation_config.json. */
void addGenerationOptions(CLI::App &app, SettingsOverrides &o)
{
    const GenerationSettings d;
    addInteger(app, "--gen-length", o.genLength, 1, 65536, "masked positions to generate")
        ->default_str(std::to_string(d.genLength));
    addInteger(app, "--max-new-tokens", o.genLength, 1, 65536, "the same as --gen-length (Dream's name for it)");
    addInteger(app, "--steps", o.steps, 1, 1000000, "denoising steps in total, spread over blocks")
        ->default_str(std::to_string(d.steps));
    addInteger(app, "--block-length", o.blockLength, 1, 65536, "semi-autoregressive block size")
        ->default_str(std::to_string(d.blockLength));
    addNumber(app, "--temperature", o.temperature, 0.0, kInf, "0 = argmax; > 0 samples via Gumbel noise")
        ->default_str(shown(d.temperature));
    addChoice(app, "--remasking", o.measure, measureChoices(), "confidence measure that picks the commits")
        ->default_str(measureName(d.measure));
    addNumber(app, "--threshold", o.threshold, -kInf, kInf,
        "threshold decoding (Fast-dLLM): commit every position in the block whose "
        "confidence is at least F, and at least one per step; steps become dynamic");
    addNumber(app, "--cfg", o.cfgScale, 0.0, kInf, "classifier-free guidance weight, 0 = off")
        ->default_str(shown(d.cfgScale));
    addSeed(app, "--seed", o.seed, "random seed; the same seed gives the same output")
        ->default_str(std::to_string(d.seed));
    addInteger(app, "--top-k", o.topK, 0, 64, "alternatives recorded per position and step")
        ->default_str(std::to_string(d.topK));
    addDType(app, o.dtype);
    addThreads(app, o.threads);
    const std::vector<std::pair<std::string, CacheMode>> caches
        = {{"none", CacheMode::None}, {"prefix", CacheMode::Prefix}, {"dual", CacheMode::Dual}};
    addChoice(app, "--cache", o.cache, caches,
        "Fast-dLLM's KV cache: keep keys/values outside the block between a block's steps (prefix: before it; "
        "dual: before and after). Faster, approximate: outputs can differ from none")
        ->default_str(cacheModeName(d.cache));
    addChoice(app, "--later-blocks", o.laterBlocks,
        std::vector<std::pair<std::string, LaterBlocks>> {{"record", LaterBlocks::Record}, {"skip", LaterBlocks::Skip}},
        "LLaDA: also record predictions for the masks right of the block (never committed; the output head, "
        "softmax and top-k run on those rows too: see bench --later-blocks-cost; with --cache dual only on "
        "full-canvas steps)")
        ->default_str(laterBlocksName(d.laterBlocks));
    addSamplerOptions(app, o);
}

/** Checks between generation options that the value rules cannot see. */
void checkGenerationOptions(const SettingsOverrides &o)
{
    if (o.genLength && o.blockLength && *o.blockLength > *o.genLength)
        throw CLI::ValidationError("--block-length: " + std::to_string(*o.blockLength) + " exceeds --gen-length "
            + std::to_string(*o.genLength));
}

} // namespace

void declareGenerate(CLI::App &app, CliArgs &result)
{
    auto a = std::make_shared<GenerateArgs>();
    CLI::App *sub = app.add_subcommand("generate",
        "denoise a prompt's continuation and print the generated text\n\n"
        "Denoises gen-length masked positions after the prompt and prints the generated text: the generation\n"
        "region decoded, cut at the first end-of-sequence token if there is one.");
    addModelDir(*sub, a->modelDir)->required();
    addText(*sub, "--prompt", a->prompt, "prompt text; [MASK] or the model's mask piece in it is infilled")->required();
    addFlag(*sub, "--chat", a->chat,
        "treat --prompt as one user message: render it with the model's chat template (with the assistant "
        "header that asks for a reply) and generate the reply");
    addGenerationOptions(*sub, a->overrides);
    addPath(
        *sub, "--timeline", a->timelinePath, "FILE", "save the whole step timeline as JSON (loadable by DLM Studio)");
    addFlag(*sub, "--show", a->show, "redraw the canvas on the terminal after every step");
    addFlag(*sub, "--compare-cache", a->compareCache,
        "with --cache prefix|dual: also run without the cache (same prompt, seed and settings) and report the "
        "tokens that differ, the step where the canvases first differ, and both step times");
    sub->footer(kSettingsNote);
    sub->final_callback([a, &result] {
        checkGenerationOptions(a->overrides);
        if (a->compareCache && (!a->overrides.cache || *a->overrides.cache == CacheMode::None))
            throw CLI::ValidationError("--compare-cache: needs --cache prefix or --cache dual");
        result = std::move(*a);
    });
}

void declareInfo(CLI::App &app, CliArgs &result)
{
    auto a = std::make_shared<InfoArgs>();
    CLI::App *sub = app.add_subcommand("info",
        "print a model directory's configuration, size and tokenizer as JSON\n\n"
        "Prints JSON: architecture, name, every config.json field, parameter count, storage dtype, vocabulary\n"
        "size, special token ids, tokenizer kind and vocabulary, and the sha256 of config.json.");
    addModelDir(*sub, a->modelDir)->required();
    sub->final_callback([a, &result] { result = std::move(*a); });
}

void declareForward(CLI::App &app, CliArgs &result)
{
    auto a = std::make_shared<ForwardArgs>();
    CLI::App *sub = app.add_subcommand("forward",
        "run one forward pass and print the top-k predictions per position as JSON\n\n"
        "Runs one forward pass over the given tokens (no masks are appended) and prints JSON:\n"
        "{\"ids\": [...], \"positions\": [{\"position\", \"token\", \"piece\", \"top_k\": [{\"id\", \"piece\",\n"
        "\"logit\", \"prob\"}]}], \"logits\": [[...]] (only with --full-logits)}.\n"
        "The logits are the ones the sampler sees: for a Dream model they are already shifted (position i\n"
        "shows the raw logits of position i - 1, position 0 its own), as Dream's generation code reads them.");
    addModelDir(*sub, a->modelDir)->required();
    CLI::Option *prompt = addText(*sub, "--prompt", a->prompt, "text to tokenise");
    addOption(*sub, "--ids", a->ids,
        integerList<int32_t>(0, std::numeric_limits<int32_t>::max(), "non-negative token ids"), "N,N,...",
        "token ids, comma-separated (the mask id is allowed)")
        ->excludes(prompt);
    addInteger(*sub, "--top-k", a->topK, 0, 64, "predictions listed per position")->default_str("5");
    addFlag(*sub, "--full-logits", a->fullLogits, "also print every logit (positions x vocabulary; large)");
    addDType(*sub, a->dtype);
    addThreads(*sub, a->threads);
    sub->final_callback([a, &result] {
        if (!a->prompt && !a->ids)
            throw CLI::ValidationError("forward: --prompt TEXT or --ids N,N,... is required");
        result = std::move(*a);
    });
}

void declareBench(CLI::App &app, CliArgs &result)
{
    auto a = std::make_shared<BenchArgs>();
    CLI::App *sub = app.add_subcommand("bench",
        "time generations: forward, sampler and recording cost per step, tokens per second\n\n"
        "Runs whole generations and reports per-step forward, sampler and recording times (mean, median, min,\n"
        "max), the recording overhead, total time per generation and tokens per second. One throw-away step\n"
        "first warms up caches and is not counted.");
    addModelDir(*sub, a->modelDir)->required();
    addText(*sub, "--prompt", a->prompt, "prompt")->default_str("\"" + a->prompt + "\"");
    addGenerationOptions(*sub, a->overrides);
    addInteger(*sub, "--repeat", a->repeat, 1, 100000, "generations to time")->default_str(std::to_string(a->repeat));
    addFlag(*sub, "--json", a->json, "print JSON instead of a table");
    addFlag(*sub, "--later-blocks-cost", a->laterBlocksCost,
        "also time the same generations with --later-blocks switched the other way, and report what recording "
        "the predictions right of the block costs a step");
    addInteger(*sub, "--max-steps", a->maxSteps, 1, 1000000,
        "time only the first N denoising steps of each generation (an 8B-shaped model's full-canvas step takes "
        "seconds; with a KV cache, a multiple of the steps per block keeps the block refreshes in the average)")
        ->default_str("all");
    addInteger(*sub, "--contend", a->contend, 0, 64,
        "run N busy threads beside the engine while measuring, to see how it shares the machine")
        ->default_str(std::to_string(a->contend));
    addInteger(*sub, "--matmul-probe-ms", a->matmulProbeMs, 0, 600000,
        "milliseconds spent per dtype measuring this machine's f32 and bf16 matmul speed for the model's shapes "
        "(0 skips it)")
        ->default_str(std::to_string(a->matmulProbeMs));
    sub->footer(kSettingsNote);
    sub->final_callback([a, &result] {
        checkGenerationOptions(a->overrides);
        result = std::move(*a);
    });
}

} // namespace dlm::cli
