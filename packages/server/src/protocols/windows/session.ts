import type { Context } from '../../context.js';
import { INTENTS, type IntentName, isIntent } from '../../core/commands/intents.js';
import type { Ownership } from '../../core/devices/device-model.js';
import { StewardError } from '../../core/errors.js';
import { type CommandPlan, WindowsCommandError, observedFromResults, rawOps, windowsPlanFor } from './commands.js';
import type { WindowsIdentity } from './identity.js';
import { ALERT, type ClientMessage, type CspOp, type ServerCommand, type ServerStatus, SyncMLError, buildSyncML, parseSyncML, succeeded } from './syncml.js';
import { type PlannedCommandRow, type WindowsRepository, commandsByIds, deviceByFingerprint } from './windows-repository.js';

/** What one SyncML command this session sent stands for. */
interface SentOp {
  /** Steward command id. */
  c: string;
  /** Step of its plan, and operation within the step. */
  s: number;
  o: number;
  /** The verb it went out with (an Add answered 418 goes out again as Replace). */
  v: string;
}

/** A command being carried out: where it is in its plan, and what the device answered so far. */
interface Inflight {
  step: number;
  /** Operation index → status code, for the current step. */
  statuses: Record<string, string>;
  /** Operations of the current step to send again as Replace (their Add found the node there: 418). */
  replace: number[];
  /** Every answer so far, for the stored result. */
  log: { locUri: string; verb: string; status: string }[];
  results: Record<string, string>;
  polls: number;
  /** The step polls: send it again in the next session, not this one. */
  waiting?: boolean;
}

const MAX_COMMANDS_PER_MESSAGE = 8;
const MAX_OPS_PER_MESSAGE = 80;
const TOUCH_INTERVAL_MS = 30_000;
const DEVINFO_REUSE_MS = 10 * 60_000;
const UNENROLL_TYPE = 'com.microsoft:mdm.unenrollment.userrequest';

/**
 * OMA-DM 1.2 sessions for Windows PCs. Each client message is answered with a Status for its header
 * and for each of its commands, then the queued commands as CSP operations. The session's bookkeeping
 * (which MsgID/CmdID stands for which command, what each command has received) lives in the
 * database row, so any node can answer the next message.
 */
export class WindowsSessions {
  private readonly touched = new Map<string, number>();
  /** Per device: the DevInfo this node last wrote, and when (bounded like `touched`). */
  private readonly devInfo = new Map<string, { reported: string; at: number }>();

  constructor(
    private readonly ctx: Context,
    private readonly repo: WindowsRepository,
    private readonly serverUrl: string,
  ) {}

