// The SARIF 2.1.0 JSON schema the tests validate against, with ajv (draft-04, as the schema is written) and
// ajv-formats (uri, uri-reference, date-time).
//
// Which schema, and why. The official one is OASIS's SARIF 2.1.0 errata01 schema, sarif-schema-2.1.0.json, id
// https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json (oasis-tcs/sarif-spec,
// sarif-2.1/schema/). Only the npm registry is reachable here, and no package on it ships that file as published
// (checked 2026-12-02): @microsoft/jest-sarif 1.0.0-beta.0 ships the 2.1.0-rtm.5 schema; @datadog/datadog-ci 2.x
// ships an earlier draft-07 copy (suppression `state` instead of the final `status`); @microsoft/sarif-multitool-*
// 5.7.0 ships a JSON Schema 2020-12 rewrite. So the schema used is the rtm.5 file from @microsoft/jest-sarif (pinned
// to 1.0.0-beta.0, its bytes checked by sha256 below) with ERRATA01 applied: the 17 places where the final schema
// differs from rtm.5 in anything but descriptions. With them, the schema's structure (every key but the
// description, title, id and $schema strings, keys sorted) hashes to ERRATA01_STRUCTURE, the hash of the OASIS file
// (test/report/sarif.test.ts checks it). TELLTALE_SARIF_SCHEMA=<path to the OASIS file> validates against that file
// instead.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';

const require = createRequire(import.meta.url);

export const RTM5_FILE = '@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json';
export const RTM5_SHA256 = '2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8';
/** sha256 of the OASIS errata01 schema's structure (see structureDigest), computed from the OASIS file. */
export const ERRATA01_STRUCTURE = '8308a0a19bf1c42b3ffb645a43ad30297c543496cb04d7bda81732f1488d634c';
export const ERRATA01_ID = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

const STR = { type: 'string' };
/** What errata01 changed from rtm.5, as [path, merged value]: the final schema's constraints. */
export const ERRATA01: [string, Record<string, unknown>][] = [
  ['properties/version', STR],
  ['properties/runs', { type: ['array', 'null'] }],
  ['definitions/artifact/properties/roles/items', STR],
  ['definitions/externalProperties/properties/version', STR],
  ['definitions/notification/properties/level', STR],
  ['definitions/region', { anyOf: [{ required: ['startLine'] }, { required: ['charOffset'] }, { required: ['byteOffset'] }] }],
  ['definitions/reportingConfiguration/properties/level', STR],
  ['definitions/result/properties/kind', STR],
  ['definitions/result/properties/level', STR],
  ['definitions/result/properties/baselineState', STR],
  ['definitions/run/properties/language', { pattern: '^[a-zA-Z]{2}(-[a-zA-Z]{2})?$' }],
  ['definitions/run/properties/columnKind', STR],
  ['definitions/suppression/properties/kind', STR],
  ['definitions/suppression/properties/status', STR],
  ['definitions/threadFlowLocation/properties/importance', STR],
  ['definitions/toolComponent/properties/language', { pattern: '^[a-zA-Z]{2}(-[a-zA-Z]{2})?$' }],
  ['definitions/toolComponent/properties/contents/items', STR],
];

type Schema = Record<string, unknown>;

/** sha256 of a schema without its prose: every key but description, title, id and $schema strings, keys sorted. */
export function structureDigest(schema: unknown): string {
  const strip = (o: unknown): unknown => {
    if (Array.isArray(o)) return o.map(strip);
    if (o && typeof o === 'object') {
      const r: Record<string, unknown> = {};
      for (const k of Object.keys(o).sort()) {
        const v = (o as Record<string, unknown>)[k];
        if (['description', '$schema', '$id', 'id', 'title'].includes(k) && typeof v === 'string') continue;
        r[k] = strip(v);
      }
      return r;
    }
    return o;
  };
  return createHash('sha256').update(JSON.stringify(strip(schema))).digest('hex');
}

/** rtm.5 as @microsoft/jest-sarif ships it, with the errata01 changes applied. */
export function errata01FromRtm5(): Schema {
  const bytes = readFileSync(require.resolve(RTM5_FILE));
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== RTM5_SHA256) throw new Error(`${RTM5_FILE} changed (sha256 ${sha}): check its differences from the OASIS errata01 schema again`);
  const schema = JSON.parse(bytes.toString('utf8')) as Schema;
  for (const [path, value] of ERRATA01) {
    let node = schema as Record<string, unknown>;
    for (const key of path.split('/')) node = node[key] as Record<string, unknown>;
    Object.assign(node, value);
  }
  schema.id = ERRATA01_ID;
  return schema;
}

export function sarifSchemaSource(): { label: string; schema: Schema } {
  const file = process.env.TELLTALE_SARIF_SCHEMA;
  if (file) return { label: `the OASIS file ${file}`, schema: JSON.parse(readFileSync(file, 'utf8')) as Schema };
  return { label: 'OASIS 2.1.0 errata01: rtm.5 from @microsoft/jest-sarif with the errata01 changes', schema: errata01FromRtm5() };
}

let validator: ((log: unknown) => string[]) | undefined;

/** Schema errors of a SARIF log, one line each; empty when it is valid. */
export function sarifErrors(log: unknown): string[] {
  if (!validator) {
    // Both are CommonJS with a default export; under NodeNext the class is on `.default`.
    const Ajv = AjvDraft04.default;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(sarifSchemaSource().schema);
    validator = (l) => (validate(l) ? [] : (validate.errors ?? []).map((e: { instancePath: string; message?: string; params: unknown }) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`));
  }
  return validator(log);
}
