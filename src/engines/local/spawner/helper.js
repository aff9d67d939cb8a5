// @ts-check
// tandem spawner helper, Node.js edition: used where perl (helper.pl, the faster one) is missing.
// The engine hands it commands on stdin and hears back on stdout, in the line protocol described
// in protocol.ts, and keeps the same rules as helper.pl (see its header): argv[2] is the engine's
// pid, nothing is started once the engine is gone, and each attempt folder gets process.started
// and process.exit, each written whole (temporary file, then rename). Spawning blocks the calling thread for the fork and exec, so doing it here, in a
// process beside the engine, keeps the engine's event loop free and lets spawns run in parallel.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { constants } from 'node:os';
import { createInterface } from 'node:readline';

const enginePid = Number(process.argv[2] ?? process.ppid);
/** Set once the engine is found gone: from then on nothing starts and nothing is answered. */
let orphaned = false;
/** Tasks started and not yet recorded as ended; an orphaned helper exits when it reaches 0. */
let running = 0;

/** @param {string} line */
function reply(line) {
  if (!orphaned) process.stdout.write(`${line}\n`);
}

/**
 * The parent's pid as the kernel sees it now (process.ppid is read once, at start-up), from
 * /proc; where there is none, whether the engine's pid still answers.
 */
function engineAlive() {
  if (orphaned) return false;
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    orphaned = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== enginePid;
  } catch {
    try {
      process.kill(enginePid, 0);
    } catch {
      orphaned = true;
    }
  }
  return !orphaned;
}

/** Field 22 of /proc/<pid>/stat: the process's start time, which a later process with the same pid does not share. @param {number | string} pid */
function startTime(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '-';
  } catch {
    return '-';
  }
}
const selfStart = startTime('self');

/** Writes a record whole or not at all. @param {string} dir @param {string} name @param {string} text */
function writeRecord(dir, name, text) {
  const tmp = `${dir}/.${name}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, `${dir}/${name}`);
  } catch {
    // The folder is gone (the run was deleted): nobody will read the record.
  }
}

function exitIfDone() {
  if (orphaned && running === 0) process.exit(0);
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
  // The request carries the complete environment; nothing of this process's (the engine's) is kept.
  /** @type {Record<string, string>} */
  const env = {};
  for (let i = 0; i < envCount; i++) env[rest[2 * i] ?? ''] = rest[2 * i + 1] ?? '';
  const [command, ...args] = rest.slice(2 * envCount);
  // The engine that asked may have died since it wrote this request: start nothing for it.
  if (!engineAlive()) return;
  try {
    makeDir(dir ?? '');
  } catch (error) {
    reply(`x ${id} ${errnoOf(error)} cannot create ${dir}: ${/** @type {Error} */ (error).message}`);
    return;
  }
  if (existsSync(`${dir}/process.started`)) {
    reply(`x ${id} ${constants.errno.EEXIST} ${dir} already holds an execution of this attempt (process.started)`);
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
    if (child.pid !== undefined) {
      try {
        unlinkSync(`${dir}/process.started`);
      } catch {
        // not written
      }
    }
    running -= 1;
    reply(`x ${id} ${errnoOf(error)} ${error.message}`);
    exitIfDone();
  });
  running += 1;
  if (child.pid !== undefined) {
    // Recorded before the reply, so a resume can find the process even if the engine dies now.
    writeRecord(dir ?? '', 'process.started', `pid=${child.pid} start=${startTime(child.pid)} helper=${process.pid} helperStart=${selfStart}\n`);
    reply(`s ${id} ${child.pid}`);
  }
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
      writeRecord(dir ?? '', 'process.exit', `exit=${code ?? -1} signal=${signalNumber} truncated=${truncated ? 1 : 0}\n`);
      running -= 1;
      reply(`e ${id} ${code ?? -1} ${signalNumber} ${truncated ? 1 : 0}`);
      exitIfDone();
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

// A broken reply pipe means the engine is gone: go on recording what runs, answer nothing.
process.stdout.on('error', () => {
  orphaned = true;
  exitIfDone();
});
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line !== '' && !orphaned) run(line.split('\t').map(unescape));
});
// The engine closed the pipe (it stopped, or died): nothing more will be asked, and what was
// asked but not started is dropped with it. The tasks already started are seen to the end.
lines.on('close', () => {
  orphaned = true;
  exitIfDone();
});
