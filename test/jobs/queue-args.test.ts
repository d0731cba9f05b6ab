// Queue arguments a user can get wrong are one-line errors, and an unreachable Redis is said so in time.
// (Needs no Redis: the queue itself is tested in queue.test.ts.)
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { it } from 'node:test';
import { checkRedisUrl, QueueBackend } from '../../src/jobs/queue.js';
import { UserError } from '../../src/model/errors.js';

it('a URL that is not redis:// is refused', () => {
  for (const bad of ['localhost:6379', 'http://127.0.0.1:6379', '']) assert.throws(() => checkRedisUrl(bad), (e: unknown) => e instanceof UserError && /not a Redis URL/.test(e.message));
  assert.deepEqual(checkRedisUrl('redis://127.0.0.1:6379'), { url: 'redis://127.0.0.1:6379' });
});

it('a Redis that does not answer is a one-line error', async () => {
  // A port nobody listens on: take a free one and close it.
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((r) => srv.close(r));
  await assert.rejects(QueueBackend.open(`redis://127.0.0.1:${port}`, 'x', 1500), (e: unknown) => e instanceof UserError && e.message.startsWith(`cannot reach Redis at redis://127.0.0.1:${port}: `) && !e.message.includes('\n'));
});
