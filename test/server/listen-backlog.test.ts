// A burst of connections while the control plane's event loop is busy: the kernel must hold them
// until the server gets round to accepting them. With Node's default listen backlog (511) it holds
// 511 and drops the handshakes of the rest; on a loaded machine some of those then time out and the
// sender gets a reset (the 1,000-webhook test's "fetch failed", ECONNRESET). The control plane
// listens with a larger backlog.
//
// Deterministic: the connections come from a child process run with spawnSync, so this process
// (the server) accepts nothing until the child has exited; the child counts how many connections
// the kernel completed, without the server's help, within its deadline.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { loadProject } from '../../src/project/load.js';
import { ControlPlane } from '../../src/server/control-plane.js';

/** The kernel caps any backlog at this; the burst is sized to what the kernel can hold at all. */
function somaxconn(): number {
  try {
    return Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8').trim());
  } catch {
    return 4096;
  }
}

const BURST = Math.min(1000, somaxconn());

// Opens `count` connections at once; prints how many completed the handshake, once all did or
// after its deadline (taken only when the kernel dropped some: the server cannot accept meanwhile).
const CLIENT = `
const net = require('node:net');
const [port, count] = process.argv.slice(1).map(Number);
let connected = 0;
const sockets = [];
const done = () => { process.stdout.write(String(connected)); for (const s of sockets) s.destroy(); process.exit(0); };
setTimeout(done, 5000);
for (let i = 0; i < count; i++) {
  const socket = net.connect(port, '127.0.0.1', () => { if (++connected === count) done(); });
  socket.on('error', () => undefined);
  sockets.push(socket);
}
`;

describe('the control plane under a burst of connections', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-backlog-'));
  let plane: ControlPlane | undefined;
  after(async () => {
    await plane?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`lets the kernel hold ${BURST} connections made while the server accepts none`, async () => {
    const file = join(dir, 'tandem.yaml');
    writeFileSync(file, 'home: ./home\n');
    const config = await loadConfig({ cwd: dir, env: {}, flags: { config: file } });
    plane = await ControlPlane.start({ project: await loadProject(file), config, port: 0 });
    const port = Number(new URL(plane.url).port);

    const child = spawnSync(process.execPath, ['-e', CLIENT, String(port), String(BURST)], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(child.status, 0, child.stderr);
    assert.equal(Number(child.stdout), BURST, `the kernel completed ${child.stdout} of ${BURST} handshakes while the server was busy`);

    // And the server is fine afterwards: it accepted what was queued and still answers.
    assert.equal((await fetch(`${plane.url}/healthz`)).status, 200);
  });
});
