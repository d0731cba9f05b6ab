// One record per distinct name of a file (property names, callee names). A bundle has about a million member
// reads and calls and tens of thousands of distinct names, and a map of that size misses the processor's
// caches on nearly every lookup: the walker looks a name up once per node here and finds on the record both
// the property node it reads or writes and the rules' hook lists for that name (walk/hook-table.ts).

import type { Val } from '../../flow/graph.js';
import type { HookEntry } from './hook-table.js';

/** A bundled module being walked (walk/modules.ts): its own property names, and its exports/module parameters. */
export interface ModuleFrame {
  props: Map<string, Val>;
  params: number[];
}

export class NameRecord {
  /** The file-level property-name node of this name, once made. */
  prop: Val | undefined = undefined;
  /** The last module frame this name was used in, and its property-name node there (module.props holds them all). */
  module: ModuleFrame | null = null;
  moduleProp: Val | undefined = undefined;
  /** Hook lists (hook-table.ts), valid while `hooks` equals the table's generation. */
  hooks = -1;
  plainCall: readonly HookEntry[] | undefined = undefined;
  memberCall: readonly HookEntry[] | undefined = undefined;
  plainNew: readonly HookEntry[] | undefined = undefined;
  memberNew: readonly HookEntry[] | undefined = undefined;
  member: readonly HookEntry[] | undefined = undefined;
  computedMember: readonly HookEntry[] | undefined = undefined;

  constructor(readonly name: string) {}
}

export class NameTable {
  private readonly records = new Map<string, NameRecord>();

  get(name: string): NameRecord {
    let r = this.records.get(name);
    if (r === undefined) {
      r = new NameRecord(name);
      this.records.set(name, r);
    }
    return r;
  }
}
