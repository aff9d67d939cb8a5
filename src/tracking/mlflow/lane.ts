// Which runs the MLflow mirror follows: the ML lane, as the router decided it and the run recorded
// it (`kubeflow`; a hybrid run's ML steps are child runs on that lane). Runs started before the
// router recorded decisions are judged from their frozen spec by the default policy.
import { route } from '../../router/route.js';
import type { RunRecord } from '../../store/ports/runs.js';

/** The lane a run belongs to: its recorded decision, else the default policy's for its spec. */
export function runLane(run: RunRecord): 'kubeflow' | 'argo' | 'hybrid' {
  return run.routing?.lane ?? route(run.spec).lane;
}

export function isMlLaneRun(run: RunRecord): boolean {
  return runLane(run) === 'kubeflow';
}
