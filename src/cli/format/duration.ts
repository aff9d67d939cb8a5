// Human durations for the CLI: `850ms`, `4.2s`, `3m05s`, `2h14m`.

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 10_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`;
  const totalSeconds = Math.floor(ms / 1000);
  if (totalSeconds < 60) return `${totalSeconds}s`;
  const totalMinutes = Math.floor(totalSeconds / 60);
  if (totalMinutes < 60) return `${totalMinutes}m${pad2(totalSeconds % 60)}s`;
  const hours = Math.floor(totalMinutes / 60);
  if (hours < 24) return `${hours}h${pad2(totalMinutes % 60)}m`;
  return `${Math.floor(hours / 24)}d${pad2(hours % 24)}h`;
}

/** Duration between two epoch-ms times; a missing end means "still going" (now). */
export function formatSpan(start: number | undefined, end: number | undefined, now: number = Date.now()): string {
  if (start === undefined) return '-';
  return formatDuration((end ?? now) - start);
}

/** `12:00:01`, local time. */
export function formatClock(time: number): string {
  const d = new Date(time);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** `2024-05-01 12:00:01`, local time. */
export function formatTimestamp(time: number | undefined): string {
  if (time === undefined) return '-';
  const d = new Date(time);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${formatClock(time)}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
