import { describe, expect, it } from 'vitest';
import { check, loadSchemas } from './amapi-schema.js';

describe('schemas derived from the androidmanagement v1 client', () => {
  const schemas = loadSchemas();

  it('knows the resources Steward sends, field by field', () => {
    expect(schemas.size).toBeGreaterThan(100);
    expect(schemas.get('Policy')?.get('applications')).toEqual({ kind: 'array', of: { kind: 'ref', name: 'ApplicationPolicy' } });
    expect(schemas.get('ApplicationPolicy')?.get('managedConfiguration')).toEqual({ kind: 'any' });
    expect(schemas.get('EnrollmentToken')?.get('oneTimeOnly')).toEqual({ kind: 'boolean' });
  });

  it('accepts a conforming body and names every problem of a wrong one', () => {
    expect(
      check(schemas, 'Policy', {
        cameraAccess: 'CAMERA_ACCESS_DISABLED',
        applications: [{ packageName: 'a.b', installType: 'FORCE_INSTALLED' }],
        minimumApiLevel: 33,
      }),
    ).toEqual([]);
    expect(check(schemas, 'Policy', { cameraDisabled: 'yes', applications: [{ packageName: 1, installType: 'MANDATORY' }], passwordPolicies: {} })).toEqual([
      'Policy.cameraDisabled: must be a boolean',
      'Policy.applications[0].packageName: must be a string',
      expect.stringMatching(/^Policy\.applications\[0\]\.installType: "MANDATORY" is not one of/),
      'Policy.passwordPolicies: must be an array',
    ]);
    expect(check(schemas, 'Command', { type: 'LOCK', lockScreen: true })).toEqual(['Command.lockScreen: unknown field of Command']);
    expect(check(schemas, 'Command', { type: 'START_LOST_MODE', startLostModeParams: { lostMessage: { defaultMessage: 'x' } } })).toEqual([]);
  });
});
