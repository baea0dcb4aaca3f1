// POST /predict_nba (one customer) and POST /predict_nba/batch (up to 1,000): the next best action for each.
import type { FastifyPluginAsync } from 'fastify';
import { BATCH, CUSTOMER_ID, DECISION, ERRORS, GUARDED, SAMPLE_CUSTOMER_ID } from './schemas.js';

export const predictRoutes: FastifyPluginAsync = async (app) => {
  app.post(
    '/predict_nba',
    {
      schema: {
        summary: "The next best action for a customer's open conversation",
        tags: ['decisions'],
        body: {
          type: 'object',
          required: ['customer_id'],
          additionalProperties: false,
          properties: { customer_id: CUSTOMER_ID },
          examples: [{ customer_id: SAMPLE_CUSTOMER_ID }],
        },
        response: { 200: DECISION, 400: ERRORS[400], ...GUARDED, 404: ERRORS[404], 413: ERRORS[413] },
      },
    },
    async (request, reply) => {
      const { customer_id } = request.body as { customer_id: string };
      const answer = await app.serving.answers.answer(customer_id);
      if (!answer) return reply.code(404).send({ error: 'not_found', message: `No customer ${customer_id} in the data.` });
      return answer;
    },
  );

  app.post(
    '/predict_nba/batch',
    {
      schema: {
        summary: 'Next best actions for up to 1,000 customers',
        tags: ['decisions'],
        body: {
          type: 'object',
          required: ['customer_ids'],
          additionalProperties: false,
          properties: { customer_ids: { type: 'array', minItems: 1, maxItems: 1000, items: CUSTOMER_ID } },
          examples: [{ customer_ids: [SAMPLE_CUSTOMER_ID, 'nobody'] }],
        },
        response: { 200: BATCH, 400: ERRORS[400], ...GUARDED, 413: ERRORS[413] },
      },
    },
    async (request) => {
      const { customer_ids } = request.body as { customer_ids: string[] };
      // Each distinct customer is answered once, in the order first asked for.
      const distinct = [...new Set(customer_ids)];
      const results = await Promise.all(distinct.map(async (id) => ({ id, answer: await app.serving.answers.answer(id) })));
      return {
        predictions: results.filter((r) => r.answer).map((r) => r.answer),
        not_found: results.filter((r) => !r.answer).map((r) => r.id),
      };
    },
  );
};
