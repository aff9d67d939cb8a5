// One sentence per feature, for the reasons of a routing decision: what the value is and which
// tasks (or workflow-level places) gave it that value, in words a person can read in a log line.
import type { FeatureName, WorkflowFeatures } from './features.js';
import { ML_ARTIFACT_TYPES } from './features.js';

export function featureSentence(name: FeatureName, f: WorkflowFeatures): string {
  const e = f.evidence[name];
  switch (name) {
    case 'declaredType':
      return f.declaredType === null ? 'It declares no type.' : `It declares type ${f.declaredType}.`;
    case 'taskLanes':
      return e.length === 0 ? 'No task is marked for a lane.' : `Tasks are marked for lanes: ${list(e)}.`;
    case 'usesCaching': {
      if (!f.usesCaching) return 'No task caches its results.';
      const parts = e.map((p) => (p === 'defaults.cache' ? 'every task without its own cache block (defaults.cache)' : `task ${p}`));
      return `Caching is on for ${list(parts, 'and')}.`;
    }
    case 'emitsMetrics': {
      if (!f.emitsMetrics) return 'It reports no metrics: none declared and no Metrics or ClassificationMetrics output.';
      const declared = e.filter((p) => p.startsWith('metrics.')).map((p) => p.slice('metrics.'.length));
      const tasks = e.filter((p) => !p.startsWith('metrics.'));
      const parts = [
        ...(declared.length > 0 ? [`it declares ${list(declared)}`] : []),
        ...(tasks.length > 0 ? [`${plural(tasks, 'task')} ${list(tasks)} output${tasks.length === 1 ? 's' : ''} metrics artifacts`] : []),
      ];
      return `It reports metrics: ${parts.join(', and ')}.`;
    }
    case 'mlArtifacts': {
      if (f.mlArtifacts.length === 0) return `It passes no ML artifacts (${ML_ARTIFACT_TYPES.join(', ')}).`;
      const byType = new Map<string, Set<string>>();
      for (const place of e) {
        const match = /^([^.]+)\.\S+ \((\w+)\)$/.exec(place);
        if (!match) continue;
        const tasks = byType.get(match[2] ?? '') ?? new Set<string>();
        tasks.add(match[1] ?? '');
        byType.set(match[2] ?? '', tasks);
      }
      const parts = f.mlArtifacts.map((type) => `${type} (${list([...(byType.get(type) ?? [])])})`);
      return `It passes ML artifacts: ${parts.join(', ')}.`;
    }
    case 'dynamicFanOut':
      return f.dynamicFanOut
        ? `${cap(plural(e, 'task'))} ${list(e)} fan${e.length === 1 ? 's' : ''} out over an upstream output, so the width is known only at run time.`
        : 'No task fans out over an upstream output.';
    case 'conditions':
      return f.conditions ? `${cap(plural(e, 'task'))} ${list(e)} run${e.length === 1 ? 's' : ''} only when a condition holds.` : 'No task has a when condition.';
    case 'exitHandler':
      return f.exitHandler ? `It has an exit handler (finally): ${list(e)}.` : 'It has no exit handler (finally).';
    case 'parallelismLimits':
      return f.parallelismLimits ? `Concurrency is limited by ${list(e.map(placeName))}.` : 'Nothing limits its concurrency.';
    case 'retryPolicies':
      return f.retryPolicies ? `Failed tasks are retried (${list(e.map(placeName))}).` : 'No task retries.';
    case 'taskCount':
      return `It has ${f.taskCount} ${f.taskCount === 1 ? 'task' : 'tasks'}.`;
    case 'depth':
      return `Its longest dependency chain is ${f.depth} ${f.depth === 1 ? 'task' : 'tasks'} deep (${e.join(' → ')}).`;
    case 'width':
      return `Up to ${f.width} ${f.width === 1 ? 'task' : 'tasks'} can run side by side (${list(e)}).`;
  }
}

/** `workflow.parallelism` and `defaults.retry` stay as written; a task name becomes `task NAME`. */
function placeName(place: string): string {
  return place.includes('.') ? place : `task ${place}`;
}

function list(items: readonly string[], last = 'and'): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${last} ${items[items.length - 1] ?? ''}`;
}

function plural(items: readonly unknown[], word: string): string {
  return items.length === 1 ? word : `${word}s`;
}

function cap(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
