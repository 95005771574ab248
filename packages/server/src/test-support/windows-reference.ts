import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The repository root (tests read the reference material beside it, as `../shared/reference`). */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..');
export const CSP_TSV = path.join(REPO_ROOT, '../shared/reference/windows-csp-nodes.tsv');

/** The Windows CSP reference table itself: path → verbs. */
export function referenceNodes(): Map<string, Set<string>> {
  const nodes = new Map<string, Set<string>>();
  for (const line of fs.readFileSync(CSP_TSV, 'utf8').split('\n')) {
    if (!line || line.startsWith('#') || line.startsWith('path\t')) continue;
    const [p, verbs] = line.split('\t');
    if (p && verbs) nodes.set(p, new Set(verbs.split(',')));
  }
  return nodes;
}

/** A throwaway self-signed CA certificate (PEM), made with openssl. */
export function createTestCa(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-test-ca-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=Test Root',
        '-days',
        '30',
        '-keyout',
        path.join(dir, 'k.pem'),
        '-out',
        path.join(dir, 'c.pem'),
      ],
      {
        stdio: 'pipe',
      },
    );
    return fs.readFileSync(path.join(dir, 'c.pem'), 'utf8');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
