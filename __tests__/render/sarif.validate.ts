/** Validates a SARIF log against the SARIF 2.1.0 JSON schema (draft 2020-12 form) with ajv. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const here = dirname(fileURLToPath(import.meta.url));
const schemaFile = join(here, '..', 'fixtures', 'schemas', 'sarif-schema-2.1.0.json');

type Validate = ((data: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string }> | null };
let validate: Validate | undefined;

export function sarifValidator(): Validate {
  if (validate) return validate;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object) as Validate;
  return validate;
}

/** Schema errors as short strings (empty when valid). */
export function sarifErrors(log: unknown): string[] {
  const v = sarifValidator();
  // validate the JSON text form, as code scanning receives it
  const ok = v(JSON.parse(JSON.stringify(log)));
  return ok ? [] : (v.errors ?? []).slice(0, 20).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}
