import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineCounter, parseDocument } from 'yaml';
import { SpecValidationError, type SpecIssue } from '../../../src/errors.js';
import { sensorIssues, validateSensor } from '../../../src/events/sensors/validate.js';
import { yamlPositions } from '../../../src/spec/positions.js';
import { assertIssue } from '../../spec/helpers.js';

function yamlSensorIssues(text: string): SpecIssue[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  return sensorIssues(doc.toJS(), { file: 'sensor.yaml', positions: yamlPositions(doc, lineCounter) });
}

const VALID = `
name: docs-ready
dependencies:
  - name: upload
    eventSource: nats
    subject: docs.uploaded.>
    filters:
      data:
        - path: body.size
          type: number
          comparator: ">"
          value: ["0"]
        - path: body.kind
          type: string
          value: ["^(pdf|docx)$"]
      exprs:
        - expr: data.body.size < 1000000
      time: { start: "22:00:00", stop: "02:00:00", timezone: Europe/Paris }
  - name: approval
    eventSource: webhook
    eventType: com.example.approved
conditions: upload && approval
conditionsReset:
  - byTime: { cron: "59 23 * * *", timezone: America/Los_Angeles }
triggers:
  - name: ingest
    workflow: document-ingestion
    params:
      - name: file
        src: { dependencyName: upload, dataKey: body.file }
      - name: who
        src: { dependencyName: approval, dataTemplate: "{{ data.user }}", value: nobody }
    dedupKey: events.upload.data.body.file
    dedupTtl: 1h
    rateLimit: { requestsPerUnit: 10, unit: Minute }
    retry: { steps: 3, duration: 1s, factor: 2, maxDuration: 10s }
    deadLetter: { subject: tandem.dlq.docs }
    lane: argo
`;

