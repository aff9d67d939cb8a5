// The layers of docs/architecture.md as import-x/no-restricted-paths zones: each zone names a
// folder (target) and what it must not import (from). Lower layers never import higher ones;
// adapters are wired only by the composition roots (cli/, server/, wiring/).
// test/lint/layers.test.ts shows that an import against a layer is rejected.

const src = (path) => `./src/${path}`;

/** Every top-level part of src/, for "imports nothing above it" zones. */
const PARTS = ['util', 'errors.ts', 'version.ts', 'secrets.ts', 'spec', 'expr', 'sdk', 'config', 'store', 'router', 'engines', 'compile', 'events', 'tracking', 'project', 'server', 'cli', 'wiring'];
const above = (...allowed) => PARTS.filter((part) => !allowed.includes(part)).map(src);

const COMPOSITION_ROOTS = ['cli', 'server', 'wiring'];

/** @type {{ target: string | string[], from: string | string[], except?: string[], message: string }[]} */
export const LAYER_ZONES = [
  {
    target: [src('util'), src('errors.ts'), src('version.ts')],
    from: above('util', 'errors.ts', 'version.ts'),
    message: 'util/, errors.ts and version.ts are the bottom layer: they import nothing else of tandem.',
  },
  {
    target: src('secrets.ts'),
    from: above('util', 'errors.ts', 'secrets.ts'),
    message: 'secrets.ts reads SecretRefs: it imports only errors and util.',
  },
  {
    target: src('expr'),
    from: above('util', 'errors.ts', 'expr'),
    message: 'expr/ (CEL, templates) imports nothing above it: only util/ and errors.',
  },
  {
    target: src('spec'),
    from: above('util', 'errors.ts', 'version.ts', 'secrets.ts', 'expr', 'spec'),
    message: 'spec/ is the engine-neutral model: it imports only expr/, util/ and errors.',
  },
  {
    target: src('sdk'),
    from: above('util', 'errors.ts', 'expr', 'spec', 'sdk'),
    message: 'sdk/ builds specs: it imports only spec/, expr/ and util/.',
  },
  {
    target: src('config'),
    from: above('util', 'errors.ts', 'version.ts', 'secrets.ts', 'expr', 'spec', 'config', 'events'),
    message: 'config/ declares tandem.yaml: it imports only spec/, expr/, util/ and the sources\' and sensors\' TypeBox declarations.',
  },
  {
    // The event sources' and sensors' bodies are declared once, beside their validators; the
    // tandem.yaml declaration reuses those TypeBox declarations, never the code around them.
    target: src('config'),
    from: src('events'),
    except: ['./sensors/schema.ts', './sources/cron/schema.ts', './sources/nats/schema.ts', './sources/webhook/schema.ts'],
    message: 'config/ may import only the TypeBox declarations of the events layer (its schema.ts files).',
  },
  {
    target: src('store'),
    from: [...above('util', 'errors.ts', 'spec', 'expr', 'store', 'engines', 'events'), src('engines'), src('events')],
    except: ['./model.ts'],
    message: 'store/ imports model types only (spec/, engines/model.ts, events/model.ts), never the code that uses it.',
  },
  {
    target: [src('router'), src('engines')],
    from: [src('compile'), src('events'), src('tracking'), src('project'), ...COMPOSITION_ROOTS.map(src)],
    message: 'router/ and engines/ never import compile/, events/, tracking/, project/ or the composition roots.',
  },
  {
    target: [src('events'), src('tracking'), src('project')],
    from: [src('compile'), ...COMPOSITION_ROOTS.map(src)],
    message: 'events/, tracking/ and project/ never import compile/ or the composition roots (cli/, server/, wiring/).',
  },
  {
    target: src('compile'),
    from: COMPOSITION_ROOTS.map(src),
    message: 'compile/ never imports the composition roots.',
  },
  {
    target: src('server'),
    from: src('cli'),
    message: 'server/ never imports cli/: what both wire lives in wiring/.',
  },
  // Adapters are wired only by the composition roots.
  {
    target: above('engines', ...COMPOSITION_ROOTS).concat([src('engines/engine.ts'), src('engines/model.ts'), src('engines/registry.ts'), src('engines/argo'), src('engines/kfp'), src('engines/hybrid')]),
    from: src('engines/local'),
    message: 'Only the composition roots (cli/, server/, wiring/) construct the local engine; everything else holds the Engine port and the registry.',
  },
  {
    target: above('store', ...COMPOSITION_ROOTS).concat([src('store/ports'), src('store/store.ts')]),
    from: src('store/sqlite'),
    message: 'Only the composition roots open the SQLite store; components take the store roles they use (store/ports/).',
  },
  {
    target: above('events', ...COMPOSITION_ROOTS).concat([src('events/compile'), src('events/sensors'), src('events/pipeline.ts'), src('events/sensor-runner.ts')]),
    from: [src('events/sources/nats/source.ts'), src('events/sources/webhook/source.ts'), src('events/sources/cron/source.ts')],
    message: 'Only the composition roots construct event sources; the rest of tandem sees the EventSource port.',
  },
  {
    target: [src('engines/local'), src('engines/registry.ts'), src('engines/engine.ts')],
    from: [src('engines/argo'), src('engines/kfp'), src('engines/hybrid')],
    message: 'The embedded engine and the port do not import the cluster compilers.',
  },
];
