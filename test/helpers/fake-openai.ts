// A local OpenAI-compatible HTTP server for tests: each request to /v1/chat/completions gets the reply the test scripts.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedReply {
  status?: number;
  headers?: Record<string, string>;
  /** The assistant's message content (wrapped in a chat completion), or a raw body when `raw` is set. */
  content?: string;
  raw?: string;
  delayMs?: number;
}

export interface FakeOpenAI {
  url: string;
  requests: Array<{ body: Record<string, unknown>; at: number }>;
  close(): Promise<void>;
}

export async function startFakeOpenAI(reply: (requestNumber: number, body: Record<string, unknown>) => ScriptedReply): Promise<FakeOpenAI> {
  const requests: FakeOpenAI['requests'] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const body = JSON.parse(text || '{}') as Record<string, unknown>;
      requests.push({ body, at: Date.now() });
      const scripted = reply(requests.length, body);
      const send = () => {
        if (res.destroyed) return;
        const payload =
          scripted.raw ??
          JSON.stringify({
            id: `chatcmpl-${requests.length}`,
            object: 'chat.completion',
            created: 0,
            model: String(body.model),
            choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: scripted.content ?? '' } }],
            usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
          });
        res.writeHead(scripted.status ?? 200, { 'content-type': 'application/json', ...scripted.headers });
        res.end(payload);
      };
      if (scripted.delayMs) setTimeout(send, scripted.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
