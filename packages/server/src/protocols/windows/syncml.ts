import type { CspVerb } from './csp-catalogue.js';
import { type XmlElement, XmlError, child, childrenNamed, escapeXml, parseXml, textAt } from './xml.js';

/** OMA-DM 1.2 over HTTP: the content type of every management message. */
export const SYNCML_TYPE = 'application/vnd.syncml.dm+xml';
/** A management message: inventory and raw profiles can be long, never this long. */
export const SYNCML_MAX_BYTES = 2 * 1024 * 1024;
export const SYNCML_LIMITS = Object.freeze({ maxBytes: SYNCML_MAX_BYTES, maxDepth: 24, maxElements: 50_000 });

/** Alert codes Windows sends (MS-MDM, OMA-DM 1.2). */
export const ALERT = Object.freeze({
  serverInitiated: '1200',
  clientInitiated: '1201',
  moreMessages: '1222',
  clientEvent: '1224',
  generic: '1226',
});

/** One operation on one configuration service provider node. */
export interface CspOp {
  readonly verb: CspVerb;
  readonly locUri: string;
  /** `int`, `chr`, `bool`, `b64`, `xml`, `node`, `null`. */
  readonly format?: string | undefined;
  /** MIME type of the data, e.g. `text/plain`. */
  readonly type?: string | undefined;
  readonly data?: string | undefined;
}

export interface SyncItem {
  readonly source?: string | undefined;
  readonly target?: string | undefined;
  readonly format?: string | undefined;
  readonly type?: string | undefined;
  readonly data?: string | undefined;
}

export interface ClientCommand {
  /** Status, Results, Alert, Replace, Add, Get, Exec, Delete, … */
  readonly kind: string;
  readonly cmdId: string;
  readonly msgRef?: string | undefined;
  readonly cmdRef?: string | undefined;
  /** Status: the command it answers. */
  readonly cmd?: string | undefined;
  /** Status: the code; Alert: the alert code. */
  readonly data?: string | undefined;
  readonly items: readonly SyncItem[];
}

export interface ClientMessage {
  readonly sessionId: string;
  readonly msgId: number;
  /** The device's LocURI (its DeviceID). Never trusted as identity: compared with the certificate's device. */
  readonly source: string;
  readonly target: string;
  readonly final: boolean;
  readonly commands: readonly ClientCommand[];
}

export class SyncMLError extends Error {
  override name = 'SyncMLError';
}

const NUMBER = /^[0-9]{1,9}$/;
const KNOWN = new Set(['Status', 'Results', 'Alert', 'Replace', 'Add', 'Get', 'Exec', 'Delete', 'Atomic', 'Sequence', 'Copy']);

function item(element: XmlElement): SyncItem {
  const meta = child(element, 'Meta');
  return {
    source: textAt(element, 'Source', 'LocURI'),
    target: textAt(element, 'Target', 'LocURI'),
    format: textAt(meta, 'Format'),
    type: textAt(meta, 'Type'),
    data: child(element, 'Data')?.text,
  };
}

