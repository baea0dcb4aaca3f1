// The OpenAPI description of the routes (at /openapi.json) and its browsable page (/docs).
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { appWide } from './app-wide.js';

export const openapi = appWide<{ secured: boolean }>(async (app, { secured }) => {
  await app.register(swagger, {
    openapi: {
      info: { title: 'Riverline Next Best Action API', version: '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: secured ? [{ bearer: [] }] : [],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
});
