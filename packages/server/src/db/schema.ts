import type { Generated } from 'kysely';

/*
 * Column conventions, identical on SQLite and PostgreSQL so one code path serves both:
 * - times are integers, milliseconds since the Unix epoch, UTC;
 * - identifiers are UUID strings (time-ordered v7, so they also sort by creation);
 * - booleans are 0/1 integers;
 * - free-form structures are JSON text.
 */

export interface UsersTable {
  id: string;
  email: string;
  display_name: string | null;
  password_hash: string;
  role: string;
  totp_secret_sealed: string | null;
  totp_enabled: number;
  recovery_codes: string | null;
  failed_logins: number;
  locked_until: number | null;
  disabled: number;
  created_at: number;
  updated_at: number;
  last_login_at: number | null;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
  source_ip: string | null;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  role: string;
  token_hash: string;
  prefix: string;
  created_by: string | null;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface AuditEventsTable {
  id: string;
  at: number;
  actor_type: string;
  actor_id: string | null;
  actor_label: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: string;
  status_code: number | null;
  request_id: string | null;
  source_ip: string | null;
  details: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: number;
}

export interface CertificateAuthoritiesTable {
  name: string;
  certificate_pem: string;
  private_key_sealed: string;
  created_at: number;
}

export interface DevicesTable {
  id: string;
  platform: string;
  /** apple | windows | android | agent: which adapter manages the device. */
  channel: Generated<string>;
  ownership: string;
  enrollment_state: string;
  name: string;
  serial_number: string | null;
  udid: string | null;
  hardware_id: string | null;
  imei: string | null;
  model: string | null;
  os_version: string | null;
  os_version_key: string | null;
  assigned_user: string | null;
  compliance_state: string;
  last_seen_at: number | null;
  enrolled_at: number | null;
  inventory: string;
  created_at: number;
  updated_at: number;
}

export interface GroupsTable {
  id: string;
  name: string;
  description: string | null;
  kind: string;
  filter: string | null;
  created_at: number;
  updated_at: number;
}

export interface GroupMembersTable {
  group_id: string;
  device_id: string;
  added_at: number;
}

export interface CommandsTable {
  id: string;
  kind: string;
  type: string;
  platform: string | null;
  payload: string;
  target: string;
  created_by_type: string;
  created_by_id: string | null;
  created_by_label: string | null;
  created_at: number;
  expires_at: number;
  device_count: number;
}

export interface CommandDeliveriesTable {
  seq: Generated<number>;
  command_id: string;
  device_id: string;
  state: string;
  attempts: number;
  sent_at: number | null;
  completed_at: number | null;
  updated_at: number;
  result: string | null;
  error: string | null;
}

export interface JobsTable {
  id: string;
  kind: string;
  payload: string;
  unique_key: string | null;
  state: string;
  run_at: number;
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface EnrollmentsTable {
  id: string;
  name: string;
  platform: string;
  ownership: string;
  group_id: string | null;
  assigned_user: string | null;
  token_hash: string;
  token_sealed: string;
  max_uses: number | null;
  uses: number;
  expires_at: number | null;
  revoked_at: number | null;
  created_by: string | null;
  created_at: number;
}

export interface ScepChallengesTable {
  challenge_hash: string;
  enrollment_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface AppleDevicesTable {
  device_id: string;
  udid: string;
  enrollment_id: string | null;
  enrollment_ref: string | null;
  cert_fingerprint: string;
  cert_not_after: number;
  topic: string;
  push_magic: string | null;
  push_token: string | null;
  push_dead_at: number | null;
  unlock_token_sealed: string | null;
  bootstrap_token_sealed: string | null;
  awaiting_configuration: number;
  authenticated_at: number;
  token_updated_at: number | null;
  last_push_at: number | null;
  declarations_token: string | null;
  ddm_status: string | null;
}

export interface WindowsDevicesTable {
  device_id: string;
  /** The DeviceID Windows reports (enrollment AdditionalContext, SyncML Source). */
  windows_device_id: string;
  hardware_id: string | null;
  upn: string | null;
  enrollment_type: string;
  enrollment_ref: string | null;
  cert_fingerprint: string;
  cert_not_after: number;
  session_id: string | null;
  server_msg_id: number;
  client_msg_id: number;
  /** JSON: what each (MsgID, CmdID) this session sent stands for. */
  session_sent: string;
  /** JSON: commands being carried out, with their step and the statuses and results so far. */
  inflight: string;
  session_at: number | null;
  bitlocker_key_sealed: string | null;
  bitlocker_key_id: string | null;
  bitlocker_escrowed_at: number | null;
  enrolled_at: number;
}

export interface AgentDevicesTable {
  device_id: string;
  enrollment_ref: string | null;
  cert_fingerprint: string;
  cert_not_after: number;
  agent_version: string | null;
  os_family: string;
  /** JSON: inventory section name → hash of what the agent last reported. */
  inventory_hashes: string;
  enrolled_at: number;
  last_checkin_at: number | null;
}

export interface AppleCommandsTable {
  device_id: string;
  command_uuid: string;
  command_id: string;
  step: number;
  steps: number;
  request_type: string;
  body: Buffer;
  status: string | null;
  created_at: number;
}

export interface AppleUserChannelsTable {
  device_id: string;
  user_id: string;
  user_short_name: string | null;
  user_long_name: string | null;
  push_magic: string | null;
  push_token: string | null;
  updated_at: number;
}

export interface ApnsCertificatesTable {
  topic: string;
  certificate_pem: string;
  private_key_sealed: string;
  not_after: number;
  uploaded_by: string | null;
  uploaded_at: number;
}

export interface DeclarationsTable {
  id: string;
  identifier: string;
  type: string;
  payload: string;
  server_token: string;
  created_at: number;
  updated_at: number;
}

export interface DeclarationAssignmentsTable {
  declaration_id: string;
  group_id: string;
}

/** pending → installing → installed | failed (with the device's reason); removing → removed. */
export const CONFIGURATION_STATES = ['pending', 'installing', 'installed', 'failed', 'removing', 'removed'] as const;

export interface ConfigurationStatesTable {
  device_id: string;
  /** `policy.<id>`, `profile.<id>`, `app.<id>` or `os_update.<id>`: the same key the configuration intents carry. */
  key: string;
  item_type: string;
  item_id: string;
  name: string;
  desired_version: string | null;
  installed_version: string | null;
  state: string;
  reason: string | null;
  command_id: string | null;
  attempts: number;
  updated_at: number;
  /** JSON: what removing the item needs once its source is gone (Apple: `{ identifier }`); set by the reconciler. */
  removal: string | null;
}

export interface PoliciesTable {
  id: string;
  name: string;
  description: string | null;
  /** JSON `PolicySettings`. */
  settings: string;
  /** Lower wins for settings that aren't security settings (ties: the older policy). */
  priority: number;
  created_at: number;
  updated_at: number;
}

export interface ProfilesTable {
  id: string;
  name: string;
  channel: string;
  /** The profile's own identifier where the platform has one (Apple: the top-level PayloadIdentifier). */
  identifier: string | null;
  content: string;
  /** 1 when the channel's translator checked it. */
  validated: number;
  created_at: number;
  updated_at: number;
}

export interface AppsTable {
  id: string;
  name: string;
  platform: string;
  /** store | package */
  kind: string;
  identifier: string;
  version: string | null;
  file_name: string | null;
  sha256: string | null;
  size: number | null;
  created_at: number;
  updated_at: number;
}

export interface AppPackagesTable {
  app_id: string;
  content: Buffer;
}

export interface OsUpdateTargetsTable {
  id: string;
  group_id: string;
  platform: string;
  minimum_version: string;
  deadline: number | null;
  created_at: number;
  updated_at: number;
}

export interface AssignmentsTable {
  /** policy | profile | app */
  item_type: string;
  item_id: string;
  group_id: string;
  /** Apps: required | available | blocked. */
  install: string | null;
  /** Apps: JSON managed configuration. */
  configuration: string | null;
  created_at: number;
}

export interface ReconcileDirtyTable {
  device_id: string;
  marked_at: number;
}

/** The Android Management API enterprise this deployment is bound to (one row, id `default`). */
export interface AndroidEnterprisesTable {
  id: string;
  credentials_sealed: string | null;
  client_email: string | null;
  project_id: string | null;
  /** `enterprises/{id}` once bound. */
  enterprise_name: string | null;
  display_name: string | null;
  pubsub_topic: string | null;
  /** JSON array of AMAPI notification types. */
  notification_types: string;
  /** The secret in the Pub/Sub push endpoint's URL. */
  push_secret_sealed: string;
  signup_url_name: string | null;
  signup_state_hash: string | null;
  bound_at: number | null;
  updated_at: number;
}

export interface AndroidDevicesTable {
  device_id: string;
  /** `enterprises/{e}/devices/{d}`. */
  amapi_name: string;
  enterprise_name: string;
  enrollment_id: string | null;
  management_mode: string | null;
  /** The policy Steward pointed the device at. */
  policy_name: string | null;
  applied_policy_name: string | null;
  applied_policy_version: string | null;
  last_status_report_at: number | null;
  state: string | null;
  updated_at: number;
}

/** Policies Steward wrote, content-addressed: one per distinct effective set. */
export interface AndroidPoliciesTable {
  name: string;
  content_hash: string;
  body: string;
  /** The version AMAPI returned for the last patch. */
  version: string | null;
  /** JSON `[{ key, version }]`: the configurations this policy carries. */
  configurations: string;
  updated_at: number;
}

export interface AndroidDeviceConfigurationsTable {
  device_id: string;
  key: string;
  version: string;
  source: string;
  payload: string;
  updated_at: number;
}

export interface AndroidEnrollmentTokensTable {
  enrollment_id: string;
  token_name: string;
  value_sealed: string;
  qr_code: string;
  mode: string;
  one_time: number;
  expires_at: number;
  created_at: number;
}

export interface AndroidPendingTable {
  device_id: string;
  command_id: string;
  /** `operation` (a long-running command) or `policy` (waiting for a status report). */
  kind: string;
  operation_name: string | null;
  policy_name: string | null;
  policy_version: string | null;
  created_at: number;
}

export interface AndroidPubsubMessagesTable {
  message_id: string;
  notification_type: string | null;
  outcome: string;
  received_at: number;
}

export interface EventsTable {
  id: string;
  type: string;
  payload: string;
  occurred_at: number;
  dispatched_at: number | null;
}

export interface WebhooksTable {
  id: string;
  name: string;
  url: string;
  secret_sealed: string;
  /** JSON array of event types; `["*"]` for all. */
  event_types: string;
  enabled: number;
  created_at: number;
  updated_at: number;
}

/** queued → delivering → succeeded | retrying → … | failed (attempts exhausted). */
export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  /** The exact JSON body sent, so every attempt (and its signature) covers the same bytes. */
  body: string;
  state: string;
  attempts: number;
  next_attempt_at: number | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface WebhookAttemptsTable {
  delivery_id: string;
  attempt: number;
  at: number;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
}

export interface ComplianceRulesTable {
  id: string;
  name: string;
  type: string;
  params: string;
  enabled: number;
  grace_seconds: number;
  /** JSON: { notify, email[], lock, retire }. */
  actions: string;
  created_at: number;
  updated_at: number;
}

export interface ComplianceRuleGroupsTable {
  rule_id: string;
  group_id: string;
}

export interface ComplianceStatusTable {
  device_id: string;
  state: string;
  /** JSON array of { ruleId, rule, outcome, message }. */
  reasons: string;
  evaluated_at: number;
  changed_at: number;
}

export interface ComplianceHistoryTable {
  id: string;
  device_id: string;
  at: number;
  state: string;
  previous_state: string | null;
  reasons: string;
}

export interface ComplianceViolationsTable {
  device_id: string;
  rule_id: string;
  since: number;
  /** When the grace period ends and the rule's actions fire. */
  due_at: number;
  /** Null until the actions fired; then a JSON array of what fired. */
  fired: string | null;
}

export interface ComplianceDirtyTable {
  device_id: string;
  marked_at: number;
}

export interface ComplianceSnapshotsTable {
  /** YYYY-MM-DD, UTC. */
  day: string;
  compliant: number;
  noncompliant: number;
  unknown: number;
  total: number;
  taken_at: number;
}

export interface ReportSchedulesTable {
  id: string;
  name: string;
  report: string;
  params: string;
  format: string;
  interval: string;
  destination_type: string;
  destination: string;
  enabled: number;
  next_run_at: number;
  last_run_at: number | null;
  last_status: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

/** A person's named device-list view; `query` is the list's search parameters as a JSON object of strings. */
export interface SavedViewsTable {
  id: string;
  /** `user` or `token`: whose view it is (API tokens may keep views too). */
  owner_type: string;
  owner_id: string;
  name: string;
  query: string;
  created_at: number;
  updated_at: number;
}

export interface DB {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  audit_events: AuditEventsTable;
  settings: SettingsTable;
  certificate_authorities: CertificateAuthoritiesTable;
  devices: DevicesTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  commands: CommandsTable;
  command_deliveries: CommandDeliveriesTable;
  jobs: JobsTable;
  enrollments: EnrollmentsTable;
  scep_challenges: ScepChallengesTable;
  apple_devices: AppleDevicesTable;
  windows_devices: WindowsDevicesTable;
  apple_user_channels: AppleUserChannelsTable;
  apple_commands: AppleCommandsTable;
  apns_certificates: ApnsCertificatesTable;
  declarations: DeclarationsTable;
  declaration_assignments: DeclarationAssignmentsTable;
  configuration_states: ConfigurationStatesTable;
  android_enterprises: AndroidEnterprisesTable;
  android_devices: AndroidDevicesTable;
  android_policies: AndroidPoliciesTable;
  android_device_configurations: AndroidDeviceConfigurationsTable;
  android_enrollment_tokens: AndroidEnrollmentTokensTable;
  android_pending: AndroidPendingTable;
  android_pubsub_messages: AndroidPubsubMessagesTable;
  events: EventsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  compliance_rules: ComplianceRulesTable;
  compliance_rule_groups: ComplianceRuleGroupsTable;
  compliance_status: ComplianceStatusTable;
  compliance_history: ComplianceHistoryTable;
  compliance_violations: ComplianceViolationsTable;
  compliance_dirty: ComplianceDirtyTable;
  compliance_snapshots: ComplianceSnapshotsTable;
  report_schedules: ReportSchedulesTable;
  agent_devices: AgentDevicesTable;
  policies: PoliciesTable;
  profiles: ProfilesTable;
  apps: AppsTable;
  app_packages: AppPackagesTable;
  os_update_targets: OsUpdateTargetsTable;
  assignments: AssignmentsTable;
  reconcile_dirty: ReconcileDirtyTable;
  saved_views: SavedViewsTable;
}
