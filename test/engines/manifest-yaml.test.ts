// The manifest YAML writer: whatever JSON data goes in, a YAML reader gets the same data back —
// strings that look like booleans, numbers, nulls, templates or carry newlines included.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parse } from 'yaml';
import { manifestYaml } from '../../src/engines/manifest-yaml.js';

const tricky = ['true', 'No', 'on', 'null', '~', '1', '0x1F', '1e3', '.5', '-', '- a', 'a: b', 'a:', 'a:b', 'http://x:80/y', 'a #b', '#x', '{{item}}', '[1]', '*ref', '&a', '!tag', '', ' lead', 'trail ', 'multi\nline', 'tab\there', '"q"', "'s'", 'back\\slash', 'ü ñ 漢', '%x', '@x', '`x', '|', '>', '? x'];

void describe('manifestYaml', () => {
  void it('round-trips the strings a plain scalar would betray', () => {
    for (const text of tricky) assert.deepEqual(parse(manifestYaml({ key: text, list: [text], [text || 'empty']: 1 })), { key: text, list: [text], [text || 'empty']: 1 }, JSON.stringify(text));
  });

  void it('writes Kubernetes-looking manifests in block style', () => {
    const text = manifestYaml({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', spec: { templates: [{ name: 'a', container: { args: ['-c', 'echo hi'] } }], empty: [], none: {} } });
    assert.equal(
      text,
      [
        'apiVersion: argoproj.io/v1alpha1',
        'kind: Workflow',
        'spec:',
        '  templates:',
        '    - name: a',
        '      container:',
        '        args:',
        '          - "-c"',
        '          - echo hi',
        '  empty: []',
        '  none: {}',
        '',
      ].join('\n'),
    );
  });

  void it('round-trips arbitrary JSON data', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const normalised = JSON.parse(JSON.stringify(value)) as unknown;
        assert.deepEqual(parse(manifestYaml(normalised)), normalised);
      }),
      { numRuns: 400 },
    );
  });
});
