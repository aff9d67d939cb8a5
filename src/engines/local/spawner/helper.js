// @ts-check
// A long-lived spawner process. The engine hands it commands as JSON lines on stdin and hears
// back as JSON lines on stdout. Spawning a process blocks the calling thread for the fork/exec,
// so doing it here, in a small process beside the engine, keeps the engine's event loop free
// and lets several spawns happen in parallel on different cores.
//
// Request:  {"id":1,"command":"/bin/true","args":[],"cwd":"/x","env":{...},"dir":"/attempt",
//            "stdoutFile":"/attempt/stdout.log","stderrFile":"/attempt/stderr.log","logCap":1048576}
// Replies:  {"id":1,"started":4242}  then  {"id":1,"exit":0,"signal":null,"truncated":false}
//           or {"id":1,"error":"spawn /nope ENOENT"} when the process could not be started.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, writeSync, closeSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** @param {object} message */
function reply(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/**
 * Writes a stream to a file opened on first data, up to `cap` bytes; the rest is counted, not kept.
 * @param {string} path
 * @param {number} cap
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
      if (fd === undefined) fd = openSync(path, 'a');
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      writeSync(fd, part);
      written += part.length;
      dropped += chunk.length - part.length;
    },
    close() {
      if (dropped > 0) {
        if (fd === undefined) fd = openSync(path, 'a');
        writeSync(fd, `\n[tandem: log capped at ${cap} bytes; ${dropped} more bytes dropped]\n`);
      }
      if (fd !== undefined) closeSync(fd);
      return dropped > 0;
    },
  };
}

/**
 * One mkdir in the common case (the parent exists); the recursive form only when it does not.
 * @param {string} dir
 */
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

/** @param {any} request */
function run(request) {
  try {
    makeDir(request.dir);
  } catch (error) {
    reply({ id: request.id, error: `cannot prepare directories: ${/** @type {Error} */ (error).message}` });
    return;
  }
  const stdout = cappedFile(request.stdoutFile, request.logCap);
  const stderr = cappedFile(request.stderrFile, request.logCap);
  /** @type {import('node:child_process').ChildProcess} */
  let child;
  try {
    child = spawn(request.command, request.args ?? [], {
      cwd: request.cwd,
      env: { ...process.env, ...request.env },
      // A process group of its own, so a timeout or cancel can stop the task and everything it started.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    reply({ id: request.id, error: /** @type {Error} */ (error).message });
    return;
  }
  let failedToStart = false;
  child.on('error', (error) => {
    failedToStart = true;
    stdout.close();
    stderr.close();
    reply({ id: request.id, error: error.message });
  });
  if (child.pid !== undefined) reply({ id: request.id, started: child.pid });
  child.stdout?.on('data', (chunk) => stdout.write(chunk));
  child.stderr?.on('data', (chunk) => stderr.write(chunk));
  child.on('exit', (code, signal) => {
    if (failedToStart) return;
    // The task's leader has exited: anything it left running in its group goes with it, as
    // when a pod's container ends.
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // ESRCH: the group is already empty.
    }
    // The pipes may stay open if the task left a background process behind; give them a
    // moment to drain, then report regardless.
    let pending = 2;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const truncatedOut = stdout.close();
      const truncatedErr = stderr.close();
      reply({ id: request.id, exit: code, signal, truncated: truncatedOut || truncatedErr });
    };
    const timer = setTimeout(finish, 200);
    const drained = () => {
      pending -= 1;
      if (pending === 0) finish();
    };
    if (child.stdout?.readableEnded) drained();
    else child.stdout?.once('end', drained);
    if (child.stderr?.readableEnded) drained();
    else child.stderr?.once('end', drained);
  });
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() === '') return;
  run(JSON.parse(line));
});
// The engine is gone (exited or killed): nothing will read our replies, so stop. Tasks keep
// running in their own process groups; `tandem resume` finds and stops them.
lines.on('close', () => process.exit(0));
