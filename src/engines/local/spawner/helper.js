// @ts-check
// tandem spawner helper, Node.js edition: used where perl (helper.pl, the faster one) is missing.
// The engine hands it commands on stdin and hears back on stdout, in the line protocol described
// in protocol.ts. Spawning blocks the calling thread for the fork and exec, so doing it here, in a
// process beside the engine, keeps the engine's event loop free and lets spawns run in parallel.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { constants } from 'node:os';
import { createInterface } from 'node:readline';

/** @param {string} line */
function reply(line) {
  process.stdout.write(`${line}\n`);
}

/** @param {string} value */
function unescape(value) {
  return value.replace(/\\(.)/g, (_, c) => (c === 't' ? '\t' : c === 'n' ? '\n' : c));
}

/** @param {unknown} error */
function errnoOf(error) {
  const code = /** @type {NodeJS.ErrnoException} */ (error).code;
  return (code && /** @type {Record<string, number>} */ (constants.errno)[code]) || 0;
}

/** @param {string} dir */
function makeDir(dir) {
  try {
    mkdirSync(dir);
  } catch (error) {
    const code = /** @type {NodeJS.ErrnoException} */ (error).code;
    if (code === 'EEXIST') return;
    if (code === 'ENOENT') mkdirSync(dir, { recursive: true });
    else throw error;
  }
}

/**
 * Writes a stream to a file opened on first data, up to `cap` bytes; the rest is counted, not kept.
 * @param {string} path @param {number} cap
 */
function cappedFile(path, cap) {
  /** @type {number | undefined} */
  let fd;
  let written = 0;
  let dropped = 0;
  return {
    /** @param {Buffer} chunk */
    write(chunk) {
      const room = cap - written;
      if (room <= 0) {
        dropped += chunk.length;
        return;
      }
      fd ??= openSync(path, 'a');
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      writeSync(fd, part);
      written += part.length;
      dropped += chunk.length - part.length;
    },
    close() {
      if (dropped > 0) {
        fd ??= openSync(path, 'a');
        writeSync(fd, `\n[tandem: log capped at ${cap} bytes; ${dropped} more bytes dropped]\n`);
      }
      if (fd !== undefined) closeSync(fd);
      return dropped > 0;
    },
  };
}

/** @param {string[]} fields */
function run(fields) {
  const [id, dir, stdoutFile, stderrFile, capText, cwd, envCountText, ...rest] = fields;
  const envCount = Number(envCountText);
  /** @type {Record<string, string | undefined>} */
  const env = { ...process.env };
  for (let i = 0; i < envCount; i++) env[rest[2 * i] ?? ''] = rest[2 * i + 1] ?? '';
  const [command, ...args] = rest.slice(2 * envCount);
  try {
    makeDir(dir ?? '');
  } catch (error) {
    reply(`x ${id} ${errnoOf(error)} cannot create ${dir}: ${/** @type {Error} */ (error).message}`);
    return;
  }
  const stdout = cappedFile(stdoutFile ?? '', Number(capText));
  const stderr = cappedFile(stderrFile ?? '', Number(capText));
  // A process group of its own (detached), so a timeout or cancel stops the task and its children.
  /** @type {import('node:child_process').ChildProcess} */
  let child;
  try {
    child = spawn(command ?? '', args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    // Some failures (ENAMETOOLONG, E2BIG) are thrown here rather than emitted: one task's bad
    // command must not end the helper and every task it carries.
    stdout.close();
    stderr.close();
    reply(`x ${id} ${errnoOf(error)} ${/** @type {Error} */ (error).message}`);
    return;
  }
  let failedToStart = false;
  child.on('error', (error) => {
    failedToStart = true;
    stdout.close();
    stderr.close();
    reply(`x ${id} ${errnoOf(error)} ${error.message}`);
  });
  if (child.pid !== undefined) reply(`s ${id} ${child.pid}`);
  child.stdout?.on('data', (chunk) => stdout.write(chunk));
  child.stderr?.on('data', (chunk) => stderr.write(chunk));
  child.on('exit', (code, signal) => {
    if (failedToStart) return;
    // The leader has exited: whatever it left running in its group goes too, as when a pod's
    // container ends. That also closes pipes such processes held open.
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // ESRCH: the group is already empty.
    }
    let done = false;
    let pending = 2;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const truncatedOut = stdout.close();
      const truncatedErr = stderr.close();
      const truncated = truncatedOut || truncatedErr;
      const signalNumber = signal ? constants.signals[signal] : 0;
      reply(`e ${id} ${code ?? -1} ${signalNumber} ${truncated ? 1 : 0}`);
    };
    // Stop waiting for pipes a process that left the group still holds.
    const timer = setTimeout(finish, 1000);
    const drained = () => {
      pending -= 1;
      if (pending === 0) finish();
    };
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream || stream.readableEnded) drained();
      else stream.once('end', drained);
    }
  });
}

process.stdout.on('error', () => process.exit(0));
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line !== '') run(line.split('\t').map(unescape));
});
// The engine is gone: nobody will read replies. Tasks keep running in their own process groups,
// and `tandem resume` finds and stops them.
lines.on('close', () => process.exit(0));
