// Who a host belongs to, from maintained data: the Ghostery tracker database (organisations and what
// their domains are used for) and the public suffix list (tldts) for registrable domains. Nothing here
// names a company; the database does.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getDomain } from 'tldts';

interface TrackerDb {
  domains: Record<string, string>;
  patterns: Record<string, { name: string; category: string; organization: string | null }>;
  organizations: Record<string, { name: string; description?: string }>;
}

let db: TrackerDb | null = null;

function load(): TrackerDb {
  // The JSON export of the database (3 MB), read once per process and only when a map is built.
  // The package exports only its engine; the JSON sits next to it in dist/.
  const main = createRequire(import.meta.url).resolve('@ghostery/trackerdb');
  return (db ??= JSON.parse(readFileSync(join(dirname(main), '..', 'trackerdb.json'), 'utf8')) as TrackerDb);
}

export interface TrackerMatch {
  /** The service (pattern) name, e.g. an analytics product. */
  service: string;
  organization: string | null;
  /** The database's category key: site_analytics, advertising, utilities, hosting, … */
  category: string;
  /** The category says analytics/advertising, or the database describes the service as monitoring or error tracking. */
  telemetry: boolean;
}

const TELEMETRY_CATEGORIES = new Set(['site_analytics', 'advertising', 'pornvertising']);
const TELEMETRY_WORDS = /\b(analytics|telemetry|monitor(ing)?|error (tracking|monitoring|reporting)|crash|observability|logs?|tracking)\b/i;

/** The database's entry for `host` or the nearest parent domain it lists, or null. */
export function trackerFor(host: string): TrackerMatch | null {
  const d = load();
  const labels = host.toLowerCase().split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    const key = d.domains[labels.slice(i).join('.')];
    if (!key) continue;
    const p = d.patterns[key];
    if (!p) continue;
    const org = p.organization ? d.organizations[p.organization] : undefined;
    const described = `${p.name} ${org?.description ?? ''}`;
    return {
      service: p.name,
      organization: org?.name ?? null,
      category: p.category,
      telemetry: TELEMETRY_CATEGORIES.has(p.category) || (p.category === 'utilities' && TELEMETRY_WORDS.test(described)),
    };
  }
  return null;
}

/** The registrable domain (public suffix + one label), or null for IPs, localhost and bare suffixes. */
export function registrableDomain(host: string): string | null {
  return getDomain(host, { allowPrivateDomains: false }) ?? null;
}
