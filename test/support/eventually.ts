// One polling wait for the test side (a status, the tray, a server's log…): for conditions that no
// event announces. Fails with what it waited for.
import assert from 'node:assert/strict';

export async function eventually(check: () => boolean, what: string | (() => string), timeoutMs = 10_000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > end) assert.fail(`timed out: ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
