#pragma once
// A Hugging Face tokenizer.json small enough that tests can encode text with it by hand.

namespace dlm::testing {

// A byte-level BPE tokenizer.json small enough to encode by hand: merges make "ab" and "Ġab" (" ab"), the
// special tokens are matched before the model, and the letters of a short chat have single-character ids.
inline constexpr const char *kTinyHfTokenizerJson = R"({
  "version": "1.0", "truncation": null, "padding": null, "normalizer": null, "post_processor": null,
  "added_tokens": [
    {"id": 7, "content": "<|mdm_mask|>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
    {"id": 8, "content": "<|start|>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
    {"id": 9, "content": "<|eot|>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}],
  "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true},
  "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true},
  "model": {"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null,
    "end_of_word_suffix": null, "fuse_unk": false, "byte_fallback": false, "ignore_merges": false,
    "vocab": {"a": 0, "b": 1, "\u0120": 2, "ab": 3, "\u0120a": 4, "\u0120ab": 5, "c": 6, "<|mdm_mask|>": 7,
      "<|start|>": 8, "<|eot|>": 9, "u": 10, "s": 11, "e": 12, "r": 13, "\u010a": 14, "H": 15, "i": 16, "t": 17,
      "n": 18},
    "merges": ["\u0120 a", "a b", "\u0120a b"]}
})";

} // namespace dlm::testing
