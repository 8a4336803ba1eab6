/**
 * `npm run appwrite:json [-- --check]`: writes `appwrite.json` (Appwrite CLI 12) from
 * `collections/` and `functions/definitions.ts`; `--check` exits 1 when the committed file is stale.
 * The project id comes from `APPWRITE_PROJECT_ID` (default `tillgate`).
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DATABASE_ID, DATABASE_NAME, TABLES } from '../collections/index.js';
import { parseConfig } from '../core/config.js';
import { FUNCTIONS } from '../functions/definitions.js';
import { buildAppwriteJson, diffLines, renderAppwriteJson } from './appwrite-config.js';

const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
const file = join(import.meta.dirname, '..', 'appwrite.json');
const text = renderAppwriteJson(buildAppwriteJson(parseConfig(process.env).APPWRITE_PROJECT_ID, DATABASE_ID, DATABASE_NAME, TABLES, FUNCTIONS));
if (values.check) {
  const diff = diffLines(readFileSync(file, 'utf8'), text);
  if (diff.length) {
    process.stderr.write(`appwrite.json is stale; run npm run appwrite:json\n${diff.join('\n')}\n`);
    process.exit(1);
  }
  process.stdout.write('appwrite.json is up to date\n');
} else {
  writeFileSync(file, text);
  process.stdout.write(`wrote ${file}\n`);
}
