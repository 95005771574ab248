#!/usr/bin/env node
/**
 * Writes src/api/schema.d.ts, the console's API types, from the OpenAPI document the server serves.
 *
 * The server is built (`npm run build` at the repository root) and started in memory on a throw-away
 * SQLite data directory; nothing listens on a port. CI runs `npm run check:api`, which regenerates the
 * file and fails when it differs from the committed one.
 *
 * Usage: npm run -w @steward/web gen:api
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const target = fileURLToPath(new URL('../src/api/schema.d.ts', import.meta.url));
const BANNER = `/**
 * Generated from the Steward server's OpenAPI document by packages/web/scripts/generate-api.mjs.
 * Do not edit: run \`npm run -w @steward/web gen:api\` after changing an API route.
 */

`;

let server;
try {
  server = await import('@steward/server');
} catch (error) {
  console.error('Cannot load @steward/server. Build it first with `npm run build` at the repository root.');
  throw error;
}
const { buildApp, createContext, loadConfig } = server;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-openapi-'));
try {
  const ctx = await createContext(loadConfig({ dataDir, noTls: true, logLevel: 'silent' }));
  let document;
  try {
    const app = await buildApp(ctx, { logger: false });
    await app.ready();
    document = app.swagger();
    await app.close();
  } finally {
    await ctx.close();
  }
  const ast = await openapiTS(document, { alphabetize: false, excludeDeprecated: false });
  const text = BANNER + astToString(ast);
  const previous = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
  if (previous === text) {
    console.log(`${path.relative(process.cwd(), target)} is up to date.`);
  } else {
    fs.writeFileSync(target, text);
    console.log(`Wrote ${path.relative(process.cwd(), target)}.`);
  }
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
