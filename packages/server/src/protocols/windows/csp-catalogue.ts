import { CSP_NODES } from './csp-catalogue.generated.js';

export const CSP_VERBS = ['Add', 'Delete', 'Exec', 'Get', 'Replace'] as const;
export type CspVerb = (typeof CSP_VERBS)[number];

export interface CspNode {
  readonly path: string;
  readonly verbs: ReadonlySet<CspVerb>;
  readonly format: string;
}

interface TrieNode {
  node?: CspNode;
  children: Map<string, TrieNode>;
  /** A `{Name}` segment: any value matches. */
  dynamic?: TrieNode;
}

const VERB_BY_INITIAL: Record<string, CspVerb> = { A: 'Add', D: 'Delete', E: 'Exec', G: 'Get', R: 'Replace' };

/**
 * The Windows configuration service provider nodes Steward knows (5,766, from Microsoft's DDF files):
 * which LocURIs exist and which OMA-DM verbs each allows. `{…}` segments are dynamic. Used to check
 * raw SyncML profiles at upload and, in tests, every command Steward itself can emit.
 */
export class CspCatalogue {
  private readonly root: TrieNode = { children: new Map() };
  readonly size: number;

  constructor(encoded: string = CSP_NODES) {
    let previous = '';
    let count = 0;
    for (const line of encoded.split('\n')) {
      const [shared, rest, letters, format] = line.split('\t');
      if (shared === undefined || rest === undefined || letters === undefined) continue;
      const path = previous.slice(0, Number.parseInt(shared, 36)) + rest;
      previous = path;
      const verbs = new Set([...letters].map((l) => VERB_BY_INITIAL[l]).filter((v): v is CspVerb => v !== undefined));
      this.insert({ path, verbs, format: format ?? 'chr' });
      count++;
    }
    this.size = count;
  }

  private insert(node: CspNode): void {
    let at = this.root;
    for (const segment of node.path.split('/')) {
      if (/^\{.*\}$/.test(segment)) {
        at.dynamic ??= { children: new Map() };
        at = at.dynamic;
      } else {
        let next = at.children.get(segment);
        if (!next) {
          next = { children: new Map() };
          at.children.set(segment, next);
        }
        at = next;
      }
    }
    at.node = node;
  }

  /**
   * The node a LocURI addresses. `./Vendor/MSFT/…` and `./Device/Vendor/MSFT/…` both address device
   * scope, so one is tried when the other is not listed. A literal segment wins over a dynamic one.
   */
  find(locUri: string): CspNode | undefined {
    const direct = this.lookup(locUri);
    if (direct) return direct;
    if (locUri.startsWith('./Vendor/MSFT/')) return this.lookup(`./Device${locUri.slice(1)}`);
    if (locUri.startsWith('./Device/Vendor/MSFT/')) return this.lookup(`.${locUri.slice('./Device'.length)}`);
    return undefined;
  }

  /** True when the node exists and allows the verb. */
  allows(locUri: string, verb: CspVerb): boolean {
    return this.find(locUri)?.verbs.has(verb) ?? false;
  }

  private lookup(locUri: string): CspNode | undefined {
    const segments = locUri.split('/');
    const walk = (at: TrieNode, i: number): CspNode | undefined => {
      if (i === segments.length) return at.node;
      const segment = segments[i] ?? '';
      if (segment === '') return undefined;
      const literal = at.children.get(segment);
      const found = literal ? walk(literal, i + 1) : undefined;
      if (found) return found;
      return at.dynamic ? walk(at.dynamic, i + 1) : undefined;
    };
    return walk(this.root, 0);
  }
}

let shared: CspCatalogue | undefined;
/** The catalogue, decoded once per process on first use. */
export function cspCatalogue(): CspCatalogue {
  shared ??= new CspCatalogue();
  return shared;
}
