// Reading YAML documents with positions: syntax errors and duplicate keys become issues with
// line:column (never a stack trace), and every later issue can be placed by its JSON pointer.
// The text is bounded before it is composed (limits.documentBytes, limits.nestingDepth; see
// bounds.ts) and the value after (aliases may expand a small file into a large value).
import { Composer, LineCounter, Parser, type Document } from 'yaml';
import { SpecLoadError, SpecValidationError, type SpecIssue } from '../errors.js';
import { depthIssue, textSizeIssue, valueBoundsIssue, yamlLexedTooDeep, yamlTooDeep } from './bounds.js';
import { yamlPointerAt, yamlPositions, type PositionLookup } from './positions.js';
import { errorMessage } from '../util/error-message.js';

export interface ParsedYaml {
  value: unknown;
  /** Where each pointer's key is (a list item: the item). */
  positions: PositionLookup;
  /** Where each pointer's value is. */
  valuePositions: PositionLookup;
}

/** Alias uses times their targets' size that toJS accepts: past it a file is an alias bomb. */
const MAX_ALIAS_COUNT = 1000;

export function parseYamlText(text: string, file: string): ParsedYaml {
  const tooBig = textSizeIssue(text);
  if (tooBig) throw new SpecValidationError([{ file, ...tooBig }]);
  const lineCounter = new LineCounter();
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const lexed = yamlLexedTooDeep(text);
  if (lexed) {
    const lines = new LineCounter();
    lines.addNewLine(0);
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
    const { line, col } = lines.linePos(lexed.offset);
    throw new SpecValidationError([{ file, line, column: col, ...depthIssue('', lexed.max) }]);
  }
  const tokens = Array.from(new Parser(lineCounter.addNewLine).parse(text));
  const deep = yamlTooDeep(tokens);
  if (deep) throw new SpecValidationError([{ file, ...at(deep.offset), ...depthIssue(deep.path, deep.max) }]);
  const docs: Document.Parsed[] = Array.from(new Composer({ prettyErrors: false, uniqueKeys: true }).compose(tokens, true, text.length));
  const doc = docs[0]!;
  const second = docs[1];
  if (second) {
    throw new SpecValidationError([
      { file, path: '', ...at(second.range[0]), message: 'a second YAML document starts here: a workflow file holds exactly one (remove the "---" or split the file)' },
    ]);
  }
  if (doc.errors.length > 0) {
    const issues: SpecIssue[] = doc.errors.map((error) => {
      const duplicate = error.code === 'DUPLICATE_KEY';
      return {
        file,
        path: duplicate ? yamlPointerAt(doc, error.pos[0]) : '',
        ...at(error.pos[0]),
        message: duplicate ? 'duplicate key: each key may appear only once in a mapping' : `YAML syntax error: ${firstLine(error.message)}`,
      };
    });
    throw new SpecValidationError(issues);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (/alias count/i.test(errorMessage(error))) {
      throw new SpecLoadError(file, `its YAML aliases (*name) expand too far: more than ${MAX_ALIAS_COUNT} uses of anchored nodes, counted with their size; write the values out or use fewer aliases`);
    }
    throw new SpecLoadError(file, `cannot read YAML: ${firstLine(errorMessage(error))}`);
  }
  const positions = yamlPositions(doc, lineCounter);
  const bounds = valueBoundsIssue(value);
  if (bounds) {
    const position = positions.position(bounds.path);
    throw new SpecValidationError([{ file, ...(position ? { line: position.line, column: position.column } : {}), ...bounds }]);
  }
  return { value, positions, valuePositions: yamlPositions(doc, lineCounter, 'value') };
}

export function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
