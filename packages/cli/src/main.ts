import { Command, Option } from 'commander';
import {
  type ConfigInput,
  ENV_NAMES,
  ROLES,
  type RoleName,
  createContext,
  isRole,
  loadConfig,
  migrate,
  openDatabase,
  seedDemo,
  startServer,
  withEnvironment,
} from '@steward/server';
import { backup, restore } from './backup.js';

/** Options shared by every command that opens the data dir or the database. */
function storageOptions(command: Command): Command {
  return command
    .addOption(new Option('--data-dir <dir>', 'where Steward keeps its files').env(ENV_NAMES.dataDir))
    .addOption(new Option('--database-url <url>', 'sqlite:<file> or postgres://… (default: SQLite in the data dir)').env(ENV_NAMES.databaseUrl))
    .addOption(
      new Option('--secret-key <key>', '32-byte key sealing secrets at rest, hex or base64 (default: <data-dir>/secret.key)').env(ENV_NAMES.secretKey),
    );
}

/** Configuration for the offline commands: only the storage options matter there. */
function configFrom(options: Pick<ConfigInput, 'dataDir' | 'databaseUrl' | 'secretKey'>) {
  const { dataDir, databaseUrl, secretKey } = options;
  return loadConfig(withEnvironment({ dataDir, databaseUrl, secretKey, noTls: true, role: 'all' }));
}

function role(value: string): RoleName {
  if (!isRole(value)) throw new Error(`unknown role "${value}" (one of ${ROLES.join(', ')})`);
  return value;
}