describe('validateSensor', () => {
  it('accepts a full sensor and returns it typed', () => {
    assert.deepEqual(yamlSensorIssues(VALID), []);
    const doc = parseDocument(VALID).toJS() as unknown;
    assert.equal(validateSensor(doc).triggers[0]?.workflow, 'document-ingestion');
  });

  it('reports every semantic problem at once, with line numbers', () => {
    const text = `
name: bad
dependencies:
  - name: upload
    eventSource: nats
    subject: docs.>.x
    filters:
      data:
        - path: body.kind
          type: string
          comparator: ">"
          value: ["(pdf"]
        - path: body.size
          type: number
          value: ["big"]
      exprs:
        - expr: "data.size >"
      time: { start: "10:00:00", stop: "10:00:00", timezone: Mars/Base }
  - name: upload
    eventSource: webhook
conditions: upload && (aproval || !x)
conditionsReset:
  - byTime: { cron: "61 * * * *" }
triggers:
  - name: ingest
    workflow: ingest
    params:
      - name: file
        src: { dependencyName: approval, dataKey: body.file }
      - name: two
        src: { dependencyName: upload, dataKey: a, expr: "1" }
      - name: none
        src: { dependencyName: upload }
      - name: tpl
        src: { dependencyName: upload, dataTemplate: "{{ data. }}" }
    dedupKey: "events.("
    deadLetter: { subject: "dlq.*" }
`;
    const issues = yamlSensorIssues(text);
    assertIssue(issues, { path: '/dependencies/0/subject', message: /">" may only be the last token/, line: 6 });
    assertIssue(issues, { path: '/dependencies/0/filters/data/0/comparator', message: /comparator ">" does not apply to string/, line: 11 });
    assertIssue(issues, { path: '/dependencies/0/filters/data/0/value/0', message: /invalid regular expression/, line: 12 });
    assertIssue(issues, { path: '/dependencies/0/filters/data/1/value/0', message: /not a number/ });
    assertIssue(issues, { path: '/dependencies/0/filters/exprs/0/expr', message: /invalid filter expression/, line: 17 });
    assertIssue(issues, { path: '/dependencies/0/filters/time/stop', message: /start and stop are equal/ });
    assertIssue(issues, { path: '/dependencies/0/filters/time/timezone', message: /unknown time zone "Mars\/Base"/ });
    assertIssue(issues, { path: '/dependencies/1/name', message: /duplicate dependency name "upload" \(also at \/dependencies\/0\)/, line: 19 });
    assertIssue(issues, { path: '/conditions', message: /invalid condition: negation \("!"\) at column 23/, line: 21 });
    assertIssue(issues, { path: '/conditionsReset/0/byTime/cron', message: /invalid cron schedule/ });
    assertIssue(issues, { path: '/triggers/0/params/0/src/dependencyName', message: /unknown dependency "approval"/ });
    assertIssue(issues, { path: '/triggers/0/params/1/src', message: /give one of dataKey, expr, not 2/ });
    assertIssue(issues, { path: '/triggers/0/params/2/src', message: /the param has no source/ });
    assertIssue(issues, { path: '/triggers/0/params/3/src/dataTemplate', message: /invalid template/ });
    assertIssue(issues, { path: '/triggers/0/dedupKey', message: /invalid dedup key expression/ });
    assertIssue(issues, { path: '/triggers/0/deadLetter/subject', message: /cannot hold wildcards/ });
  });

  it('names unknown dependencies in a condition with a suggestion', () => {
    const issues = sensorIssues({
      name: 'c',
      dependencies: [{ name: 'upload', eventSource: 'nats' }, { name: 'approval', eventSource: 'webhook' }],
      conditions: 'upload && aproval',
      triggers: [{ name: 't', workflow: 'w', params: [{ name: 'p', src: { dataKey: 'x' } }] }],
    });
    assertIssue(issues, { path: '/conditions', message: /unknown dependency "aproval" at column 11 \(did you mean "approval"\?\)/ });
    assertIssue(issues, { path: '/triggers/0/params/0/src/dependencyName', message: /a dataKey needs dependencyName/ });
  });

  it('refuses a dependency on the HTTP API, whose events are never offered to sensors', () => {
    const issues = sensorIssues({ name: 'a', dependencies: [{ name: 'call', eventSource: 'api' }], triggers: [{ name: 't', workflow: 'w' }] });
    assertIssue(issues, { path: '/dependencies/0/eventSource', message: /"api" is the HTTP API, not an event source sensors can depend on/ });
    assert.equal(issues.length, 1);
  });

  it('reports structural and semantic problems in one round', () => {
    const issues = sensorIssues({
      name: 'Bad_Name',
      dependencies: [{ name: 'a', eventSource: 'nats', filters: { data: [{ path: 'x', type: 'text', value: ['1'] }] } }],
      conditions: 'a && b',
      triggers: [{ name: 't', workflow: 'w', rateLimit: { requestsPerUnit: 0, unit: 'Day' }, dedupTtl: 'soon', extra: 1 }],
    });
    assertIssue(issues, { path: '/name', message: /invalid value/ });
    assertIssue(issues, { path: '/dependencies/0/filters/data/0/type', message: /invalid value "text"/ });
    assertIssue(issues, { path: '/conditions', message: /unknown dependency "b"/ });
    assertIssue(issues, { path: '/triggers/0/rateLimit/requestsPerUnit', message: /out of range/ });
    assertIssue(issues, { path: '/triggers/0/rateLimit/unit', message: /invalid value "Day"/ });
    assertIssue(issues, { path: '/triggers/0/dedupTtl', message: /invalid value/ });
    assertIssue(issues, { path: '/triggers/0/extra', message: /unknown field "extra"/ });
    assert.throws(() => validateSensor({ name: 'x' }, { file: 'x.yaml' }), (error: unknown) => {
      assert.ok(error instanceof SpecValidationError);
      assert.ok(error.issues.every((issue) => issue.file === 'x.yaml'));
      assert.ok(error.issues.some((issue) => issue.path === '/dependencies'));
      return true;
    });
  });
});
