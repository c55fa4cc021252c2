// SPDX-License-Identifier: GPL-3.0-or-later
// Reference encodings from @huggingface/tokenizers (the JavaScript port of Hugging
// Face tokenizers) for the tokenizer tests.
//
//   node tokenize.mjs TOKENIZER_JSON CONFIG_JSON|- CORPUS_JSONL
//
// For each {"text": ...} line of the corpus prints one JSON line:
//   {"ids": [...], "ids_with_special": [...], "decoded": "...",
//    "decoded_skip_special": "...", "nfc": "..."}
// Decoding never applies clean_up_tokenization_spaces (the product's choice too).
import { readFileSync } from "node:fs";
import { Tokenizer } from "@huggingface/tokenizers";

const [tokenizerPath, configPath, corpusPath] = process.argv.slice(2);
if (!corpusPath) {
  process.stderr.write("usage: node tokenize.mjs TOKENIZER_JSON CONFIG_JSON|- CORPUS_JSONL\n");
  process.exit(2);
}
const tokenizerJson = JSON.parse(readFileSync(tokenizerPath, "utf8"));
const config = configPath === "-" ? {} : JSON.parse(readFileSync(configPath, "utf8"));
const tokenizer = new Tokenizer(tokenizerJson, config);

const decode = (ids, skip) =>
  ids.length === 0 ? "" : tokenizer.decode(ids, { skip_special_tokens: skip, clean_up_tokenization_spaces: false });

const lines = readFileSync(corpusPath, "utf8").split("\n").filter((l) => l.trim() !== "");
const out = [];
for (const line of lines) {
  const { text } = JSON.parse(line);
  const ids = tokenizer.encode(text, { add_special_tokens: false }).ids;
  const idsWithSpecial = tokenizer.encode(text, { add_special_tokens: true }).ids;
  out.push(JSON.stringify({
    ids,
    ids_with_special: idsWithSpecial,
    decoded: decode(ids, false),
    decoded_skip_special: decode(ids, true),
    nfc: text.normalize("NFC"),
  }));
}
process.stdout.write(out.join("\n") + "\n");
