// Workflows shared by the tracking tests: a 3-task pipeline (prepare → train → evaluate) passing
// typed artifacts, with a param, stepped metrics, a metadata sidecar and ClassificationMetrics.
import type { WorkflowSpec } from '../../src/spec/schema.js';

export const CONFUSION = { labels: ['cat', 'dog'], confusionMatrix: [[8, 2], [1, 9]], rocCurve: [{ fpr: 0.1, tpr: 0.8, threshold: 0.5 }] };

export function pipeline(options: { name?: string; experiment?: string; confusion?: unknown } = {}): WorkflowSpec {
  const confusion = JSON.stringify(options.confusion ?? CONFUSION);
  return {
    name: options.name ?? 'pipeline',
    ...(options.experiment ? { experiment: options.experiment } : {}),
    params: { lr: { type: 'number', default: 0.1 }, rows: { type: 'integer', default: 2 } },
    metrics: { accuracy: { direction: 'max' }, loss: { direction: 'min' } },
    tasks: [
      {
        name: 'prepare',
        process: {
          shell: true,
          command: 'seq "$1" > "$TANDEM_OUTPUTS/data.csv"; echo \'{"rows": \'"$1"\'}\' > "$TANDEM_OUTPUTS/data.csv.metadata.json"',
          args: ['{{ params.rows }}'],
        },
        outputs: { data: { type: 'Dataset', path: 'data.csv' } },
      },
      {
        name: 'train',
        inputs: { data: '{{ tasks.prepare.outputs.data }}', lr: '{{ params.lr }}' },
        process: {
          shell: true,
          command: [
            '{ cat "$1"; echo "lr=$2"; } > "$TANDEM_OUTPUTS/model.bin"',
            'echo \'{"name":"loss","value":0.9,"step":1}\' >> "$TANDEM_METRICS"',
            'echo \'{"name":"loss","value":\'"$2"\',"step":2}\' >> "$TANDEM_METRICS"',
          ].join('; '),
          args: ['{{ inputs.data }}', '{{ inputs.lr }}'],
        },
        outputs: { model: { type: 'Model', path: 'model.bin' } },
      },
      {
        name: 'evaluate',
        inputs: { model: '{{ tasks.train.outputs.model }}' },
        process: {
          shell: true,
          command: `printf '%s' '${confusion}' > "$TANDEM_OUTPUTS/cm.json"; echo '{"name":"accuracy","value":'"$1"'}' >> "$TANDEM_METRICS"`,
          args: ['{{ params.lr * 5.0 }}'],
        },
        outputs: { cm: { type: 'ClassificationMetrics', path: 'cm.json' } },
      },
    ],
  } as WorkflowSpec;
}
