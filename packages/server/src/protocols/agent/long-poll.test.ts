import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { type Delivery, LongPollRegistry } from './long-poll.js';

/** A queue per device that `take` drains, counting reads. */
function fakeQueue() {
  const queued = new Map<string, string[]>();
  let reads = 0;
  let gate: Promise<void> | undefined;
  return {
    queued,
    get reads() {
      return reads;
    },
    hold(promise: Promise<void>) {
      gate = promise;
    },
    async take(deviceIds: readonly string[]) {
      reads++;
      const held = gate;
      gate = undefined;
      // The read happens now; a held answer arrives later (as a slow database query would).
      const out = new Map<string, unknown[]>();
      for (const id of deviceIds) {
        const list = queued.get(id) ?? [];
        if (list.length) out.set(id, list.splice(0));
      }
      if (held) await held;
      return out;
    },
  };
}

describe('long-poll registry', () => {
  it('answers at once when something is queued, else on wake, else empty at the deadline (one sweep)', async () => {
    const queue = fakeQueue();
    const registry = new LongPollRegistry({ take: (ids) => queue.take(ids), sweepEveryMs: 10 });
    queue.queued.set('a', ['c1']);
    expect(await registry.wait('a', 10_000, () => false)).toEqual(['c1']);
    const waiting = registry.wait('a', 10_000, () => false);
    await new Promise((r) => setTimeout(r, 5));
    expect(registry.size).toBe(1);
    queue.queued.set('a', ['c2']);
    registry.wake(['a', 'nobody']);
    expect(await waiting).toEqual(['c2']);
    expect(registry.size).toBe(0);
    const started = Date.now();
    expect(await registry.wait('a', 50, () => false)).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    registry.close();
  });

  it('does not lose a wake-up that arrives while the poll is still reading the queue', async () => {
    const queue = fakeQueue();
    const registry = new LongPollRegistry({ take: (ids) => queue.take(ids), sweepEveryMs: 1000 });
    let release!: () => void;
    queue.hold(
      new Promise<void>((r) => {
        release = r;
      }),
    );
    const waiting = registry.wait('a', 10_000, () => false);
    // The command lands after the poll read an empty queue but before it started waiting.
    await new Promise((r) => setTimeout(r, 5));
    queue.queued.set('a', ['late']);
    registry.wake(['a']);
    release();
    expect(await waiting).toEqual(['late']);
    expect(queue.reads).toBe(2);
    registry.close();
  });

  it('ends an older poll of the same device, forgets closed sockets, batches wake-ups', async () => {
    const queue = fakeQueue();
    const registry = new LongPollRegistry({ take: (ids) => queue.take(ids), sweepEveryMs: 10 });
    const first = registry.wait('a', 10_000, () => false);
    await new Promise((r) => setTimeout(r, 5));
    const second = registry.wait('a', 10_000, () => false);
    expect(await first).toBeNull();
    let closed = false;
    const gone = registry.wait('b', 10_000, () => closed);
    await new Promise((r) => setTimeout(r, 5));
    closed = true;
    expect(await gone).toBeNull();
    const many = Array.from({ length: 1200 }, (_, i) => `d${i}`);
    const polls = many.map((id) => registry.wait(id, 10_000, () => false));
    await new Promise((r) => setTimeout(r, 20));
    for (const id of [...many, 'a']) queue.queued.set(id, [`for-${id}`]);
    const before = queue.reads;
    registry.wake([...many, 'a']);
    expect((await Promise.all(polls)).every((answer, i) => JSON.stringify(answer) === JSON.stringify([`for-d${i}`]))).toBe(true);
    expect(await second).toEqual(['for-a']);
    // 1,201 devices woken together: three reads of up to 500, not 1,201.
    expect(queue.reads - before).toBe(3);
    registry.close();
  });

  it('reports a delivery once the last of its answers has been written, and only its own answers', async () => {
    const queue = fakeQueue();
    const deliveries: Delivery[] = [];
    const registry = new LongPollRegistry({ take: (ids) => queue.take(ids), sweepEveryMs: 10, onDelivered: (d) => deliveries.push(d) });
    const responses = ['x', 'y', 'z'].map(() => new EventEmitter());
    const polls = ['x', 'y', 'z'].map((id, i) =>
      registry
        .wait(id, 10_000, () => false)
        .then((answer) => {
          registry.written(responses[i] as EventEmitter);
          return answer;
        }),
    );
    await new Promise((r) => setTimeout(r, 5));
    queue.queued.set('x', ['cx']);
    queue.queued.set('y', ['cy']);
    const before = Date.now();
    registry.wake(['x', 'y', 'z']);
    expect(await Promise.all(polls)).toEqual([['cx'], ['cy'], null]);
    responses[0]?.emit('finish');
    responses[1]?.emit('finish');
    expect(deliveries).toEqual([]);
    responses[2]?.emit('finish');
    expect(deliveries).toHaveLength(1);
    const [delivery] = deliveries;
    expect(delivery).toMatchObject({ polls: 3, commands: 2 });
    expect(delivery?.wokenAt).toBeGreaterThanOrEqual(before);
    expect(delivery?.answeredAt).toBeGreaterThanOrEqual(delivery?.wokenAt ?? Number.POSITIVE_INFINITY);
    expect(delivery?.handedAt).toBeGreaterThanOrEqual(delivery?.answeredAt ?? Number.POSITIVE_INFINITY);
    expect(delivery?.writtenAt).toBeGreaterThanOrEqual(delivery?.handedAt ?? Number.POSITIVE_INFINITY);
    // A later answer (the sweep's, at a poll's deadline) belongs to no delivery.
    await new Promise((r) => setTimeout(r, 5));
    const late = new EventEmitter();
    expect(await registry.wait('w', 20, () => false)).toBeNull();
    registry.written(late);
    expect(late.listenerCount('finish')).toBe(0);
    registry.close();
  });

  it('writes a delivered poll through its deliverNow callback in the delivery loop, before the promise settles', async () => {
    const queue = fakeQueue();
    const deliveries: Delivery[] = [];
    const registry = new LongPollRegistry({ take: (ids) => queue.take(ids), sweepEveryMs: 10, onDelivered: (d) => deliveries.push(d) });
    const order: string[] = [];
    const response = new EventEmitter();
    const poll = registry
      .wait(
        'a',
        10_000,
        () => false,
        (commands) => {
          order.push(`now:${JSON.stringify(commands)}`);
          registry.written(response);
        },
      )
      .then((answer) => {
        order.push(`settled:${JSON.stringify(answer)}`);
      });
    await new Promise((r) => setTimeout(r, 5));
    queue.queued.set('a', ['c1']);
    registry.wake(['a']);
    await poll;
    expect(order).toEqual(['now:["c1"]', 'settled:["c1"]']);
    response.emit('finish');
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ polls: 1, commands: 1 });
    registry.close();
  });
});
