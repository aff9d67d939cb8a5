// A project's event sources and sensors. Their shape was checked with the whole file; here each
// gets the checks its own validator adds (cron expressions and time zones, NATS connection and
// auth rules, sensor conditions, CEL, patterns...), with paths placed back inside tandem.yaml.
import type { TandemFile } from '../config/file.js';
import { within } from '../config/pointer.js';
import { SOURCE_KINDS } from '../config/shapes.js';
import { SpecValidationError, type SpecIssue } from '../errors.js';
import type { SensorSpec } from '../events/sensors/schema.js';
import { sensorSemanticIssues } from '../events/sensors/validate.js';
import { parseCronConfig } from '../events/sources/cron/parse.js';
import { parseNatsSourceConfig } from '../events/sources/nats/options.js';
import { parseWebhookConfig } from '../events/sources/webhook/parse.js';
import { isRecord } from '../util/is-record.js';
import type { EventSourceConfig } from './load.js';

export function parseSources(tandem: TandemFile, issues: SpecIssue[]): EventSourceConfig[] {
  const sources: EventSourceConfig[] = [];
  listed(tandem.raw('eventSources')).forEach((decl, index) => {
    const base = `/eventSources/${index}`;
    if (!isRecord(decl)) return;
    const kinds = SOURCE_KINDS.filter((kind) => decl[kind] !== undefined);
    if (kinds.length !== 1) {
      const name = typeof decl.name === 'string' ? ` "${decl.name}"` : '';
      issues.push(tandem.place({ path: base, message: `event source${name} must have exactly one of ${SOURCE_KINDS.join(', ')}`, found: kinds.join(', ') || 'none' }));
      return;
    }
    const kind = kinds[0]!;
    // A body of the wrong shape has its problems already; its own checks would only repeat them.
    if (!tandem.sound(`${base}/${kind}`)) return;
    const name = String(decl.name);
    const example = isRecord(decl.example) ? { example: decl.example } : {};
    try {
      const source: EventSourceConfig =
        kind === 'nats'
          ? { name, kind, config: parseNatsSourceConfig(decl.nats), ...example }
          : kind === 'webhook'
            ? { name, kind, config: parseWebhookConfig(decl.webhook), ...example }
            : { name, kind, config: parseCronConfig(decl.cron), ...example };
      if (tandem.sound(base)) sources.push(source);
    } catch (error) {
      if (!(error instanceof SpecValidationError)) throw error;
      issues.push(...error.issues.map((issue) => tandem.place({ ...issue, path: `${base}/${kind}${issue.path === '/' ? '' : issue.path}` })));
    }
  });
  return sources;
}

/** The valid sensors with their index in the list; each invalid one adds its problems beyond the schema's. */
export function parseSensors(tandem: TandemFile, issues: SpecIssue[]): Array<{ index: number; sensor: SensorSpec }> {
  const sensors: Array<{ index: number; sensor: SensorSpec }> = [];
  listed(tandem.raw('sensors')).forEach((raw, index) => {
    const base = `/sensors/${index}`;
    // The sensor's own checks see it alone: its structural issues, relative to it.
    const structural = tandem.issues.filter((issue) => within(issue.path, base)).map((issue) => ({ ...issue, path: issue.path.slice(base.length) }));
    const semantic = sensorSemanticIssues(raw, structural).map((issue) => tandem.place({ ...issue, path: `${base}${issue.path}` }));
    issues.push(...semantic);
    if (structural.length === 0 && semantic.length === 0) sensors.push({ index, sensor: raw as SensorSpec });
  });
  return sensors;
}

function listed(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
