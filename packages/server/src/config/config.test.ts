import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, withEnvironment } from './config.js';

describe('configuration', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      listenHost: '0.0.0.0',
      listenPort: 8443,
      publicUrl: 'https://localhost:8443',
      tls: { mode: 'self-issued' },
      roles: ['api', 'devices', 'worker'],
    });
    expect(config.dataDir).toMatch(/steward-data$/);
    expect(config.databaseUrl).toBe(`sqlite:${config.dataDir}/steward.db`);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('takes every flag from its STEWARD_* twin, flags first', () => {
    const env = {
      STEWARD_LISTEN: '127.0.0.1:9000',
      STEWARD_PUBLIC_URL: 'https://mdm.example.com/',
      STEWARD_DATABASE_URL: 'postgres://db/steward',
      STEWARD_NO_TLS: 'true',
      STEWARD_SECRET_KEY: 'ab'.repeat(32),
      STEWARD_ROLE: 'api,worker',
    };
    const config = loadConfig(withEnvironment({ listen: '[::1]:9443' }, env));
    expect(config).toMatchObject({
      listenHost: '::1',
      listenPort: 9443,
      publicUrl: 'https://mdm.example.com',
      databaseUrl: 'postgres://db/steward',
      tls: { mode: 'off' },
      roles: ['api', 'worker'],
    });
    expect(config.secretKey?.length).toBe(32);
  });

  it('refuses nonsense with a message naming the option', () => {
    expect(() => loadConfig({ listen: 'localhost' })).toThrow(/--listen/);
    expect(() => loadConfig({ listen: '0.0.0.0:99999' })).toThrow(ConfigError);
    expect(() => loadConfig({ publicUrl: 'ftp://x' })).toThrow(/--public-url/);
    expect(() => loadConfig({ databaseUrl: 'mysql://x' })).toThrow(/--database-url/);
    expect(() => loadConfig({ tlsCert: 'a.pem' })).toThrow(/go together/);
    expect(() => loadConfig({ secretKey: 'short' })).toThrow(/32 bytes/);
    expect(() => loadConfig({ role: 'api,cron' })).toThrow(/unknown role/);
    expect(() => loadConfig({ noTls: 'maybe' })).toThrow(/boolean/);
    expect(() => loadConfig({ androidApiUrl: 'ftp://x' })).toThrow(/--android-api-url/);
  });

  it('points the Android Management API at Google unless told otherwise', () => {
    expect(loadConfig({}).android.apiUrl).toBe('https://androidmanagement.googleapis.com/');
    expect(loadConfig(withEnvironment({}, { STEWARD_ANDROID_API_URL: 'http://127.0.0.1:8470//' })).android.apiUrl).toBe('http://127.0.0.1:8470/');
  });

  it('mail and webhook settings: https-only webhooks and no SMTP by default', () => {
    expect(loadConfig({})).toMatchObject({ webhooksAllowHttp: false, smtpUrl: undefined, mailFrom: 'steward@localhost' });
    const env = { STEWARD_WEBHOOKS_ALLOW_HTTP: 'true', STEWARD_SMTP_URL: 'smtp://mail.example.com:587', STEWARD_MAIL_FROM: 'Steward <mdm@example.com>' };
    expect(loadConfig(withEnvironment({}, env))).toMatchObject({
      webhooksAllowHttp: true,
      smtpUrl: 'smtp://mail.example.com:587',
      mailFrom: 'Steward <mdm@example.com>',
    });
    expect(() => loadConfig({ smtpUrl: 'mail.example.com' })).toThrow(/--smtp-url/);
    expect(() => loadConfig({ mailFrom: 'not an address' })).toThrow(/--mail-from/);
  });
});
