// Reading YAML documents with positions: syntax errors and duplicate keys become issues with
// line:column (never a stack trace), and every later issue can be placed by its JSON pointer.
import { LineCounter, parseDocument } from 'yaml';
import { SpecLoadError, SpecValidationError, type SpecIssue } from '../errors.js';
import { yamlPointerAt, yamlPositions, type PositionLookup } from './positions.js';
import { errorMessage } from '../util/error-message.js';

export interface ParsedYaml {
  value: unknown;
  /** Where each pointer's key is (a list item: the item). */
  positions: PositionLookup;
  /** Where each pointer's value is. */
  valuePositions: PositionLookup;
}

export function parseYamlText(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const issues: SpecIssue[] = doc.errors.map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      const duplicate = error.code === 'DUPLICATE_KEY';
      return {
        file,
        path: duplicate ? yamlPointerAt(doc, error.pos[0]) : '',
        line,
        column: col,
        message: duplicate ? 'duplicate key: each key may appear only once in a mapping' : `YAML syntax error: ${firstLine(error.message)}`,
      };
    });
    throw new SpecValidationError(issues);
  }
  try {
    return {
      value: doc.toJS({ maxAliasCount: 1000 }),
      positions: yamlPositions(doc, lineCounter),
      valuePositions: yamlPositions(doc, lineCounter, 'value'),
    };
  } catch (error) {
    throw new SpecLoadError(file, `cannot read YAML: ${firstLine(errorMessage(error))}`);
  }
}

export function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