export function program(): Command {
  const cli = new Command('steward').description('Steward: Mobile Device Management for every platform').showHelpAfterError();

  storageOptions(
    cli
      .command('serve')
      .description('run the Steward server')
      .addOption(new Option('--listen <host:port>', 'address to listen on').default('0.0.0.0:8443').env(ENV_NAMES.listen))
      .addOption(new Option('--public-url <url>', 'the URL devices and browsers are told to use').env(ENV_NAMES.publicUrl))
      .addOption(new Option('--no-tls', 'serve plain HTTP (behind a TLS-terminating proxy)').env(ENV_NAMES.noTls))
      .addOption(new Option('--tls-cert <file>', 'TLS certificate chain, PEM (default: issued by Steward’s CA)').env(ENV_NAMES.tlsCert))
      .addOption(new Option('--tls-key <file>', 'TLS private key, PEM').env(ENV_NAMES.tlsKey))
      .addOption(new Option('--role <roles>', 'what this process runs: all, or a comma list of api, devices, worker').env(ENV_NAMES.role))
      .addOption(new Option('--trust-proxy <value>', 'proxies whose X-Forwarded-* headers are believed (true, or addresses/CIDRs)').env(ENV_NAMES.trustProxy))
      .addOption(new Option('--log-level <level>', 'trace, debug, info, warn, error').env(ENV_NAMES.logLevel))
      .addOption(new Option('--apns-url <url>', 'APNs endpoint: https://api.push.apple.com (default), the sandbox, or a stand-in').env(ENV_NAMES.apnsUrl))
      .addOption(new Option('--apns-ca-file <file>', 'extra CA (PEM) trusted for the APNs endpoint').env(ENV_NAMES.apnsCaFile))
      .addOption(new Option('--identity-lifetime-days <days>', 'lifetime of device identity certificates (default 365)').env(ENV_NAMES.identityLifetimeDays))
      .addOption(
        new Option('--client-cert-header <name>', 'header in which a trusted TLS proxy forwards client certificates (RFC 9440)').env(
          ENV_NAMES.clientCertHeader,
        ),
      )
      .addOption(new Option('--scep-legacy-algorithms', 'accept SCEP clients limited to DES and SHA-1').env(ENV_NAMES.scepLegacyAlgorithms))
      .addOption(
        new Option('--android-api-url <url>', 'Android Management API root URL (default https://androidmanagement.googleapis.com/, or a stand-in)').env(
          ENV_NAMES.androidApiUrl,
        ),
      )
      .addOption(new Option('--webhooks-allow-http', 'accept http:// webhook URLs (default: https only)').env(ENV_NAMES.webhooksAllowHttp))
      .addOption(
        new Option('--smtp-url <url>', 'SMTP server for compliance e-mail and scheduled reports (smtp://user:pass@host:587, smtps://…)').env(ENV_NAMES.smtpUrl),
      )
      .addOption(new Option('--mail-from <address>', 'sender address of Steward’s e-mail (default steward@<public host>)').env(ENV_NAMES.mailFrom)),
  ).action(async (options: ConfigInput & { tls?: boolean }) => {
    const config = loadConfig(withEnvironment({ ...options, noTls: options.tls === false ? true : undefined }));
    const server = await startServer(config);
    process.stdout.write(`Steward is listening on ${server.url} (public URL ${config.publicUrl}, data in ${config.dataDir})\n`);
    if (server.setupUrl) process.stdout.write(`\nNo admin exists yet. Open this one-time link to create the first one:\n  ${server.setupUrl}\n\n`);
    const stop = () => {
      server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

  storageOptions(cli.command('migrate').description('apply pending database migrations and exit')).action(async (options: ConfigInput) => {
    const config = configFrom(options);
    const database = await openDatabase(config.databaseUrl);
    try {
      const applied = await migrate(database);
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
    } finally {
      await database.close();
    }
  });

  storageOptions(
    cli
      .command('backup')
      .description('copy a consistent snapshot of the SQLite database, the secret key and TLS files (safe while serving)')
      .requiredOption('--out <dir>', 'an empty or new directory'),
  ).action(async (options: ConfigInput & { out: string }) => {
    const manifest = await backup(configFrom(options), options.out);
    process.stdout.write(`backed up ${manifest.files.join(', ')} to ${options.out}\n`);
  });

  storageOptions(
    cli
      .command('restore')
      .description('restore a backup made by steward backup into the data dir (stop the server first)')
      .requiredOption('--from <dir>', 'the backup directory')
      .option('--force', 'replace an existing database'),
  ).action(async (options: ConfigInput & { from: string; force?: boolean }) => {
    const manifest = await restore(configFrom(options), options.from, { force: options.force === true });
    process.stdout.write(`restored ${manifest.files.join(', ')} (backup of ${manifest.createdAt})\n`);
  });

  const admin = cli.command('admin').description('manage admin users');
  storageOptions(
    admin
      .command('create')
      .description('create a user who can sign in to the console and API')
      .requiredOption('--email <email>', 'sign-in e-mail')
      .requiredOption('--password <password>', 'at least 12 characters')
      .addOption(new Option('--role <role>', 'admin, operator, helpdesk or auditor').default('admin').argParser(role)),
  ).action(async (options: ConfigInput & { email: string; password: string; role: RoleName }) => {
    if (options.password.length < 12) throw new Error('the password must be at least 12 characters');
    if (!/^[^\s@]+@[^\s@]+$/.test(options.email)) throw new Error('that is not an e-mail address');
    const ctx = await createContext(configFrom(options));
    try {
      const user = await ctx.auth.createUser({ email: options.email, password: options.password, role: options.role });
      await ctx.audit.append({
        actorType: 'system',
        actorLabel: 'cli',
        action: 'users.create',
        targetType: 'user',
        targetId: user.id,
        outcome: 'success',
        details: { email: user.email, role: user.role },
      });
      process.stdout.write(`created ${user.role} ${user.email} (${user.id})\n`);
    } finally {
      await ctx.close();
    }
  });

  const token = cli.command('token').description('manage API tokens');
  storageOptions(
    token
      .command('create')
      .description('create an API token; the secret is printed once, alone on the last line')
      .requiredOption('--name <name>', 'what the token is for')
      .addOption(new Option('--role <role>', 'admin, operator, helpdesk or auditor').default('admin').argParser(role)),
  ).action(async (options: ConfigInput & { name: string; role: RoleName }) => {
    const ctx = await createContext(configFrom(options));
    try {
      const { row, secret } = await ctx.auth.createToken({ name: options.name, role: options.role, createdBy: null });
      await ctx.audit.append({
        actorType: 'system',
        actorLabel: 'cli',
        action: 'tokens.create',
        targetType: 'token',
        targetId: row.id,
        outcome: 'success',
        details: { name: row.name, role: row.role },
      });
      process.stdout.write(`created ${row.role} token "${row.name}" (${row.id}); keep the secret, it is not shown again:\n${secret}\n`);
    } finally {
      await ctx.close();
    }
  });

  storageOptions(
    cli
      .command('demo')
      .description('seed demo data: groups (executives, developers, field workers), a security policy for each, apps and an OS target; idempotent')
      .addOption(
        new Option('--devices <n>', 'also create this many simulated devices (records only), spread over the groups').default(0).argParser((value) => {
          const n = Number(value);
          if (!Number.isInteger(n) || n < 0 || n > 100_000) throw new Error('--devices takes a whole number from 0 to 100000');
          return n;
        }),
      ),
  ).action(async (options: ConfigInput & { devices: number }) => {
    const ctx = await createContext(configFrom(options));
    try {
      const result = await seedDemo(ctx, { devices: options.devices });
      await ctx.audit.append({ actorType: 'system', actorLabel: 'cli', action: 'demo.seed', outcome: 'success', details: result });
      process.stdout.write(
        `demo ready: groups ${Object.keys(result.groups).length}, policies ${Object.keys(result.policies).join(', ')}, apps ${result.apps}, devices ${result.devices}\n` +
          'the reconciler sends the policies to enrolled devices when `steward serve` runs\n',
      );
    } finally {
      await ctx.close();
    }
  });

  return cli;
}

export async function main(argv: string[]): Promise<void> {
  await program().parseAsync(argv);
}
