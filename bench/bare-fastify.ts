// Child process of the benchmark: a bare Fastify server whose one POST /predict_nba route returns a fixed body (BARE_RESPONSE,
// a real answer of `riverline serve`), so its requests/s is the ceiling serve's throughput is compared with (issue 13).
import Fastify from 'fastify';

const response: unknown = JSON.parse(process.env.BARE_RESPONSE ?? '{}');
const app = Fastify({ logger: false });
app.post('/predict_nba', async () => response);
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stderr.write(`bare Fastify listening on ${address}\n`);
