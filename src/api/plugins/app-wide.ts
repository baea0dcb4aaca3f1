// A plugin whose hooks, decorators and handlers apply to the whole app rather than to its own encapsulated context:
// Fastify's documented 'skip-override' property, which is what fastify-plugin sets.
import type { FastifyPluginAsync } from 'fastify';

export function appWide<Options extends Record<string, unknown>>(plugin: FastifyPluginAsync<Options>): FastifyPluginAsync<Options> {
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}
