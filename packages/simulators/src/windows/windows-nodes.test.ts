import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type RunningServer, loadConfig, startServer } from '@steward/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../test-support/apple-lab.js';
import { WindowsDevice, httpsRequest } from './windows-device.js';

const SYNCML = 'application/vnd.syncml.dm+xml';

describe('an OMA-DM session moves between nodes sharing one database', () => {
  const dirs: string[] = [];
  const nodes: RunningServer[] = [];
  let pc: WindowsDevice;

  beforeAll(async () => {
    const shared = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-windows-nodes-'));
    dirs.push(shared);
    const secretKey = randomBytes(32).toString('hex');
    for (let i = 0; i < 2; i++) {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-windows-node-'));
      dirs.push(dataDir);
      const port = await freePort();
      nodes.push(
        await startServer(
          loadConfig({
            listen: `127.0.0.1:${port}`,
            publicUrl: `https://127.0.0.1:${port}`,
            dataDir,
            databaseUrl: `sqlite:${path.join(shared, 'steward.db')}`,
            secretKey,
            logLevel: 'silent',
          }),
          { logger: false },
        ),
      );
    }
    const [a] = nodes;
    if (!a) throw new Error('no node');
    const { token } = await a.ctx.enrollments.create({ name: 'PCs', platform: 'windows', ownership: 'corporate', maxUses: 5 });
    pc = new WindowsDevice({ serverUrl: a.url, ca: a.ctx.ca.certificatePem, upn: 'ada@example.com', token });
    await pc.enroll();
    await pc.session();
  }, 60_000);

  afterAll(async () => {
    pc?.close();
    for (const node of nodes) await node.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('node A sends the lock, node B takes its status and completes the command', async () => {
    const [a, b] = nodes as [RunningServer, RunningServer];
    const deviceId = (await a.ctx.devices.list({ filter: {}, sort: 'name', order: 'asc', offset: 0, limit: 5 })).items[0]?.id ?? '';
    const { command } = await a.ctx.commands.enqueue({
      kind: 'intent',
      type: 'lock',
      platform: null,
      payload: {},
      target: { deviceIds: [deviceId] },
      platforms: ['windows'],
      createdBy: { type: 'system', id: null, label: 'test' },
      ttlMs: 60_000,
    });
    const message = (msgId: number, body: string) =>
      `<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto><SessionID>C1</SessionID><MsgID>${msgId}</MsgID><Target><LocURI>x</LocURI></Target><Source><LocURI>${pc.deviceId}</LocURI></Source></SyncHdr><SyncBody>${body}<Final/></SyncBody></SyncML>`;
    const post = (node: RunningServer, body: string) =>
      httpsRequest(`${node.url}/ManagementServer/MDM.svc`, {
        method: 'POST',
        headers: { 'content-type': SYNCML },
        body,
        ca: node.ctx.ca.certificatePem,
        cert: pc.certificatePem,
        key: pc.keyPem,
      });

    const first = await post(
      a,
      message(
        1,
        '<Alert><CmdID>1</CmdID><Data>1201</Data></Alert><Replace><CmdID>2</CmdID><Item><Source><LocURI>./DevInfo/Mod</LocURI></Source><Data>m</Data></Item></Replace>',
      ),
    );
    expect(first.status).toBe(200);
    const cmdId = /<Exec><CmdID>(\d+)<\/CmdID><Item><Target><LocURI>\.\/Device\/Vendor\/MSFT\/RemoteLock\/Lock</.exec(first.body.toString())?.[1];
    expect(cmdId).toBeDefined();

    const statuses = `<Status><CmdID>1</CmdID><MsgRef>1</MsgRef><CmdRef>0</CmdRef><Cmd>SyncHdr</Cmd><Data>200</Data></Status><Status><CmdID>2</CmdID><MsgRef>1</MsgRef><CmdRef>${cmdId}</CmdRef><Cmd>Exec</Cmd><Data>200</Data></Status>`;
    const second = await post(b, message(2, statuses));
    expect(second.status).toBe(200);
    expect(second.body.toString()).not.toMatch(/<(Exec|Get|Add|Replace|Delete)>/);
    expect((await b.ctx.commands.delivery(deviceId, command.id))?.state).toBe('acknowledged');
    // The same message again, on the first node: the session has moved on.
    expect((await post(a, message(2, statuses))).status).toBe(400);
  });
});
