import type { Config } from './config/config.js';
import { AuditRepository } from './core/audit/audit-repository.js';
import { AuthService } from './core/auth/auth-service.js';
import { CommandQueue } from './core/commands/command-queue.js';
import { ComplianceRepository } from './core/compliance/compliance-repository.js';
import { ComplianceService } from './core/compliance/compliance-service.js';
import { DeviceRepository } from './core/devices/device-repository.js';
import { EventPublisher } from './core/events/event-publisher.js';
import { Mailer } from './core/mail/mailer.js';
import { ReportScheduler } from './core/reports/report-scheduler.js';
import { ReportService } from './core/reports/report-service.js';
import { DEFAULT_WEBHOOK_OPTIONS, WebhookService } from './core/webhooks/webhook-service.js';
import { WebhookRepository } from './core/webhooks/webhook-repository.js';
import { EnrollmentRepository } from './core/enrollment/enrollment-repository.js';
import { GroupRepository } from './core/groups/group-repository.js';
import { JobQueue } from './core/jobs/job-queue.js';
import { PolicyRepository } from './core/policies/policy-repository.js';
import { type Notifier, createNotifier } from './core/notify/notifier.js';
import { SettingsRepository } from './core/settings/settings-repository.js';
import { SetupService } from './core/users/setup-service.js';
import { UserRepository } from './core/users/user-repository.js';
import { type Database, migrate, openDatabase } from './db/database.js';
import { CertificateAuthority } from './pki/certificate-authority.js';
import { SecretBox } from './pki/secret-box.js';

/** Everything a Steward process works with, built once from the configuration. */
export interface Context {
  readonly config: Config;
  readonly database: Database;
  readonly box: SecretBox;
  readonly ca: CertificateAuthority;
  readonly users: UserRepository;
  readonly auth: AuthService;
  readonly setup: SetupService;
  readonly settings: SettingsRepository;
  readonly audit: AuditRepository;
  readonly devices: DeviceRepository;
  readonly groups: GroupRepository;
  readonly commands: CommandQueue;
  readonly jobs: JobQueue;
  readonly enrollments: EnrollmentRepository;
  /**
   * Domain events through the outbox; webhooks deliver them. The reconciler reports a configuration
   * that failed with `ctx.events.publish('policy.failed', { deviceId, key, itemId, name, reason }, trx)`.
   */
  readonly events: EventPublisher;
  readonly webhooks: WebhookService;
  /** Compliance evaluation; `compliance.markDirty(ids)` after changing devices' configuration states. */
  readonly compliance: ComplianceService;
  readonly reports: ReportService;
  readonly reportSchedules: ReportScheduler;
  readonly mailer: Mailer;
  readonly policies: PolicyRepository;
  /** Cross-node wake-ups (PostgreSQL LISTEN/NOTIFY; in-process on SQLite). See core/notify/notifier.ts. */
  readonly notifier: Notifier;
  close(): Promise<void>;
}

/**
 * Opens the database, applies migrations, and loads (or creates) the secret key and the CA.
 *
 * @example
 * const ctx = await createContext(loadConfig({ dataDir: '/tmp/steward', noTls: true }));
 */
export async function createContext(
  config: Config,
  options: { migrate?: boolean; onNotifyError?: (error: unknown, what: string) => void } = {},
): Promise<Context> {
  const database = await openDatabase(config.databaseUrl);
  let notifier: Notifier | undefined;
  try {
    if (options.migrate !== false) await migrate(database);
    const { db, dialect } = database;
    const box = SecretBox.loadOrCreate(config.dataDir, config.secretKey);
    const ca = await CertificateAuthority.loadOrCreate(db, box);
    const users = new UserRepository(db);
    const settings = new SettingsRepository(db);
    const auth = new AuthService(db, users, box, {
      sessionTtlSeconds: config.sessionTtlSeconds,
      maxFailedLogins: config.maxFailedLogins,
      lockoutSeconds: config.lockoutSeconds,
      issuer: 'Steward',
    });
    notifier = await createNotifier(database, { onError: options.onNotifyError });
    const live = notifier;
    const events = new EventPublisher(db);
    const complianceRepo = new ComplianceRepository(db, dialect);
    const devices = new DeviceRepository(db, dialect, { events, changed: complianceRepo });
    const commands = new CommandQueue(db, dialect, events);
    const jobs = new JobQueue(db, dialect, live);
    const audit = new AuditRepository(db);
    const mailer = new Mailer(config.smtpUrl, config.mailFrom);
    const webhooks = new WebhookService(db, new WebhookRepository(db), box, jobs, events, { ...DEFAULT_WEBHOOK_OPTIONS, allowHttp: config.webhooksAllowHttp });
    const compliance = new ComplianceService({
      db,
      repo: complianceRepo,
      events,
      audit,
      commands,
      devices,
      mailer,
      commandTtlSeconds: config.commandTtlSeconds,
    });
    const reports = new ReportService(db, dialect, complianceRepo);
    return Object.freeze({
      config,
      database,
      box,
      ca,
      users,
      auth,
      settings,
      setup: new SetupService(db, users, settings, auth),
      audit,
      devices,
      groups: new GroupRepository(db, dialect, complianceRepo),
      commands,
      jobs,
      enrollments: new EnrollmentRepository(db, box),
      policies: new PolicyRepository(db, dialect),
      events,
      webhooks,
      compliance,
      reports,
      reportSchedules: new ReportScheduler(db, reports, mailer, webhooks),
      mailer,
      notifier: live,
      close: async () => {
        mailer.close();
        await live.close();
        await database.close();
      },
    });
  } catch (error) {
    await notifier?.close();
    await database.close();
    throw error;
  }
}
