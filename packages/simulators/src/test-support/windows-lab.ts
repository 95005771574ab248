import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type RunningServer, loadConfig, startServer } from '@steward/server';
import { freePort } from './apple-lab.js';

export type LabRole = 'admin' | 'operator' | 'helpdesk' | 'auditor';

export interface WindowsLab {
  server: RunningServer;
  /** https://127.0.0.1:<port> */
  url: string;
  /** PEM of Steward's CA (it signs the server's TLS certificate). */
  ca: string;
  api<T = unknown>(method: string, path: string, role: LabRole, body?: unknown): Promise<{ status: number; json: T }>;
  /** A Windows enrollment and its token. */
  enrollment(options?: { maxUses?: number; groupId?: string }): Promise<{ id: string; token: string }>;
  close(): Promise<void>;
}

/** Steward over HTTPS (its self-issued certificate, client certificates requested) on loopback, SQLite or PostgreSQL. */
export async function startWindowsLab(options: { databaseUrl?: string; clientCertHeader?: string } = {}): Promise<WindowsLab> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-windows-'));
  const port = await freePort();
  const server = await startServer(
    loadConfig({
      listen: `127.0.0.1:${port}`,
      publicUrl: `https://127.0.0.1:${port}`,
      dataDir,
      logLevel: 'silent',
      ...(options.clientCertHeader ? { clientCertHeader: options.clientCertHeader } : {}),
      ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    }),
    { logger: false },
  );
  const ca = server.ctx.ca.certificatePem;
  const tokens: Record<string, string> = {};
  for (const role of ['admin', 'operator', 'helpdesk', 'auditor'] as const)
    tokens[role] = (await server.ctx.auth.createToken({ name: `lab-${role}`, role, createdBy: null })).secret;
  const { httpsRequest } = await import('../windows/windows-device.js');
  const api = async <T>(method: string, p: string, role: LabRole, body?: unknown) => {
    const answer = await httpsRequest(`${server.url}${p}`, {
      method,
      ca,
      headers: { authorization: `Bearer ${tokens[role]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = answer.body.toString();
    return { status: answer.status, json: (text ? JSON.parse(text) : null) as T };
  };
  return {
    server,
    url: server.url,
    ca,
    api,
    async enrollment(o = {}) {
      const created = await server.ctx.enrollments.create({
        name: 'Windows PCs',
        platform: 'windows',
        ownership: 'corporate',
        maxUses: o.maxUses ?? 100,
        groupId: o.groupId ?? null,
      });
      return { id: created.row.id, token: created.token };
    },
    async close() {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
