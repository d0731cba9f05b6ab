import type { InventoryItem } from '../model/report.js';
import type { Location } from '../model/finding.js';
import type { InventorySink } from './rule.js';

const MAX_LOCATIONS = 3;

/** Collects inventory entries for one file as offsets; locations are resolved when the file is done. */
export class InventoryCollector implements InventorySink {
  readonly hosts = new Map<string, number[]>();
  readonly urls = new Map<string, number[]>();
  readonly envVars = new Map<string, number[]>();
  readonly fingerprints = new Map<string, number[]>();
  private readonly counts = new Map<Map<string, number[]>, Map<string, number>>();

  private add(map: Map<string, number[]>, key: string, at: number): void {
    let counts = this.counts.get(map);
    if (!counts) this.counts.set(map, (counts = new Map()));
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const list = map.get(key);
    if (!list) map.set(key, [at]);
    else if (list.length < MAX_LOCATIONS) list.push(at);
  }

  host(value: string, at: number): void {
    this.add(this.hosts, value, at);
  }
  url(value: string, at: number): void {
    if (value.length <= 300) this.add(this.urls, value, at);
  }
  envVar(name: string, at: number): void {
    this.add(this.envVars, name, at);
  }
  fingerprint(kind: string, at: number): void {
    this.add(this.fingerprints, kind, at);
  }

  items(map: Map<string, number[]>, locate: (offset: number) => Location): InventoryItem[] {
    const counts = this.counts.get(map);
    return [...map.entries()].map(([value, offsets]) => ({ value, count: counts?.get(value) ?? offsets.length, locations: offsets.map(locate) }));
  }
}

/** Merges per-file inventory items into the report's lists (by value, counts added, first locations kept). */
/**
 * Merges each file's inventory items into one list. The index of what the list holds is kept between files, so
 * merging n files costs O(items), not O(n × items) (an index rebuilt per file made many small files quadratic).
 */
export class ItemMerger {
  private readonly byValue = new Map<string, InventoryItem>();

  constructor(private readonly into: InventoryItem[]) {
    for (const i of into) this.byValue.set(i.value, i);
  }

  add(more: InventoryItem[]): void {
    for (const m of more) {
      const existing = this.byValue.get(m.value);
      if (!existing) {
        const copy = { ...m, locations: [...m.locations] };
        this.into.push(copy);
        this.byValue.set(m.value, copy);
      } else {
        existing.count += m.count;
        for (const l of m.locations) if (existing.locations.length < MAX_LOCATIONS) existing.locations.push(l);
      }
    }
  }
}

export function mergeItems(into: InventoryItem[], more: InventoryItem[]): void {
  new ItemMerger(into).add(more);
}
