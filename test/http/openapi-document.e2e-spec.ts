import SwaggerParser from '@apidevtools/swagger-parser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setupE2e } from '../setup/test-app';

/**
 * The document the service serves is the contract: valid OpenAPI, and the one
 * checked in as openapi/openapi.json (from which openapi/schema.ts, the typed
 * client's types, is generated). After changing a route: `npm run openapi`.
 */
describe('the OpenAPI document (e2e)', () => {
  let ctx: Awaited<ReturnType<typeof setupE2e>>;
  beforeAll(async () => (ctx = await setupE2e()));
  afterAll(() => ctx?.teardown());

  it('is served at /swagger-json, valid, and the checked-in openapi/openapi.json (run `npm run openapi` after changing a route)', async () => {
    const served = (await ctx.http().get('/swagger-json').expect(200)).body;
    await expect(SwaggerParser.validate(JSON.parse(JSON.stringify(served)))).resolves.toBeDefined();
    const checkedIn = JSON.parse(readFileSync(join(__dirname, '..', '..', 'openapi', 'openapi.json'), 'utf8'));
    expect(served).toEqual(checkedIn);
  });

  it('marks public operations as needing no token, and every other one as needing a bearer token', async () => {
    const { paths } = (await ctx.http().get('/swagger-json').expect(200)).body as { paths: Record<string, Record<string, { security: object[] }>> };
    const security = Object.fromEntries(Object.entries(paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => [`${method} ${path}`, op.security])));
    expect(security['get /movies']).toEqual([]);
    expect(security['post /signup']).toEqual([]);
    expect(security['post /shows/{id}/book']).toEqual([{ bearer: [] }]);
    expect(Object.values(security).every((s) => Array.isArray(s))).toBe(true);
  });
});