  async handle(identity: WindowsIdentity, body: Buffer): Promise<string> {
    let message: ClientMessage;
    try {
      message = parseSyncML(body);
    } catch (error) {
      if (error instanceof SyncMLError) throw new StewardError('invalid_syncml', error.message);
      throw error;
    }
    const device = await deviceByFingerprint(this.ctx.database.db, identity.fingerprint);
    if (!device) throw new StewardError('device_not_enrolled', 'No Windows device holds this certificate.');
    if (device.windows_device_id !== message.source) {
      await this.audit(device.device_id, 'windows.identity_mismatch', 'denied', { claimed: message.source.slice(0, 100) });
      throw new StewardError('device_identity_mismatch');
    }
    if (device.enrollment_state === 'unenrolled' || device.enrollment_state === 'retired')
      throw new StewardError('device_not_enrolled', 'This device has left management.');
    const deviceId = device.device_id;

    const alerts = message.commands.filter((c) => c.kind === 'Alert');
    const starting = alerts.some((a) => a.data === ALERT.clientInitiated || a.data === ALERT.serverInitiated);
    let sent: Record<string, SentOp> = JSON.parse(device.session_sent) as Record<string, SentOp>;
    const inflight: Record<string, Inflight> = JSON.parse(device.inflight) as Record<string, Inflight>;
    let serverMsgId = device.server_msg_id;
    const newSession = starting || message.sessionId !== device.session_id;
    if (newSession) {
      if (!starting) throw new StewardError('invalid_syncml', 'A session begins with Alert 1201 (or 1200).');
      sent = {};
      serverMsgId = 0;
      // Answers lost with the previous session: the unanswered operations go out again.
      for (const state of Object.values(inflight)) state.waiting = false;
    } else if (message.msgId <= device.client_msg_id) {
      throw new StewardError('invalid_syncml', 'MsgID must increase within a session.');
    }

    // Every reference is checked before anything is stored: a Status or Results that points at no
    // message or command this session sent refuses the whole message.
    for (const command of message.commands) {
      if (command.kind !== 'Status' && command.kind !== 'Results') continue;
      const msgRef = Number(command.msgRef ?? message.msgId);
      if (!(msgRef >= 1 && msgRef <= serverMsgId))
        throw new StewardError('invalid_syncml', `${command.kind} ${command.cmdId} has a MsgRef that points nowhere.`);
      if (command.kind === 'Status' && command.cmdRef === '0' && command.cmd === 'SyncHdr') continue;
      if (!sent[`${msgRef}:${command.cmdRef}`]) throw new StewardError('invalid_syncml', `${command.kind} ${command.cmdId} has a CmdRef that points nowhere.`);
    }

    const statuses: ServerStatus[] = [{ msgRef: message.msgId, cmdRef: '0', cmd: 'SyncHdr', code: '200' }];
    const touchedCommands = new Set<string>();
    const deviceInfo: Record<string, string> = {};
    let unenroll = false;
    for (const command of message.commands) {
      switch (command.kind) {
        case 'Status': {
          if (command.cmdRef === '0' && command.cmd === 'SyncHdr') break;
          const key = `${Number(command.msgRef ?? message.msgId)}:${command.cmdRef}`;
          const op = sent[key];
          const state = op && inflight[op.c];
          if (!op || !state || state.step !== op.s) break;
          const code = command.data ?? '500';
          touchedCommands.add(op.c);
          if (code === '418' && op.v === 'Add') state.replace.push(op.o);
          else state.statuses[op.o] = code;
          break;
        }
        case 'Results': {
          statuses.push({ msgRef: message.msgId, cmdRef: command.cmdId, cmd: 'Results', code: '200' });
          const op = sent[`${Number(command.msgRef ?? message.msgId)}:${command.cmdRef}`];
          const state = op && inflight[op.c];
          if (!state) break;
          for (const item of command.items) {
            const locUri = item.source ?? item.target;
            if (locUri && locUri.length <= 512 && Object.keys(state.results).length < 500) state.results[locUri] = (item.data ?? '').slice(0, 16_384);
          }
          break;
        }
        case 'Alert': {
          statuses.push({ msgRef: message.msgId, cmdRef: command.cmdId, cmd: 'Alert', code: '200' });
          if (command.data === ALERT.generic && command.items.some((i) => i.type === UNENROLL_TYPE)) unenroll = true;
          break;
        }
        case 'Replace': {
          statuses.push({ msgRef: message.msgId, cmdRef: command.cmdId, cmd: 'Replace', code: '200' });
          for (const item of command.items) {
            const locUri = item.source ?? item.target;
            if (locUri?.startsWith('./DevInfo/') && item.data !== undefined) deviceInfo[locUri] = item.data.slice(0, 512);
          }
          break;
        }
        default:
          // A PC asks nothing of its server: any other command is refused, with a status, not obeyed.
          statuses.push({ msgRef: message.msgId, cmdRef: command.cmdId, cmd: command.kind, code: '405' });
      }
    }

    if (unenroll) {
      await this.ctx.devices.setEnrollmentState(deviceId, 'unenrolled');
      await this.ctx.commands.cancelForDevice(deviceId);
      await this.audit(deviceId, 'windows.unenrolled', 'success', { by: 'user' });
      await this.repo.update(deviceId, { session_id: null, server_msg_id: 0, client_msg_id: 0, session_sent: '{}', inflight: '{}', session_at: Date.now() });
      return buildSyncML({
        sessionId: message.sessionId,
        msgId: serverMsgId + 1,
        deviceLocUri: message.source,
        serverLocUri: this.serverUrl,
        statuses,
        commands: [],
      });
    }

    const now = Date.now();
    const reported = Object.keys(deviceInfo).length ? JSON.stringify(deviceInfo) : undefined;
    if (reported !== undefined && (device.enrollment_state === 'pending' || !this.knownDeviceInfo(deviceId, reported, deviceInfo, device.model, now))) {
      await this.applyDeviceInfo(deviceId, device.enrollment_state, deviceInfo);
      if (this.devInfo.size >= 100_000) this.devInfo.clear();
      this.devInfo.set(deviceId, { reported, at: now });
      this.touched.set(deviceId, now);
    } else if ((this.touched.get(deviceId) ?? 0) <= now - TOUCH_INTERVAL_MS) {
      await this.ctx.devices.touch(deviceId, now);
      if (this.touched.size >= 100_000) this.touched.clear();
      this.touched.set(deviceId, now);
    }

    const plans = new Map<string, CommandPlan | Error>();
    const planOf = async (ids: string[]) => {
      const missing = ids.filter((id) => !plans.has(id));
      for (const row of await commandsByIds(this.ctx.database.db, missing)) plans.set(row.id, this.plan(row, device.ownership as Ownership));
    };
    // A reply spread over several messages (Alert 1222) is only complete with its Final: statuses and
    // results are collected as they come, commands move on once the last message is in.
    if (message.final) {
      for (const [key, op] of Object.entries(sent)) {
        const state = inflight[op.c];
        if (!state || state.step !== op.s || state.statuses[op.o] !== undefined || state.replace.includes(op.o)) delete sent[key];
      }
      await planOf(Object.keys(inflight));
      for (const [commandId, state] of Object.entries(inflight)) {
        const plan = plans.get(commandId);
        if (!plan || plan instanceof Error) {
          delete inflight[commandId];
          continue;
        }
        if (touchedCommands.has(commandId) || !state.waiting) await this.advance(deviceId, commandId, plan, state, inflight);
      }
    }

    const commands: ServerCommand[] = [];
    let cmdId = statuses.length + 1;
    serverMsgId += 1;
    const outgoing = serverMsgId;
    if (!message.final) {
      // The PC has more to say (Alert 1222): ask for its next message, send nothing new yet.
      commands.push({ cmdId: cmdId++, alert: ALERT.moreMessages });
    } else {
      let ops = 0;
      const pending = new Set(Object.values(sent).map((s) => `${s.c}:${s.s}:${s.o}`));
      await planOf(Object.keys(inflight));
      for (const [commandId, state] of Object.entries(inflight)) {
        const plan = plans.get(commandId);
        if (!plan || plan instanceof Error) {
          delete inflight[commandId];
          continue;
        }
        if (state.waiting) continue;
        const step = plan.steps[state.step];
        step?.ops.forEach((op, index) => {
          const again = state.replace.includes(index);
          if (!again && (state.statuses[index] !== undefined || pending.has(`${commandId}:${state.step}:${index}`))) return;
          const verb = again ? 'Replace' : op.verb;
          const id = cmdId++;
          commands.push({ cmdId: id, op: { ...op, verb } });
          sent[`${outgoing}:${id}`] = { c: commandId, s: state.step, o: index, v: verb };
          ops++;
        });
        state.replace = [];
      }
      const skip = Object.keys(inflight);
      let taken = 0;
      while (taken < MAX_COMMANDS_PER_MESSAGE && ops < MAX_OPS_PER_MESSAGE) {
        const next = await this.ctx.commands.next(deviceId, skip);
        if (!next) break;
        skip.push(next.command.id);
        await this.ctx.commands.markSent(deviceId, next.command.id);
        const plan = this.plan(next.command, device.ownership as Ownership);
        if (plan instanceof Error) {
          await this.ctx.commands.recordResult(deviceId, next.command.id, 'error', { error: plan.message });
          continue;
        }
        const first = plan.steps[0];
        if (!first || first.ops.length === 0) {
          await this.ctx.commands.recordResult(deviceId, next.command.id, 'acknowledged', { statuses: [] });
          continue;
        }
        taken++;
        inflight[next.command.id] = { step: 0, statuses: {}, replace: [], log: [], results: {}, polls: 0 };
        first.ops.forEach((op, index) => {
          const id = cmdId++;
          commands.push({ cmdId: id, op });
          sent[`${outgoing}:${id}`] = { c: next.command.id, s: 0, o: index, v: op.verb };
          ops++;
        });
      }
      // No commands: this message carries only statuses, and the session ends with it.
    }

    const saved = await this.repo.saveSession(
      deviceId,
      { sessionId: newSession ? device.session_id : message.sessionId, serverMsgId: device.server_msg_id },
      {
        session_id: message.sessionId,
        server_msg_id: serverMsgId,
        client_msg_id: message.msgId,
        session_sent: JSON.stringify(sent),
        inflight: JSON.stringify(inflight),
        session_at: now,
      },
    );
    if (!saved) throw new StewardError('conflict', 'Another message of this session was answered meanwhile.');
    return buildSyncML({
      sessionId: message.sessionId,
      msgId: serverMsgId,
      deviceLocUri: message.source,
      serverLocUri: this.serverUrl,
      statuses,
      commands,
    });
  }

