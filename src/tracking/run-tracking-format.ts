// Text sections of `tandem show` for tracking: final metrics per task, ClassificationMetrics
// summaries and artifact metadata. `bold` styles section titles (the CLI passes its palette's).
import { describeClassification } from './classification.js';
import { formatNumber } from './compare-format.js';
import type { RunTracking } from './run-tracking.js';

export function formatTracking(tracking: RunTracking, bold: (text: string) => string = (t) => t): string[] {
  const lines: string[] = [];
  if (tracking.metrics.length > 0) {
    lines.push('', bold('metrics (final values)'));
    const width = Math.max(...tracking.metrics.map((m) => `${m.task}.${m.name}`.length));
    for (const m of tracking.metrics) {
      const where = m.step !== undefined ? ` at step ${m.step}` : '';
      const points = m.points > 1 ? ` (${m.points} points)` : '';
      lines.push(`  ${`${m.task}.${m.name}`.padEnd(width)}  ${formatNumber(m.value)}${where}${points}`);
    }
  }
  if (tracking.classification.length > 0) {
    lines.push('', bold('classification metrics'));
    for (const c of tracking.classification) {
      if (!c.summary) {
        lines.push(`  ${c.task}.${c.output}  unreadable: ${c.error ?? 'unknown problem'}`);
        continue;
      }
      lines.push(`  ${c.task}.${c.output}  ${describeClassification(c.summary)}`);
      for (const cls of c.summary.classes) {
        const pct = (v: number | null) => (v === null ? '-' : v.toFixed(3));
        lines.push(`    ${cls.label}: recall ${pct(cls.recall)}, precision ${pct(cls.precision)}, support ${cls.support}`);
      }
    }
  }
  if (tracking.artifactMetadata.length > 0) {
    lines.push('', bold('artifact metadata'));
    for (const a of tracking.artifactMetadata) lines.push(`  ${a.task}.${a.output}  ${JSON.stringify(a.metadata)}`);
  }
  return lines;
}
