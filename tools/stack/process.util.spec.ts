import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { killProcessGroup, processGroupMembers } from './process.util';

/** A /proc with the kernel's layout: <pid>/stat and <pid>/task/<tid>/stat ("pid (comm) state ppid pgrp ..."). */
function fakeProc(
  processes: { pid: number; pgid: number; state: string; threads: Record<number, string> }[],
) {
  const root = mkdtempSync(join(tmpdir(), 'fake-proc-'));
  const stat = (pid: number, state: string, pgid: number) =>
    `${pid} (redis-server (x)) ${state} 1 ${pgid} ${pgid} 0 -1 4194560 0 0 0 0\n`;
  mkdirSync(join(root, 'self'));
  writeFileSync(join(root, 'self', 'stat'), stat(1, 'R', 1));
  for (const p of processes) {
    mkdirSync(join(root, String(p.pid), 'task'), { recursive: true });
    writeFileSync(join(root, String(p.pid), 'stat'), stat(p.pid, p.state, p.pgid));
    for (const [tid, state] of Object.entries(p.threads)) {
      mkdirSync(join(root, String(p.pid), 'task', tid));
      writeFileSync(join(root, String(p.pid), 'task', tid, 'stat'), stat(Number(tid), state, p.pgid));
    }
  }
  return root;
}

describe(processGroupMembers.name, () => {
  const roots: string[] = [];
  after(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  it('counts a zombie main thread as alive while another of its threads still runs', () => {
    const root = fakeProc([
      // SIGKILLed Redis: the main thread exited, one thread is still unmapping its memory.
      { pid: 100, pgid: 100, state: 'Z', threads: { 100: 'Z', 101: 'R' } },
      // Fully exited, not yet reaped.
      { pid: 102, pgid: 100, state: 'Z', threads: { 102: 'Z' } },
      { pid: 103, pgid: 100, state: 'S', threads: { 103: 'S' } },
      { pid: 104, pgid: 999, state: 'S', threads: { 104: 'S' } },
    ]);
    roots.push(root);
    assert.deepEqual(processGroupMembers(100, root).sort(), [100, 103]);
  });

  it('finds a real detached child until it is killed', async () => {
    const child = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('spawn', () => {
        resolve(child.pid ?? 0);
      });
      child.once('error', reject);
    });
    assert.deepEqual(processGroupMembers(pid), [pid]);
    await killProcessGroup(pid);
    assert.deepEqual(processGroupMembers(pid), []);
  });
});