  /**
   * A PC sends its DevInfo at the start of every session, nearly always the same. Writing it again
   * (the inventory read, merged and written back, compliance and reconciliation marked dirty) was
   * most of an idle poll's cost, so it is skipped when this node wrote the very same DevInfo for the
   * device in the last few minutes and the model stored (read with the device, so any node's write
   * counts) still matches; the device is only touched then.
   */
  private knownDeviceInfo(deviceId: string, reported: string, info: Record<string, string>, storedModel: string | null, now: number): boolean {
    const known = this.devInfo.get(deviceId);
    if (!known || known.reported !== reported || known.at <= now - DEVINFO_REUSE_MS) return false;
    const model = info['./DevInfo/Mod']?.slice(0, 200);
    return model === undefined || model === storedModel;
  }

  private plan(command: Pick<PlannedCommandRow, 'kind' | 'type' | 'payload'>, ownership: Ownership): CommandPlan | Error {
    try {
      const payload = JSON.parse(command.payload) as Record<string, unknown>;
      if (command.kind === 'raw') return { steps: [{ ops: rawOps(payload) }] };
      if (!isIntent(command.type)) return new Error(`unknown intent ${command.type}`);
      return windowsPlanFor(command.type as IntentName, payload as never, { ownership });
    } catch (error) {
      if (error instanceof WindowsCommandError || error instanceof Error) return error;
      return new Error(String(error));
    }
  }

