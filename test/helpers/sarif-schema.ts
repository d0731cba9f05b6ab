// The SARIF 2.1.0 JSON schema the tests validate against, with ajv (draft-04, as the schema is written) and
// ajv-formats (uri, uri-reference, date-time). Which schema:
// 1. TELLTALE_SARIF_SCHEMA, or shared/schemas/sarif-schema-2.1.0.json beside the checkout: the OASIS 2.1.0
//    (errata01) schema, oasis-tcs/sarif-spec sarif-2.1/schema/sarif-schema-2.1.0.json;
// 2. otherwise the 2.1.0 schema that the registry package @microsoft/jest-sarif (a devDependency) ships, its
//    rtm.5 release: the same definitions and properties as the final one (the differences are descriptions and
//    a few constraints), so a log it rejects is not valid 2.1.0.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';

const require = createRequire(import.meta.url);
const repo = fileURLToPath(new URL('../../..', import.meta.url));

export function sarifSchemaSource(): { path: string; official: boolean } {
  const candidates = [process.env.TELLTALE_SARIF_SCHEMA, join(repo, '..', 'shared', 'schemas', 'sarif-schema-2.1.0.json')].filter((p): p is string => !!p);
  for (const p of candidates) if (existsSync(p)) return { path: p, official: true };
  return { path: require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), official: false };
}

let validator: ((log: unknown) => string[]) | undefined;

/** Schema errors of a SARIF log, one line each; empty when it is valid. */
export function sarifErrors(log: unknown): string[] {
  if (!validator) {
    const schema = JSON.parse(readFileSync(sarifSchemaSource().path, 'utf8')) as Record<string, unknown>;
    // Both are CommonJS with a default export; under NodeNext the class is on `.default`.
    const Ajv = AjvDraft04.default;
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }) // the schema's language pattern is not valid with the u flag;
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    validator = (l) => (validate(l) ? [] : (validate.errors ?? []).map((e: { instancePath: string; message?: string; params: unknown }) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`));
  }
  return validator(log);
}
