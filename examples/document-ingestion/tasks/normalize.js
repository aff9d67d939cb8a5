// parse: normalises one plain-text document and writes it as a JSON artifact, document.json:
// { source, title, text } with the first line as the title and each paragraph on one line.
// Prints {"words": N} on stdout for the task's `words` output.
// Usage: node normalize.js FILE   (run by tandem, which sets TANDEM_OUTPUTS)
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import process from 'node:process';

const file = process.argv[2];
const outputs = process.env.TANDEM_OUTPUTS;
if (!file || !outputs) {
  console.error('usage: TANDEM_OUTPUTS=DIR node normalize.js FILE');
  process.exit(2);
}

const raw = readFileSync(file, 'utf8')
  .normalize('NFKC')
  .replace(/\r\n?/g, '\n')
  .replace(/[\u2018\u2019]/g, "'")
  .replace(/[\u201C\u201D]/g, '"');
const [title = '', ...rest] = raw.trim().split('\n');
const paragraphs = rest
  .join('\n')
  .split(/\n\s*\n/)
  .map((paragraph) => paragraph.replace(/\s+/g, ' ').trim())
  .filter((paragraph) => paragraph !== '');
const text = paragraphs.join('\n\n');

const document = { source: basename(file), title: title.trim(), text };
writeFileSync(join(outputs, 'document.json'), `${JSON.stringify(document, null, 2)}\n`);
console.log(JSON.stringify({ words: text.split(/\s+/).length }));