/** Parses and checks a client's SyncML message (structure only; references are checked by the session). */
export function parseSyncML(body: Buffer): ClientMessage {
  let root: XmlElement;
  try {
    root = parseXml(body, SYNCML_LIMITS);
  } catch (error) {
    if (error instanceof XmlError) throw new SyncMLError(error.message);
    throw error;
  }
  if (root.name !== 'SyncML') throw new SyncMLError('the root element must be SyncML');
  const header = child(root, 'SyncHdr');
  const body_ = child(root, 'SyncBody');
  if (!header || !body_) throw new SyncMLError('SyncHdr and SyncBody are required');
  if (textAt(header, 'VerDTD') !== '1.2' || textAt(header, 'VerProto') !== 'DM/1.2') throw new SyncMLError('only OMA-DM 1.2 is spoken');
  const sessionId = textAt(header, 'SessionID') ?? '';
  const msgId = textAt(header, 'MsgID') ?? '';
  const source = textAt(header, 'Source', 'LocURI') ?? '';
  if (!/^[0-9A-Fa-f]{1,8}$/.test(sessionId)) throw new SyncMLError('SessionID is missing or malformed');
  if (!NUMBER.test(msgId)) throw new SyncMLError('MsgID is missing or malformed');
  if (!source || source.length > 200) throw new SyncMLError('the Source LocURI is missing');
  const commands: ClientCommand[] = [];
  const cmdIds = new Set<string>();
  let final = false;
  for (const element of body_.children) {
    if (element.name === 'Final') {
      final = true;
      continue;
    }
    if (!KNOWN.has(element.name)) throw new SyncMLError(`unknown command ${element.name}`);
    const cmdId = textAt(element, 'CmdID') ?? '';
    if (!NUMBER.test(cmdId) || cmdIds.has(cmdId)) throw new SyncMLError(`${element.name} needs a unique CmdID`);
    cmdIds.add(cmdId);
    const msgRef = textAt(element, 'MsgRef');
    const cmdRef = textAt(element, 'CmdRef');
    if (msgRef !== undefined && !NUMBER.test(msgRef)) throw new SyncMLError('MsgRef is malformed');
    if (cmdRef !== undefined && !NUMBER.test(cmdRef)) throw new SyncMLError('CmdRef is malformed');
    if ((element.name === 'Status' || element.name === 'Results') && cmdRef === undefined) throw new SyncMLError(`${element.name} needs its CmdRef`);
    commands.push({
      kind: element.name,
      cmdId,
      msgRef,
      cmdRef,
      cmd: textAt(element, 'Cmd'),
      data: child(element, 'Data')?.text,
      items: childrenNamed(element, 'Item').map(item),
    });
  }
  return { sessionId, msgId: Number(msgId), source, target: textAt(header, 'Target', 'LocURI') ?? '', final, commands };
}

export interface ServerStatus {
  readonly msgRef: number;
  readonly cmdRef: string;
  readonly cmd: string;
  readonly code: string;
}

export interface ServerCommand {
  readonly cmdId: number;
  readonly op?: CspOp;
  /** An Alert (1222: send the next message). */
  readonly alert?: string;
}

/** Renders the server's message: the header, a Status per client command, then commands, then Final. */
export function buildSyncML(input: {
  sessionId: string;
  msgId: number;
  deviceLocUri: string;
  serverLocUri: string;
  statuses: readonly ServerStatus[];
  commands: readonly ServerCommand[];
}): string {
  const parts: string[] = [
    '<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto>',
    `<SessionID>${escapeXml(input.sessionId)}</SessionID><MsgID>${input.msgId}</MsgID>`,
    `<Target><LocURI>${escapeXml(input.deviceLocUri)}</LocURI></Target><Source><LocURI>${escapeXml(input.serverLocUri)}</LocURI></Source></SyncHdr><SyncBody>`,
  ];
  let cmdId = 1;
  for (const status of input.statuses) {
    parts.push(
      `<Status><CmdID>${cmdId++}</CmdID><MsgRef>${status.msgRef}</MsgRef><CmdRef>${escapeXml(status.cmdRef)}</CmdRef><Cmd>${escapeXml(status.cmd)}</Cmd><Data>${escapeXml(status.code)}</Data></Status>`,
    );
  }
  for (const command of input.commands) {
    if (command.alert) parts.push(`<Alert><CmdID>${command.cmdId}</CmdID><Data>${command.alert}</Data></Alert>`);
    else if (command.op) parts.push(renderOp(command.cmdId, command.op));
  }
  parts.push('<Final/></SyncBody></SyncML>');
  return parts.join('');
}

export function renderOp(cmdId: number, op: CspOp): string {
  const meta =
    op.format || op.type
      ? `<Meta>${op.format ? `<Format xmlns="syncml:metinf">${escapeXml(op.format)}</Format>` : ''}${op.type ? `<Type xmlns="syncml:metinf">${escapeXml(op.type)}</Type>` : ''}</Meta>`
      : '';
  const data = op.data !== undefined ? `<Data>${escapeXml(op.data)}</Data>` : '';
  return `<${op.verb}><CmdID>${cmdId}</CmdID><Item><Target><LocURI>${escapeXml(op.locUri)}</LocURI></Target>${op.verb === 'Get' ? '' : meta}${data}</Item></${op.verb}>`;
}

/** The number of status codes OMA-DM counts as success: 200–299. */
export function succeeded(code: string | undefined): boolean {
  return code !== undefined && /^2[0-9][0-9]$/.test(code);
}
