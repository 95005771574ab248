// One slice of agent-fanout's simulated fleet, in a worker thread of the bench process: the real
// simulator (packages/agent's `simulate`, the code path of `steward-agent simulate`) with its own
// event loop, so the fleet's responses, results and new polls are worked through on every core
// rather than by one thread. Receipt times are wall-clock ms (Date.now()), the clock the bench
// process reads just before it enqueues: one machine clock across threads.
import { parentPort, workerData } from 'node:worker_threads';
import { simulate } from '../packages/agent/dist/simulate.js';

const { server, token, count, firstIndex, concurrency, waitSeconds, proxyCertHeader } = workerData;
let received = [];
let flushing = false;
const flush = () => {
  flushing = false;
  if (received.length === 0) return;
  parentPort.postMessage({ type: 'received', received });
  received = [];
};

const simulation = await simulate({
  server,
  token,
  count,
  firstIndex,
  proxyCertHeader,
  waitSeconds,
  concurrency,
  log: (line) => parentPort.postMessage({ type: 'log', line: `[agents ${firstIndex}–${firstIndex + count - 1}] ${line}` }),
  onCommand: (index, command, at) => {
    if (command.type !== 'lock_screen') return;
    received.push([firstIndex + index, at]);
    // Batch the messages to the bench thread (one per turn of this loop, not one per agent).
    if (!flushing) {
      flushing = true;
      setImmediate(flush);
    }
  },
});
parentPort.postMessage({ type: 'enrolled', enrolledMs: simulation.enrolledMs });

parentPort.on('message', (message) => {
  if (message?.type !== 'stop') return;
  flush();
  const failed = simulation.agents.filter((a) => a.totalFailures > 0);
  simulation.stop();
  parentPort.postMessage({
    type: 'stopped',
    failures: failed.reduce((total, a) => total + a.totalFailures, 0),
    errors: [...new Set(failed.map((a) => a.lastError))].slice(0, 5),
  });
  parentPort.close();
});
