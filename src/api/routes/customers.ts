// GET /customers/:id: a customer's profile and open conversations, as serve holds them.
import type { FastifyPluginAsync } from 'fastify';
import { CUSTOMER, CUSTOMER_ID, ERRORS, GUARDED } from './schemas.js';

export const customerRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/customers/:id',
    {
      schema: {
        summary: "A customer's profile and open conversations",
        tags: ['customers'],
        params: { type: 'object', properties: { id: CUSTOMER_ID }, required: ['id'] },
        // The schema writes times as ISO 8601 UTC and keeps arrays and numbers typed, whatever the store handed back.
        response: { 200: CUSTOMER, 400: ERRORS[400], ...GUARDED, 404: ERRORS[404] },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const record = app.serving.customers.get(id);
      if (!record) return reply.code(404).send({ error: 'not_found', message: `No customer ${id} in the data.` });
      return { customer_id: id, profile: record.profile, open_conversations: record.conversations };
    },
  );
};
