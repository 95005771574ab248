import type { AmapiStandIn } from './stand-in.js';

/** Binds a running Steward to a new enterprise of the stand-in through Steward's admin API, and creates an enrollment token. */
export async function bindSteward(
  standIn: AmapiStandIn,
  stewardUrl: string,
  apiToken: string,
  options: { ownership?: 'corporate' | 'personal'; groupId?: string } = {},
): Promise<{ enterpriseName: string; tokenValue: string; enrollmentId: string; pushEndpoint: string }> {
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${stewardUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  };
  await api('PUT', '/api/v1/android/credentials', { serviceAccount: standIn.serviceAccount() });
  const topic = `projects/${standIn.projectId}/topics/steward-android`;
  const signup = await api<{ url: string }>('POST', '/api/v1/android/signup-url', { pubsubTopic: topic, displayName: 'Steward demo' });
  const callback = await fetch(standIn.completeSignup(signup.url));
  if (!callback.ok) throw new Error(`sign-up callback failed: ${callback.status} ${await callback.text()}`);
  const enterprise = await api<{ enterpriseName: string; pushEndpoint: string }>('GET', '/api/v1/android/enterprise');
  standIn.subscribe(topic, enterprise.pushEndpoint);
  const token = await api<{ id: string; token: string }>('POST', '/api/v1/android/enrollment-tokens', {
    name: 'Demo devices',
    ownership: options.ownership ?? 'corporate',
    ...(options.groupId ? { groupId: options.groupId } : {}),
  });
  return { enterpriseName: enterprise.enterpriseName, tokenValue: token.token, enrollmentId: token.id, pushEndpoint: enterprise.pushEndpoint };
}
