// The reference for test_hf_tokenizer and bench_tokenizer: tokenizers.js (@huggingface/tokenizers, installed by
// scripts/setup-deps --tests into tests/npm) run on the same files and texts.
//   node tokenizer_oracle.mjs NPM_DIR TOKENIZER_JSON CONFIG_JSON RECORDS_JSON [--bench]
// RECORDS_JSON is a JSON array of strings. Prints one JSON object: for each record its ids without and with the
// post-processor's special tokens and the decoded text of the former; with --bench, the seconds taken to encode
// all records instead.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [npmDir, tokenizerPath, configPath, recordsPath, mode] = process.argv.slice(2);
const { Tokenizer } = await import(
  pathToFileURL(`${npmDir}/node_modules/@huggingface/tokenizers/dist/tokenizers.mjs`).href
);
const tokenizer = new Tokenizer(
  JSON.parse(readFileSync(tokenizerPath, "utf8")),
  JSON.parse(readFileSync(configPath, "utf8"))
);
const records = JSON.parse(readFileSync(recordsPath, "utf8"));

if (mode === "--bench") {
  tokenizer.encode(records[0] ?? "", { add_special_tokens: false }); // warm-up
  const start = process.hrtime.bigint();
  let count = 0;
  for (const text of records) count += tokenizer.encode(text, { add_special_tokens: false }).ids.length;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(JSON.stringify({ seconds, tokens: count }) + "\n");
} else {
  const out = { ids: [], special: [], decoded: [] };
  for (const text of records) {
    const ids = tokenizer.encode(text, { add_special_tokens: false }).ids;
    out.ids.push(ids);
    out.special.push(tokenizer.encode(text, { add_special_tokens: true }).ids);
    out.decoded.push(ids.length ? tokenizer.decode(ids, { clean_up_tokenization_spaces: false }) : "");
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}
