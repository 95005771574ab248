import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

/** The reconciler's periodic job; `JobQueue.wake` on its key makes it run now. */
export const RECONCILE_JOB_KEY = 'periodic:policies.reconcile';

/**
 * Marks devices whose desired or observed state may have changed, for the reconciler. A later
 * mark moves `marked_at`, so a reconcile pass that already read the device won't clear it.
 */
export async function markDirty(db: Kysely<DB>, deviceIds: readonly string[], now = Date.now()): Promise<void> {
  for (let i = 0; i < deviceIds.length; i += 500) {
    const values = [...new Set(deviceIds.slice(i, i + 500))].map((device_id) => ({ device_id, marked_at: now }));
    if (values.length === 0) continue;
    await db
      .insertInto('reconcile_dirty')
      .values(values)
      .onConflict((oc) => oc.column('device_id').doUpdateSet({ marked_at: now }))
      .execute();
  }
}
