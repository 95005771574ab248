import type { RouteModule } from '../api/route-config.js';
import type { Channel } from '../core/devices/device-model.js';
import type { PolicyTranslator } from '../core/policies/policy-model.js';
import type { JobHandler, PeriodicJob } from '../workers/job-runner.js';

/**
 * One management channel (Apple MDM, Windows MDM, Android Management API, the Steward agent):
 * its device-facing routes, its background jobs, and how it wakes its devices. Each lives in
 * `protocols/<channel>/adapter.ts`; `createAdapters` composes them.
 */
export interface PlatformAdapter {
  readonly channel: Channel;
  readonly routes: RouteModule[];
  readonly jobs?: Readonly<Record<string, JobHandler>>;
  readonly periodic?: readonly PeriodicJob[];
  /** How this channel's devices receive Steward's platform-neutral policy (the reconciler uses it). */
  readonly policy?: PolicyTranslator;
  /**
   * A command was enqueued: wake this channel's devices it targets (each adapter filters its own).
   * Runs on **every** node (through `ctx.notifier`): `local` is true only on the node that enqueued it.
   * Wake-ups that go through a third party (APNs, FCM, WNS) must happen once, so send them only when
   * `local`; wake-ups of connections this node holds (long polls) happen on every node.
   */
  commandEnqueued?(commandId: string, origin: { local: boolean }): Promise<void>;
  /** Devices joined or left groups: channels whose configuration follows groups resync. */
  membershipChanged?(deviceIds: readonly string[]): Promise<void>;
  close?(): Promise<void>;
}