  /** Moves a command on once its current step has every answer: next step, another poll, or its result. */
  private async advance(deviceId: string, commandId: string, plan: CommandPlan, state: Inflight, inflight: Record<string, Inflight>): Promise<void> {
    const step = plan.steps[state.step];
    if (!step) return;
    if (state.replace.length > 0) return;
    if (step.ops.some((_op, i) => state.statuses[i] === undefined)) return;
    const failed: string[] = [];
    step.ops.forEach((op, i) => {
      const status = state.statuses[i] ?? '500';
      state.log.push({ locUri: op.locUri, verb: op.verb, status });
      const tolerated = plan.tolerant && (status === '404' || status === '405');
      if (!succeeded(status) && !tolerated) failed.push(op.locUri);
    });
    state.statuses = {};
    if (failed.length && !step.poll) {
      await this.finish(deviceId, commandId, 'error', state, inflight, `${failed.length} of ${step.ops.length} operations failed`);
      return;
    }
    if (step.poll) {
      const value = state.results[step.poll.locUri];
      if (value !== undefined && step.poll.failed.includes(value))
        return this.finish(deviceId, commandId, 'error', state, inflight, `${step.poll.locUri} reported ${value}`);
      if (value === undefined || !step.poll.done.includes(value)) {
        state.polls++;
        if (state.polls >= step.poll.maxAttempts)
          return this.finish(deviceId, commandId, 'error', state, inflight, `${step.poll.locUri} never reported completion`);
        state.waiting = true;
        return;
      }
    }
    state.step++;
    if (state.step >= plan.steps.length) await this.finish(deviceId, commandId, 'acknowledged', state, inflight);
  }

  private async finish(
    deviceId: string,
    commandId: string,
    outcome: 'acknowledged' | 'error',
    state: Inflight,
    inflight: Record<string, Inflight>,
    error?: string,
  ): Promise<void> {
    delete inflight[commandId];
    const result = { statuses: state.log, ...(Object.keys(state.results).length ? { results: state.results } : {}), ...(error ? { error } : {}) };
    await this.ctx.commands.recordResult(deviceId, commandId, outcome, result);
    const observed = observedFromResults(state.results);
    if (observed) {
      await this.ctx.devices.applyInventory(deviceId, observed);
      await this.ctx.groups.refreshSmartMembership([deviceId]);
    }
  }

  /** The DevInfo a PC sends at the start of each session; the first one completes its enrollment. */
  private async applyDeviceInfo(deviceId: string, state: string, info: Record<string, string>): Promise<void> {
    await this.ctx.devices.applyInventory(deviceId, {
      ...(info['./DevInfo/Mod'] ? { model: info['./DevInfo/Mod'].slice(0, 200) } : {}),
      facts: { devInfo: { manufacturer: info['./DevInfo/Man'] ?? null, language: info['./DevInfo/Lang'] ?? null, dmVersion: info['./DevInfo/DmV'] ?? null } },
    });
    if (state !== 'pending') return;
    await this.ctx.devices.setEnrollmentState(deviceId, 'enrolled');
    await this.ctx.groups.refreshSmartMembership([deviceId]);
    await this.audit(deviceId, 'windows.enrolled', 'success', {});
    // First inventory: every fact the PC will tell, in its first session.
    await this.ctx.commands.enqueue({
      kind: 'intent',
      type: 'refresh_inventory',
      platform: null,
      payload: {},
      target: { deviceIds: [deviceId] },
      platforms: INTENTS.refresh_inventory.platforms,
      createdBy: { type: 'system', id: null, label: 'enrollment' },
      ttlMs: this.ctx.config.commandTtlSeconds * 1000,
    });
  }

  private async audit(deviceId: string, action: string, outcome: 'success' | 'denied', details: unknown): Promise<void> {
    await this.ctx.audit.append({
      actorType: 'device',
      actorId: deviceId,
      actorLabel: 'windows',
      action,
      targetType: 'device',
      targetId: deviceId,
      outcome,
      details,
    });
  }
}

export type { CspOp };
