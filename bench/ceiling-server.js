#!/usr/bin/env node
/**
 * The bare Node HTTP ceiling: a plain `node:http` server that reads the request body and answers
 * with a body of the size asked for (`x-bench-response-bytes`), nothing else. The runner drives it
 * with the same load generator, concurrency and payload sizes as a Steward scenario, so the
 * difference between the two figures is what Steward's layers cost.
 *
 *   node bench/ceiling-server.js 0      # prints the port it listens on
 */
import http from 'node:http';

const port = Number(process.argv[2] ?? 0);
const bodies = new Map();
const bodyOf = (size) => {
  let body = bodies.get(size);
  if (!body) {
    body = Buffer.alloc(size, 'x');
    bodies.set(size, body);
  }
  return body;
};

const server = http.createServer((req, res) => {
  const size = Math.max(0, Math.min(10_000_000, Number(req.headers['x-bench-response-bytes'] ?? 0) || 0));
  req.on('data', () => {});
  req.on('end', () => {
    const body = bodyOf(size);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length) });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
