import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type RunningServer, loadConfig, startServer } from '@steward/server';
import { bindSteward } from '../android/bind.js';
import { type AmapiStandIn, startAmapiStandIn } from '../android/stand-in.js';
import { freePort } from './apple-lab.js';

type Role = 'admin' | 'operator' | 'helpdesk' | 'auditor';

export interface AndroidLab {
  server: RunningServer;
  standIn: AmapiStandIn;
  url: string;
  api<T = unknown>(method: string, path: string, role: Role, body?: unknown): Promise<{ status: number; json: T }>;
  enterpriseName: string;
  tokenValue: string;
  enrollmentId: string;
  pushEndpoint: string;
  close(): Promise<void>;
}

/** A real `steward serve` (HTTP, SQLite or PostgreSQL) bound to an enterprise of the AMAPI stand-in. */
export async function startAndroidLab(options: { databaseUrl?: string } = {}): Promise<AndroidLab> {
  const standIn = await startAmapiStandIn();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-android-'));
  const port = await freePort();
  const server = await startServer(
    loadConfig({
      listen: `127.0.0.1:${port}`,
      publicUrl: `http://127.0.0.1:${port}`,
      noTls: true,
      dataDir,
      logLevel: 'silent',
      androidApiUrl: `${standIn.url}/`,
      ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    }),
    { logger: false },
  );
  const tokens: Record<string, string> = {};
  for (const role of ['admin', 'operator', 'helpdesk', 'auditor'] as const)
    tokens[role] = (await server.ctx.auth.createToken({ name: `lab-${role}`, role, createdBy: null })).secret;
  const api = async <T>(method: string, p: string, role: Role, body?: unknown) => {
    const response = await fetch(`${server.url}${p}`, {
      method,
      headers: { authorization: `Bearer ${tokens[role]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: response.status, json: json as T };
  };
  const bound = await bindSteward(standIn, server.url, tokens.admin as string);
  return {
    server,
    standIn,
    url: server.url,
    api,
    ...bound,
    async close() {
      await server.close();
      await standIn.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
