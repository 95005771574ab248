import type { Platform } from '../api/types';
import { isPlatform } from './vocabulary';

/** The sort keys the devices API accepts for the columns the list shows. */
const SORT_KEYS = ['name', 'platform', 'osVersion', 'lastSeenAt', 'enrolledAt', 'complianceState'];
export const DEVICE_SORTS = SORT_KEYS.flatMap((key) => [key, `-${key}`]);
export const COMPLIANCE_OPTIONS = [
  { value: 'compliant', label: 'Compliant' },
  { value: 'noncompliant', label: 'Not compliant' },
  { value: 'unknown', label: 'Unknown' },
];

/**
 * The devices page's state lives in the URL, so that a view can be bookmarked, shared, saved and gone
 * back to, and so that the dashboard can link into it. Filter fields carry the API's own names and forms.
 */
export interface DeviceSearch {
  q?: string | undefined;
  platform?: Platform | undefined;
  complianceState?: string | undefined;
  enrollmentState?: string | undefined;
  osVersion?: string | undefined;
  deliveryState?: string | undefined;
  lastSeenBefore?: string | undefined;
  sort?: string | undefined;
  page?: number | undefined;
  size?: number | undefined;
}

/** Filters beyond search and platform, shown as removable chips; labelled for people. */
export const EXTRA_FILTERS = ['complianceState', 'enrollmentState', 'osVersion', 'deliveryState', 'lastSeenBefore'] as const;

const text = (value: unknown, max = 200): string | undefined => (typeof value === 'string' && value.length > 0 ? value.slice(0, max) : undefined);
const pattern = (value: unknown, re: RegExp): string | undefined => (typeof value === 'string' && re.test(value) ? value : undefined);
const positive = (value: unknown): number | undefined => {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

export function validateDeviceSearch(search: Record<string, unknown>): DeviceSearch {
  return {
    q: text(search.q),
    platform: isPlatform(search.platform) ? search.platform : undefined,
    complianceState: pattern(search.complianceState, /^(compliant|noncompliant|unknown)(,(compliant|noncompliant|unknown))*$/),
    enrollmentState: pattern(search.enrollmentState, /^(pending|enrolled|unenrolled|retired)(,(pending|enrolled|unenrolled|retired))*$/),
    osVersion: pattern(search.osVersion, /^[0-9A-Za-z.()-]{1,32}$/),
    deliveryState: pattern(search.deliveryState, /^[a-z_]+(,[a-z_]+)*$/),
    lastSeenBefore: pattern(search.lastSeenBefore, /^\d{4}-\d{2}-\d{2}T[0-9:.]+Z$/),
    sort: typeof search.sort === 'string' && DEVICE_SORTS.includes(search.sort) ? search.sort : undefined,
    page: positive(search.page),
    size: [25, 50, 100].includes(positive(search.size) ?? 0) ? positive(search.size) : undefined,
  };
}

/** The API's filter parameters for a search (the list, the export and bulk actions use the same). */
export function filterParams(search: DeviceSearch) {
  return {
    search: search.q,
    platform: search.platform,
    complianceState: search.complianceState,
    enrollmentState: search.enrollmentState,
    osVersion: search.osVersion,
    deliveryState: search.deliveryState,
    lastSeenBefore: search.lastSeenBefore,
  };
}

const DELIVERY_LABELS: Record<string, string> = {
  error: 'a failed command',
  'queued,sent': 'pending commands',
  queued: 'queued commands',
  sent: 'sent commands',
};

/** How a chip names an extra filter. */
export function describeFilter(key: (typeof EXTRA_FILTERS)[number], value: string): string {
  switch (key) {
    case 'complianceState':
      return `Compliance: ${value
        .split(',')
        .map((v) => COMPLIANCE_OPTIONS.find((o) => o.value === v)?.label ?? v)
        .join(' or ')}`;
    case 'enrollmentState':
      return `Enrollment: ${value.replaceAll(',', ' or ')}`;
    case 'osVersion':
      return `OS version ${value}`;
    case 'deliveryState':
      return `With ${DELIVERY_LABELS[value] ?? `commands ${value.replaceAll(',', ' or ')}`}`;
    case 'lastSeenBefore':
      return `Not seen since ${new Date(value).toLocaleDateString()}`;
  }
}

/** The search without paging: what a saved view keeps. */
export function viewQuery(search: DeviceSearch): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(search)) if (key !== 'page' && value !== undefined && value !== '') out[key] = String(value);
  return out;
}
