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
  apple_user_channels: AppleUserChannelsTable;
  apple_commands: AppleCommandsTable;
  apns_certificates: ApnsCertificatesTable;
  declarations: DeclarationsTable;
  declaration_assignments: DeclarationAssignmentsTable;
  configuration_states: ConfigurationStatesTable;
  saved_views: SavedViewsTable;
}
