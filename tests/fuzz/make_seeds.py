#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora (tests/fuzz/corpus/TARGET): small valid files and a few broken ones
worth starting from. Run from anywhere; it rewrites only the seed-*.* files it makes, so regression inputs
(crash-*, named after what they found) stay. The sentencepiece seed is trained with spm_train if present."""
import json, os, re, shutil, struct, subprocess, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")


def put(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


def read(*path):
    with open(os.path.join(ROOT, *path), "rb") as f:
        return f.read()


def safetensors(header, data=b"", raw_header=None):
    text = raw_header if raw_header is not None else json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


def deep(n):
    return "[" * n + "]" * n


def seeds_safetensors():
    put("safetensors", "one.st", safetensors({"w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}}, bytes(16)))
    put("safetensors", "mixed.st", safetensors({"__metadata__": {"format": "pt"},
        "a": {"dtype": "BF16", "shape": [3], "data_offsets": [0, 6]},
        "b": {"dtype": "F16", "shape": [1], "data_offsets": [6, 8]},
        "c": {"dtype": "I64", "shape": [], "data_offsets": [8, 16]},
        "d": {"dtype": "I32", "shape": [0, 5], "data_offsets": [16, 16]}}, bytes(16)))
    put("safetensors", "overlap.st", safetensors({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
        "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}, bytes(12)))
    put("safetensors", "huge-shape.st", safetensors({"a": {"dtype": "F32", "shape": [4611686018427387904, 4],
        "data_offsets": [0, 0]}}))
    put("safetensors", "deep-metadata.st", safetensors(None, raw_header=('{"__metadata__":{"x":' + deep(100) + "}}").encode()))
    put("safetensors", "header-too-long.st", struct.pack("<Q", 1 << 62) + b"{}")


def seeds_shard_index():
    put("shard_index", "two.json", json.dumps({"metadata": {"total_size": 32}, "weight_map": {
        "model.transformer.wte.weight": "model-00001-of-00002.safetensors",
        "model.transformer.ln_f.weight": "model-00002-of-00002.safetensors"}}, indent=2))
    put("shard_index", "dotdot.json", '{"weight_map": {"a": "../secret.safetensors"}}')
    put("shard_index", "not-string.json", '{"weight_map": {"a": 3}}')


def seeds_model_config():
    demo = json.loads(read("models", "demo", "config.json"))
    put("model_config", "demo.json", json.dumps(demo, indent=2))
    small = {k: demo[k] for k in ("d_model", "n_heads", "n_layers", "mlp_hidden_size", "vocab_size",
                                  "max_sequence_length", "mask_token_id", "eos_token_id") if k in demo}
    put("model_config", "minimal.json", json.dumps(small))
    put("model_config", "float-ints.json", json.dumps(dict(small, d_model=float(small["d_model"]), rope_theta=5e5)))
    put("model_config", "bad-heads.json", json.dumps(dict(small, n_heads=7)))
    put("model_config", "deep-unknown.json", '{"d_model": 64, "x": ' + deep(200) + "}")


def seeds_generation_config():
    put("generation_config", "demo.json", read("models", "demo", "generation_config.json"))
    put("generation_config", "all.json", json.dumps({"gen_length": 128, "steps": 128, "block_length": 32,
        "temperature": 0.0, "cfg_scale": 0.5, "remasking": "margin", "threshold": 0.9, "use_threshold": True,
        "top_k": 3, "seed": 18446744073709551615, "threads": 2, "bos_token_id": 1}))
    put("generation_config", "bad.json", '{"gen_length": -1, "temperature": "hot", "remasking": "random"}')


TINY_HF = re.search(r'R"\((.*?)\)"', read("tests", "support", "tiny_hf_tokenizer.h").decode(), re.S).group(1)


def seeds_hf_tokenizer():
    tiny = json.loads(TINY_HF)
    put("hf_tokenizer", "tiny.json", json.dumps(tiny))
    meta = dict(tiny)
    meta["normalizer"] = {"type": "Sequence", "normalizers": [{"type": "NFKC"}, {"type": "Lowercase"},
        {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"}, {"type": "Prepend", "prepend": "\u2581"},
        {"type": "Strip", "strip_left": True, "strip_right": True}]}
    meta["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
        {"type": "Split", "pattern": {"Regex": "\\p{N}{1,3}"}, "behavior": "Isolated", "invert": False},
        {"type": "Digits", "individual_digits": True}, {"type": "Punctuation", "behavior": "Contiguous"},
        {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "first", "split": True},
        {"type": "WhitespaceSplit"}]}
    meta["decoder"] = {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "\u2581"},
        "content": " "}, {"type": "ByteFallback"}, {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]}
    meta["post_processor"] = {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<|start|>", "type_id": 0}},
        {"Sequence": {"id": "A", "type_id": 0}}], "pair": [], "special_tokens": {"<|start|>": {"id": "<|start|>",
        "ids": [8], "tokens": ["<|start|>"]}}}
    meta["model"] = dict(tiny["model"], byte_fallback=True, unk_token="c", fuse_unk=True)
    put("hf_tokenizer", "stages.json", json.dumps(meta) + "\0" + '{"bos_token": "<|start|>", "eos_token": {"content": "<|eot|>"}}'
        + "\0" + "Hello 12345 world, ab ab!")
    put("hf_tokenizer", "bad-merge.json", json.dumps(dict(tiny, model=dict(tiny["model"], merges=["a zz"]))))


def seeds_vocab_merges():
    vocab = {"a": 0, "b": 1, "\u0120": 2, "ab": 3, "\u0120a": 4, "<|endoftext|>": 5, "h": 6, "e": 7, "l": 8, "o": 9}
    merges = "#version: 0.2\n\u0120 a\na b\n"
    put("vocab_merges", "gpt2", json.dumps(vocab) + "\0" + merges)
    cfg = {"tokenizer_class": "Qwen2Tokenizer", "eos_token": "<|endoftext|>", "added_tokens_decoder": {
        "10": {"content": "<|im_start|>", "special": True, "normalized": False}}}
    put("vocab_merges", "qwen2", json.dumps(vocab) + "\0" + merges + "\0" + json.dumps(cfg) + "\0" + '{"<|mask|>": 11}')
    put("vocab_merges", "bad-line", json.dumps(vocab) + "\0" + "a b c\n")


def seeds_chat_template():
    tdir = os.path.join(ROOT, "tests", "data", "templates")
    for name in sorted(os.listdir(tdir)):
        src = os.path.join(tdir, name, "chat_template.jinja")
        if os.path.isfile(src):
            put("chat_template", name + ".jinja", read(src))
    put("chat_template", "macro.jinja", "{% macro f(n) %}{% if n > 0 %}{{ f(n - 1) }}{{ n }}{% endif %}{% endmacro %}"
        "{{ f(5) }}{% for m in messages %}{{ loop.index }}:{{ m.role | upper }}={{ m.content | trim }}\n{% endfor %}")
    put("chat_template", "vars.jinja", "{% set ns = namespace(x=0) %}{% for k, v in d.items() %}{% set ns.x = ns.x + 1 %}"
        "{{ k }}={{ v | tojson }}{% endfor %}{{ ns.x }}{{ items | join(', ') }}{{ raise_exception('stop') if stop }}"
        "\0" + '{"d": {"a": 1, "b": [1, 2.5, null]}, "items": ["x", "y"], "stop": false}')
    put("chat_template", "broken.jinja", "{% for m in messages %}{{ m.content ")


def seeds_timeline_json():
    put("timeline_json", "v1.json", read("tests", "data", "timeline-v1.json"))
    gdir = os.path.join(ROOT, "tests", "data", "golden")
    for name in sorted(os.listdir(gdir)):
        if name.endswith(".json") and os.path.getsize(os.path.join(gdir, name)) < 50000:
            put("timeline_json", "golden-" + name, read(gdir, name))
    put("timeline_json", "deep.json", '{"format": "dlmstudio-timeline", "version": 1, "x": ' + deep(100) + "}")


def seeds_token_data():
    def ids(vocab, values):
        return b"DLMIDS01" + struct.pack("<II", vocab, 0) + b"".join(struct.pack("<I", v) for v in values)
    put("token_data", "ok.bin", ids(256, [1, 2, 3, 255, 0]))
    put("token_data", "empty.bin", ids(10, []))
    put("token_data", "out-of-range.bin", ids(4, [1, 4]))
    put("token_data", "huge-vocab.bin", ids(4294967295, [4294967294]))
    put("token_data", "truncated.bin", ids(10, [1])[:-1])


def seeds_spm_model():
    trainer = shutil.which("spm_train")
    if not trainer:
        print("spm_train not found: the sentencepiece seed is not remade")
        return
    with tempfile.TemporaryDirectory() as tmp:
        text = os.path.join(tmp, "corpus.txt")
        with open(text, "w") as f:
            f.write("the quick brown fox jumps over the lazy dog\nhello world, hello tokens\n" * 20)
        subprocess.run([trainer, "--input=" + text, "--model_prefix=" + os.path.join(tmp, "m"), "--vocab_size=300",
                        "--model_type=bpe", "--byte_fallback=true", "--minloglevel=2", "--hard_vocab_limit=false", "--normalization_rule_name=identity"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        model = open(os.path.join(tmp, "m.model"), "rb").read()
    put("spm_model", "bpe-bytes.model", model)
    put("spm_model", "truncated.model", model[: len(model) // 2])


if __name__ == "__main__":
    for fn in (seeds_safetensors, seeds_shard_index, seeds_model_config, seeds_generation_config, seeds_hf_tokenizer,
               seeds_vocab_merges, seeds_chat_template, seeds_timeline_json, seeds_token_data, seeds_spm_model):
        fn()
