#include "llada_instruct_model.h"

#include "core/base/file_util.h"
#include "core/text/byte_level.h"
#include "tiny_model.h"

#include <nlohmann/json.hpp>

namespace dlm::testing {

const char *const kLladaChatTemplate
    = "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + "
      "message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 "
      "%}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{{ "
      "'<|start_header_id|>assistant<|end_header_id|>\n\n' }}";

namespace {

using OJson = nlohmann::ordered_json;

/** config.json with the keys LLaDA-8B-Instruct publishes, at the fixture's tiny width. */
OJson lladaConfig(const ModelConfig &c, bool maskIdInConfig)
{
    OJson j;
    j["activation_type"] = "silu";
    j["alibi"] = false;
    j["alibi_bias_max"] = 8.0;
    j["architectures"] = {"LLaDAModelLM"};
    j["attention_dropout"] = 0.0;
    j["attention_layer_norm"] = false;
    j["attention_layer_norm_with_affine"] = true;
    j["auto_map"] = {{"AutoConfig", "configuration_llada.LLaDAConfig"},
        {"AutoModelForCausalLM", "modeling_llada.LLaDAModelLM"}, {"AutoModel", "modeling_llada.LLaDAModelLM"}};
    j["bias_for_layer_norm"] = false;
    j["block_group_size"] = 1;
    j["block_type"] = "llama";
    j["d_model"] = c.dModel;
    j["embedding_dropout"] = 0.0;
    j["embedding_size"] = c.embeddingSize;
    j["eos_token_id"] = kLladaEos;
    j["flash_attention"] = false;
    j["include_bias"] = false;
    j["include_qkv_bias"] = false;
    j["init_cutoff_factor"] = nullptr;
    j["init_device"] = "meta";
    j["init_fn"] = "mitchell";
    j["init_std"] = 0.02;
    j["input_emb_norm"] = false;
    j["layer_norm_type"] = "rms";
    j["layer_norm_with_affine"] = true;
    if (maskIdInConfig)
        j["mask_token_id"] = kLladaMask;
    j["max_sequence_length"] = c.maxSequenceLength;
    j["mlp_hidden_size"] = c.mlpHiddenSize;
    j["mlp_ratio"] = 4;
    j["model_type"] = "llada";
    j["multi_query_attention"] = nullptr;
    j["n_heads"] = c.nHeads;
    j["n_kv_heads"] = c.nKvHeads;
    j["n_layers"] = c.nLayers;
    j["pad_token_id"] = kLladaEos;
    j["precision"] = "amp_bf16";
    j["residual_dropout"] = 0.0;
    j["rms_norm_eps"] = 1e-05;
    j["rope"] = true;
    j["rope_full_precision"] = true;
    j["rope_theta"] = 500000.0;
    j["scale_logits"] = false;
    j["torch_dtype"] = "bfloat16";
    j["transformers_version"] = "4.46.3";
    j["use_cache"] = false;
    j["vocab_size"] = c.vocabSize;
    j["weight_tying"] = false;
    return j;
}

/**
 * A byte-level BPE in LLaDA's pipeline (NFC, a Split regex, then ByteLevel without its own regex): the 256 byte
 * characters, a few merges, and LLaDA's special tokens at their real ids, far above the rest.
 */
OJson lladaTokenizer()
{
    OJson vocab = OJson::object();
    for (int b = 0; b < 256; ++b)
        vocab[byteLevelChar(static_cast<unsigned char>(b))] = b;
    const std::vector<std::string> merges = {"\u0120 t", "h e", "\u0120t he", "u s", "e r", "us er", "\u0120 a", "i s"};
    int next = 256;
    for (const std::string &merge : merges) {
        const std::string merged = merge.substr(0, merge.find(' ')) + merge.substr(merge.find(' ') + 1);
        vocab[merged] = next++;
    }
    const std::pair<int32_t, const char *> specials[] = {{kLladaBos, "<|startoftext|>"}, {kLladaEos, "<|endoftext|>"},
        {kLladaMask, "<|mdm_mask|>"}, {kLladaStartHeader, "<|start_header_id|>"},
        {kLladaEndHeader, "<|end_header_id|>"}, {kLladaEot, "<|eot_id|>"}};
    OJson added = OJson::array();
    for (const auto &[id, content] : specials) {
        added.push_back({{"id", id}, {"content", content}, {"single_word", false}, {"lstrip", false}, {"rstrip", false},
            {"normalized", false}, {"special", true}});
        vocab[content] = id;
    }
    const char *regex = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| "
                        "?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    const OJson byteLevel
        = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", false}};
    OJson j;
    j["version"] = "1.0";
    j["truncation"] = nullptr;
    j["padding"] = nullptr;
    j["added_tokens"] = added;
    j["normalizer"] = {{"type", "NFC"}};
    j["pre_tokenizer"] = {{"type", "Sequence"},
        {"pretokenizers",
            {{{"type", "Split"}, {"pattern", {{"Regex", regex}}}, {"behavior", "Isolated"}, {"invert", false}},
                byteLevel}}};
    j["post_processor"] = byteLevel;
    j["decoder"] = byteLevel;
    j["model"] = {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", nullptr}, {"continuing_subword_prefix", nullptr},
        {"end_of_word_suffix", nullptr}, {"fuse_unk", false}, {"byte_fallback", false}, {"ignore_merges", false},
        {"vocab", vocab}, {"merges", merges}};
    return j;
}

OJson tokenizerConfig()
{
    OJson j;
    j["bos_token"] = "<|startoftext|>";
    j["chat_template"] = kLladaChatTemplate;
    j["clean_up_tokenization_spaces"] = false;
    j["cls_token"] = "[CLS]";
    j["eos_token"] = "<|endoftext|>";
    j["model_max_length"] = 1000000000000000019884624838656.0;
    j["pad_token"] = "<|endoftext|>";
    j["tokenizer_class"] = "PreTrainedTokenizerFast";
    return j;
}

} // namespace

Result<ModelConfig> writeLladaInstructModel(const std::string &dir, const LladaInstructOptions &options)
{
    using R = Result<ModelConfig>;
    // The weights: LLaDA's tensor names and shapes at width 16, BF16 as published, in two shards.
    TinyModelOptions tiny;
    tiny.dModel = 16;
    tiny.nHeads = 2;
    tiny.nKvHeads = 2;
    tiny.nLayers = 2;
    tiny.mlpHiddenSize = 32;
    tiny.vocabSize = kLladaHeadRows;
    tiny.maxSequenceLength = 4096;
    tiny.seed = options.seed;
    tiny.weightStd = 0.5;
    tiny.dtype = TensorDType::BF16;
    tiny.shards = 2;
    tiny.writeTokenizer = false;
    auto written = writeTinyModel(dir, tiny);
    if (!written)
        return written;

    const std::string configText = lladaConfig(*written, options.maskIdInConfig).dump(2) + "\n";
    const std::pair<const char *, std::string> files[]
        = {{"config.json", configText}, {"tokenizer.json", lladaTokenizer().dump(2) + "\n"},
            {"tokenizer_config.json", tokenizerConfig().dump(2) + "\n"},
            {"generation_config.json",
                OJson {{"_from_model_config", true}, {"bos_token_id", kLladaBos}, {"eos_token_id", kLladaEos},
                    {"pad_token_id", kLladaEos}, {"transformers_version", "4.46.3"}}
                        .dump(2)
                    + "\n"}};
    for (const auto &[name, text] : files) {
        const Status status = writeFileAtomic(joinPath(dir, name), text);
        if (!status)
            return R::failure(status.error());
    }
    return parseModelConfig(configText, joinPath(dir, "config.json"));
}

} // namespace dlm::testing
