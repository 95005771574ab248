import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPdf } from '../../core/reports/pdf.js';
import { TEST_DATABASES, tempDir } from '../../test-support/databases.js';
import { createHarness, type Harness } from '../../test-support/harness.js';
import { startSmtpServer } from '../../test-support/smtp-server.js';

/** RFC 4180 parser, written for this test: quoted fields, doubled quotes, CRLF record ends. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
      } else {
        field += c;
        i++;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
      i++;
    } else if (c === ',') {
      record.push(field);
      field = '';
      i++;
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else if (c === '\n' || c === '\r') {
      throw new Error(`bare line break at ${i}`);
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || record.length) throw new Error('last record not CRLF-terminated');
  return records;
}

/** Share of non-white pixels in a binary PGM (P5) image. */
function inkRatio(pgm: Buffer): number {
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 50).toString('latin1'));
  if (!header) throw new Error('not a PGM');
  const pixels = pgm.subarray(header[0].length);
  let ink = 0;
  for (const p of pixels) if (p < 200) ink++;
  return ink / pixels.length;
}

const TRICKY = ['Comma, Inc. laptop', 'Quote "the" phone', 'Line\nbreak tablet', 'Zoë’s Mac – café'];

describe('PDF writer', () => {
  it('writes a valid PDF 1.4 whose xref offsets point at their objects; poppler renders the table on every page', () => {
    const rows = Array.from({ length: 95 }, (_, i) => [`device-${String(i).padStart(3, '0')}`, 'ios', i % 2 ? 'compliant' : 'noncompliant', 'Zoë (x) \\ y']);
    const pdf = renderPdf({
      title: 'Steward: test table',
      generatedAt: new Date('2026-11-20T10:00:00Z'),
      columns: ['Name', 'Platform', 'Compliance', 'Note'],
      rows,
    });
    const text = pdf.toString('latin1');
    expect(text.startsWith('%PDF-1.4\n')).toBe(true);
    const xref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)?.[1]);
    expect(text.slice(xref, xref + 4)).toBe('xref');
    const entries = text.slice(xref).split('\n').slice(2);
    const count = Number(/xref\n0 (\d+)/.exec(text.slice(xref))?.[1]);
    for (let id = 1; id < count; id++) {
      const offset = Number(entries[id]?.slice(0, 10));
      expect(text.slice(offset, offset + `${id} 0 obj`.length)).toBe(`${id} 0 obj`);
    }
    const dir = tempDir('steward-pdf-');
    try {
      const file = path.join(dir, 'table.pdf');
      fs.writeFileSync(file, pdf);
      const result = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const pages = result.split('\f').filter((p) => p.trim());
      expect(pages.length).toBeGreaterThanOrEqual(3);
      for (const page of pages) expect(page).toMatch(/Name\s+Platform\s+Compliance\s+Note/);
      for (const [name] of rows) expect(result).toContain(name as string);
      expect(result).toContain('Zoë (x) \\ y');
      expect(result).toContain('Page 1 of');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

for (const database of TEST_DATABASES) {
  describe.skipIf(!database.available)(`reports on ${database.dialect}`, () => {
    let h: Harness;
    let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
    let dir: string;

    beforeAll(async () => {
      smtp = await startSmtpServer();
      h = await createHarness(database, { smtpUrl: smtp.url, mailFrom: 'reports@example.test', webhooksAllowHttp: true });
      dir = tempDir('steward-reports-');
      const { ctx } = h;
      for (let i = 0; i < 60; i++) {
        const name = TRICKY[i % TRICKY.length] ?? 'x';
        const device = await ctx.devices.create({
          platform: i % 3 ? 'ios' : 'windows',
          ownership: i % 5 ? 'corporate' : 'personal',
          name: `${name} ${i}`,
          serialNumber: i % 7 ? `SN${i}` : null,
          osVersion: i % 3 ? (i % 2 ? '18.2' : '17.6.1') : '10.0.22631',
          model: '=cmd|calc',
        });
        await ctx.devices.applyInventory(device.id, {
          facts: {
            apps: [{ identifier: 'com.example.mail', name: 'Mail', version: i % 2 ? '2.0' : '1.9' }, ...(i % 4 ? [] : [{ identifier: 'com.games.poker' }])],
          },
        });
      }
      const group = await ctx.groups.create({ name: 'All', kind: 'static' });
      await ctx.groups.addMembers(group.id, await ctx.devices.idsMatching({}));
      await ctx.compliance.repo.createRule(
        {
          name: 'No poker',
          type: 'blocked_apps_absent',
          params: { identifiers: ['com.games.poker'] },
          enabled: true,
          graceSeconds: 0,
          actions: { notify: false, email: [], lock: false, retire: false },
        },
        [group.id],
      );
      await ctx.compliance.evaluateAll();
    });
    afterAll(async () => {
      await h?.close();
      await smtp?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('the inventory CSV parses back to the same rows as the JSON report', async () => {
      const json = await h.app.inject({ url: '/api/v1/reports/inventory?format=json', headers: h.auth('helpdesk') });
      expect(json.statusCode).toBe(200);
      const csv = await h.app.inject({ url: '/api/v1/reports/inventory?format=csv', headers: h.auth('helpdesk') });
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="steward-inventory-\d{4}-\d{2}-\d{2}\.csv"$/);
      const records = parseCsv(csv.body);
      expect(records[0]).toEqual(json.json().columns);
      const rows = json.json().rows as unknown[][];
      expect(rows).toHaveLength(60);
      // A formula-looking cell is defused with an apostrophe; everything else round-trips exactly.
      const expected = rows.map((r) => r.map((v) => (v === null ? '' : String(v) === '=cmd|calc' ? "'=cmd|calc" : String(v))));
      expect(records.slice(1)).toEqual(expected);
      expect(records.slice(1).some((r) => r[0]?.includes('\n'))).toBe(true);
    });

    it('filters with the device filter language; apps, OS versions and violations aggregate', async () => {
      const windows = await h.app.inject({ url: '/api/v1/reports/inventory?platform=windows', headers: h.auth('auditor') });
      expect(windows.json().rows).toHaveLength(20);
      const apps = await h.app.inject({ url: '/api/v1/reports/apps', headers: h.auth('auditor') });
      expect(apps.json().rows).toEqual([
        // Personal devices (every fifth) keep no app inventory: 48 corporate devices, 12 with the game.
        ['com.example.mail', 'Mail', '1.9', 24],
        ['com.example.mail', 'Mail', '2.0', 24],
        ['com.games.poker', null, null, 12],
      ]);
      const os = await h.app.inject({ url: '/api/v1/reports/os-versions?platform=ios', headers: h.auth('auditor') });
      expect(os.json().rows).toEqual([
        ['ios', '18.2', 20],
        ['ios', '17.6.1', 20],
      ]);
      const violations = await h.app.inject({ url: '/api/v1/reports/violations', headers: h.auth('auditor') });
      // The twelve corporate devices with the blocked game (personal devices report no app inventory).
      expect(violations.json().rows).toHaveLength(12);
      expect(violations.json().rows[0][3]).toBe('Blocked apps installed: com.games.poker.');
      const compliance = await h.app.inject({ url: '/api/v1/reports/compliance?complianceState=noncompliant', headers: h.auth('auditor') });
      expect(compliance.json().rows).toHaveLength(12);
      const audit = await h.app.inject({ url: '/api/v1/reports/audit', headers: h.auth('helpdesk') });
      expect(audit.statusCode).toBe(403);
      const unknown = await h.app.inject({ url: '/api/v1/reports/nope', headers: h.auth('admin') });
      expect(unknown.statusCode).toBe(400);
      const outcomes = await h.app.inject({
        url: `/api/v1/reports/command-outcomes?from=${new Date(Date.now() - 3_600_000).toISOString()}`,
        headers: h.auth('admin'),
      });
      expect(outcomes.json().rows).toEqual([]);
    });

    it('the PDF renders with pdftoppm (non-blank) and pdftotext shows the table', async () => {
      const pdf = await h.app.inject({ url: '/api/v1/reports/inventory?format=pdf&platform=ios', headers: h.auth('operator') });
      expect(pdf.statusCode).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      const file = path.join(dir, 'inventory.pdf');
      fs.writeFileSync(file, pdf.rawPayload);
      execFileSync('pdftoppm', ['-png', '-r', '40', '-f', '1', '-l', '1', file, path.join(dir, 'page')]);
      const png = fs.readFileSync(path.join(dir, 'page-1.png'));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      execFileSync('pdftoppm', ['-gray', '-r', '40', '-f', '1', '-l', '1', file, path.join(dir, 'gray')]);
      const ink = inkRatio(fs.readFileSync(path.join(dir, 'gray-1.pgm')));
      expect(ink).toBeGreaterThan(0.01);
      expect(ink).toBeLessThan(0.6);
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      expect(text).toContain('Steward: Device inventory');
      expect(text).toMatch(/Name\s+Platform\s+Channel/);
      const rows = (await h.app.inject({ url: '/api/v1/reports/inventory?platform=ios', headers: h.auth('operator') })).json().rows as string[][];
      for (const row of rows) expect(text).toContain(String(row[7] ?? row[5]));
      expect(text).toContain('Zoë’s Mac – café');
    });

    it('schedules deliver by e-mail (attachment) and to a webhook; writes are audited', async () => {
      const { app, ctx } = h;
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/report-schedules',
        headers: h.auth('operator'),
        payload: {
          name: 'Weekly violations',
          report: 'violations',
          format: 'csv',
          interval: 'weekly',
          destination: { type: 'email', to: ['ciso@example.test'] },
          startAt: '2099-01-01T00:00:00Z',
        },
      });
      expect(created.statusCode).toBe(201);
      expect((await h.auditFor(created.headers['x-request-id'] as string))[0]?.action).toBe('reports.schedules.create');
      expect(await ctx.reportSchedules.runDue()).toBe(0);
      const run = await app.inject({ method: 'POST', url: `/api/v1/report-schedules/${created.json().id}/run`, headers: h.auth('operator') });
      expect(run.json()).toMatchObject({ lastStatus: 'sent', lastError: null });
      expect(smtp.messages).toHaveLength(1);
      const mail = smtp.messages[0]?.data ?? '';
      expect(smtp.messages[0]?.to).toEqual(['ciso@example.test']);
      expect(mail).toContain('Subject: Steward report: Compliance violations (Weekly violations)');
      expect(mail).toMatch(/filename="?steward-violations-\d{4}-\d{2}-\d{2}\.csv/);

      // Due schedules run once: the run moves next_run_at forward before sending.
      await app.inject({
        method: 'PATCH',
        url: `/api/v1/report-schedules/${created.json().id}`,
        headers: h.auth('operator'),
        payload: { startAt: '2020-01-01T00:00:00Z' },
      });
      expect(await ctx.reportSchedules.runDue()).toBe(1);
      expect(await ctx.reportSchedules.runDue()).toBe(0);
      expect(smtp.messages).toHaveLength(2);
      const next = Date.parse((await app.inject({ url: '/api/v1/report-schedules', headers: h.auth('auditor') })).json().items[0].nextRunAt);
      expect(next).toBeGreaterThan(Date.now());
      expect(new Date(next).getUTCHours()).toBe(0);

      const hook = await ctx.webhooks.create({ name: 'Reports', url: 'https://reports.example.test/in', eventTypes: ['report.delivered'], enabled: true });
      const toHook = await app.inject({
        method: 'POST',
        url: '/api/v1/report-schedules',
        headers: h.auth('operator'),
        payload: { name: 'Daily OS', report: 'os-versions', format: 'pdf', interval: 'daily', destination: { type: 'webhook', webhookId: hook.row.id } },
      });
      expect(toHook.statusCode).toBe(201);
      await app.inject({ method: 'POST', url: `/api/v1/report-schedules/${toHook.json().id}/run`, headers: h.auth('operator') });
      const deliveries = await ctx.webhooks.repo.deliveries(hook.row.id, { limit: 10 });
      expect(deliveries).toHaveLength(1);
      const body = JSON.parse(deliveries[0]?.body ?? '{}');
      expect(body.event).toBe('report.delivered');
      expect(Buffer.from(body.data.contentBase64, 'base64').subarray(0, 8).toString()).toBe('%PDF-1.4');
      const denied = await app.inject({ method: 'DELETE', url: `/api/v1/report-schedules/${toHook.json().id}`, headers: h.auth('helpdesk') });
      expect(denied.statusCode).toBe(403);
    });
  });
}
