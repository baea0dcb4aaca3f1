// POST /predict_nba (one customer) and POST /predict_nba/batch (up to 1,000): the next best action for each.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { arrowStreamBytes, rowsOfObjects, type ArrowColumn } from '../../files/arrow.js';
import { ARROW_BATCH, ARROW_STREAM, BATCH, CUSTOMER_ID, DECISION, ERRORS, GUARDED, SAMPLE_CUSTOMER_ID } from './schemas.js';

/** The columns of the Arrow answer: the JSON answer's fields in order, times as times, objects as JSON text. */
const ARROW_COLUMNS: ArrowColumn[] = [
  ...['customer_id', 'conversation_id', 'channel', 'message'].map((name) => ({ name, type: 'text' as const })),
  { name: 'send_time', type: 'timestamp' },
  ...['reasoning', 'issue_status', 'rule_id', 'llm_status'].map((name) => ({ name, type: 'text' as const })),
  { name: 'as_of', type: 'timestamp' },
  { name: 'features', type: 'text' },
  { name: 'receipt', type: 'text' },
];

/** Arrow only when the Accept header names it (and not with q=0); anything else, or no header, gets JSON. */
function wantsArrow(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '')
    .split(',')
    .map((part) => part.split(';').map((piece) => piece.trim().toLowerCase()))
    .some(([type, ...params]) => type === ARROW_STREAM && !params.some((param) => /^q=0(\.0*)?$/.test(param)));
}

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
        response: {
          200: { description: BATCH.description, content: { 'application/json': { schema: BATCH }, [ARROW_STREAM]: { schema: ARROW_BATCH } } },
          400: ERRORS[400],
          ...GUARDED,
          413: ERRORS[413],
        },
      },
    },
    async (request, reply) => {
      const { customer_ids } = request.body as { customer_ids: string[] };
      // Each distinct customer is answered once, in the order first asked for.
      const distinct = [...new Set(customer_ids)];
      const results = await Promise.all(distinct.map(async (id) => ({ id, answer: await app.serving.answers.answer(id) })));
      const predictions = results.flatMap((r) => (r.answer ? [r.answer] : []));
      const notFound = results.filter((r) => !r.answer).map((r) => r.id);
      if (!wantsArrow(request)) return { predictions, not_found: notFound };
      const bytes = await arrowStreamBytes(ARROW_COLUMNS, rowsOfObjects(ARROW_COLUMNS, predictions), { metadata: { not_found: JSON.stringify(notFound) } });
      return reply.type(ARROW_STREAM).send(bytes);
    },
  );
};
