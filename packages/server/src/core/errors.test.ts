import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS } from './errors.js';

describe('error catalogue', () => {
  it('is documented code by code in docs/errors.md', () => {
    const doc = fs.readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
    for (const [code, { status }] of Object.entries(ERRORS)) {
      expect(doc, code).toMatch(new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${status}\\s*\\|`));
    }
  });

  it('uses client-error statuses for everything but internal and unavailable', () => {
    for (const [code, { status }] of Object.entries(ERRORS)) {
      if (code === 'internal' || code === 'service_unavailable') expect(status).toBeGreaterThanOrEqual(500);
      else expect(status, code).toBeLessThan(500);
    }
  });
});
