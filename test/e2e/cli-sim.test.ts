import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT, tempDb } from '../support/process.ts';

const run = promisify(execFile);
const BIN = `${REPO_ROOT}/bin/linkplane.js`;

async function linkplane(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: '/', env: { PATH: process.env.PATH, HOME: process.env.HOME } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

test('`linkplane sim` manages fault rules and the time scale in the store the servers read, from any directory', async () => {
  const { db, cleanup } = tempDb();
  try {
    assert.equal((await linkplane(['migrate', '--db', db])).stdout, 'migrations applied (sqlite)\n');
    const added = await linkplane([
      'sim', 'faults', 'add', '--db', db, '--provider', 'AWS', '--kind', 'endpoint', '--outcome', 'REJECTED',
      '--match', 'endpointId=vpce-0123456789abcdef0', '--error-message', 'no such endpoint',
    ]);
    assert.equal(added.code, 0, added.stderr);
    const rule = JSON.parse(added.stdout);
    assert.match(rule.id, /^[a-f0-9]{24}$/);
    assert.deepEqual(
      { provider: rule.provider, kind: rule.kind, match: rule.match, outcome: rule.outcome, errorMessage: rule.errorMessage },
      { provider: 'AWS', kind: 'endpoint', match: { endpointId: 'vpce-0123456789abcdef0' }, outcome: 'REJECTED', errorMessage: 'no such endpoint' },
    );
    assert.deepEqual(JSON.parse((await linkplane(['sim', 'faults', 'list', '--db', db])).stdout).map((r: { id: string }) => r.id), [rule.id]);

    const bad = await linkplane(['sim', 'faults', 'add', '--db', db, '--provider', 'AWS', '--kind', 'endpoint', '--outcome', 'FAILED']);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, 'INVALID_ATTRIBUTE: Invalid attribute outcome specified.\n');

    assert.deepEqual(JSON.parse((await linkplane(['sim', 'settings', '--db', db, '--time-scale', '0.5'])).stdout), { timeScale: 0.5 });
    assert.deepEqual(JSON.parse((await linkplane(['sim', 'settings', '--db', db])).stdout), { timeScale: 0.5 });
    assert.deepEqual(JSON.parse((await linkplane(['sim', 'faults', 'delete', rule.id, '--db', db])).stdout), { deleted: rule.id });
    assert.deepEqual(JSON.parse((await linkplane(['sim', 'faults', 'clear', '--db', db])).stdout), { deleted: 0 });
  } finally {
    cleanup();
  }
});
