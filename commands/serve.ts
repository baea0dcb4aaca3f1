import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { modelFlag, policyFlag, rulesFlag, storeFlags } from '../src/cli/flags.js';
import { serve } from '../src/api/server.js';

/** What serve --json prints once, when it listens. */
export interface ServeStarted {
  address: string;
  docs: string;
  openapi: string;
  host: string;
  port: number;
  pid: number;
  /** Whether requests need a bearer key (RIVERLINE_API_KEYS). */
  auth: boolean;
  rate_limit_per_minute: number;
}

export default class Serve extends BaseCommand {
  static summary = 'Serve next best actions over HTTP (POST /predict_nba) until SIGTERM or Ctrl-C.';
  static description =
    'Reads the customers and the latest model from the target once, then answers POST /predict_nba for one customer or a batch; ' +
    'the API is documented at /docs. kill -HUP reloads the customers after a new process or train. With --json it prints one ' +
    'object on stdout when it listens (address, docs, port, ...); logs go to stderr.';
  static hiddenAliases = ['run_nba_api'];
  static examples = [
    { description: 'Listen on 127.0.0.1:8080:', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'On every interface, with bearer keys:', command: 'RIVERLINE_API_KEYS=k1,k2 <%= config.bin %> <%= command.id %> --host 0.0.0.0 --port 8080' },
    { description: 'Any free port, the address as JSON for a script:', command: '<%= config.bin %> <%= command.id %> --port 0 --json' },
  ];
  static flags = {
    host: Flags.string({ description: 'Address to listen on.', default: '127.0.0.1' }),
    port: Flags.integer({ description: 'Port to listen on (0: any free port).', default: 8080, min: 0, max: 65535 }),
    rules: rulesFlag,
    policy: policyFlag,
    model: modelFlag,
    ...storeFlags,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Serve);
    const config = this.loadConfig(flags);
    await serve(config, {
      host: flags.host,
      port: flags.port,
      rulesFile: flags.rules,
      policy: { policy: flags.policy, model: flags.model },
      apiKeys: config.api.keys,
      rateLimit: config.api.rateLimit,
      onListening: (address) => {
        if (!this.jsonEnabled()) {
          const keys = config.api.keys.length > 0 ? '; no key needed for these, every other route but /health needs Authorization: Bearer <key>' : '';
          process.stderr.write(`Riverline API listening on ${address} (docs at ${address}/docs, OpenAPI at ${address}/openapi.json${keys})\n`);
          return;
        }
        const started: ServeStarted = {
          address,
          docs: `${address}/docs`,
          openapi: `${address}/openapi.json`,
          host: flags.host,
          port: Number(new URL(address).port || flags.port),
          pid: process.pid,
          auth: config.api.keys.length > 0,
          rate_limit_per_minute: config.api.rateLimit,
        };
        this.printJson(started);
      },
    });
  }
}
