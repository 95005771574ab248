import type { paths } from './schema';

/** The JSON a route answers with on success. */
type Ok<P extends keyof paths, M extends 'get' | 'post' | 'patch' | 'delete'> = paths[P][M] extends {
  responses: infer R;
}
  ? R extends { 200: { content: { 'application/json': infer B } } }
    ? B
    : R extends { 201: { content: { 'application/json': infer B } } }
      ? B
      : never
  : never;

export type Me = Ok<'/api/v1/auth/me', 'get'>;
export type DevicePage = Ok<'/api/v1/devices', 'get'>;
export type Device = DevicePage['items'][number];
export type Platform = Device['platform'];
export type Group = Ok<'/api/v1/groups', 'get'>['items'][number];
export type Command = Ok<'/api/v1/commands', 'get'>['items'][number];
export type AuditEvent = Ok<'/api/v1/audit-events', 'get'>['items'][number];
export type User = Ok<'/api/v1/users', 'get'>['items'][number];
export type ApiToken = Ok<'/api/v1/tokens', 'get'>['items'][number];
export type Role = User['role'];
export type DeviceFilter = NonNullable<paths['/api/v1/groups/preview']['post']['requestBody']>['content']['application/json']['filter'];
export type DeviceDetail = Ok<'/api/v1/devices/{id}', 'get'>;
export type DeviceCommand = Ok<'/api/v1/devices/{id}/commands', 'get'>['items'][number];
export type Enrollment = Ok<'/api/v1/enrollments', 'get'>['items'][number];
export type EnrollmentChannel = Enrollment['platform'];
export type Ownership = Device['ownership'];
export type PushCertificate = Ok<'/api/v1/apple/push-certificates', 'get'>['items'][number];
export type CommandRequest = NonNullable<paths['/api/v1/commands']['post']['requestBody']>['content']['application/json'];
export type Policy = Ok<'/api/v1/policies', 'get'>['items'][number];
export type PolicyPreview = Ok<'/api/v1/policies/{id}/preview', 'get'>;
export type EffectivePolicy = Ok<'/api/v1/devices/{id}/effective-policy', 'get'>;
export type Profile = Ok<'/api/v1/profiles', 'get'>['items'][number];
export type ComplianceRule = Ok<'/api/v1/compliance/rules', 'get'>['items'][number];
export type DeviceCompliance = Ok<'/api/v1/devices/{id}/compliance', 'get'>;
export type Channel = 'apple' | 'windows' | 'android' | 'agent';
