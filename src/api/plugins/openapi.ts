// The OpenAPI description of the routes (at /openapi.json) and its browsable page (/docs), grouped by tag. Both are
// open even when keys are set (the auth plugin lets them through): they describe the API and reveal no data.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { TAGS } from '../routes/schemas.js';
import { appWide } from './app-wide.js';

/** The docs page and the document: readable without a key. */
export function isDocsPath(path: string): boolean {
  return path === '/openapi.json' || path === '/docs' || path.startsWith('/docs/');
}

export const openapi = appWide<{ secured: boolean }>(async (app, { secured }) => {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Riverline Next Best Action API',
        version: '0.1.0',
        description:
          'The next best action for a customer support conversation, decided from the data `riverline process` wrote. ' +
          'Every error has one shape, `{"error": "<code>", "message": "<what to do>"}`. ' +
          (secured ? 'Every route but /health needs `Authorization: Bearer <key>`.' : 'No key is needed: RIVERLINE_API_KEYS is not set.'),
      },
      tags: TAGS,
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: secured ? [{ bearer: [] }] : [],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
});
