/**
 * `npm run postman`: writes `docs/tillgate.postman_collection.json`, a Postman collection
 * generated from the gateway's OpenAPI 3.1 document (openapi-to-postmanv2, Postman's own
 * converter), with `{{baseUrl}}` and a bearer `{{jwt}}` variable. Also writes
 * `docs/openapi.json`. Needs no running services.
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import converter from 'openapi-to-postmanv2';
import { parseConfig } from '../core/config.js';
import { createLogger } from '../infra/logger.js';
import { createApp } from '../gateway/app.js';
import { createMetrics } from '../gateway/metrics.js';
import { apiRoutes } from '../gateway/routes/index.js';

const config = parseConfig({});
const metrics = createMetrics({ defaultMetrics: false });
const app = createApp({ config, log: createLogger({ level: 'silent', service: 'postman' }), metrics, healthChecks: {}, apiRoutes: apiRoutes(config, metrics) });
const doc = await (await app.request('/api/openapi.json')).json();
const dir = join(import.meta.dirname, '..', 'docs');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'openapi.json'), `${JSON.stringify(doc, null, 2)}\n`);

const collection = await new Promise<unknown>((resolve, reject) => {
  converter.convert({ type: 'json', data: doc as object }, { folderStrategy: 'Tags', requestParametersResolution: 'Example' }, (err, result) => {
    if (err) reject(new Error(err.message));
    else if (!result?.result || !result.output?.[0]) reject(new Error((result as { reason?: string } | undefined)?.reason ?? 'conversion failed'));
    else resolve(result.output[0].data);
  });
});
writeFileSync(join(dir, 'tillgate.postman_collection.json'), `${JSON.stringify(collection, null, 2)}\n`);
process.stdout.write(`wrote docs/openapi.json and docs/tillgate.postman_collection.json\n`);
