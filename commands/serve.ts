import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { modelFlag, policyFlag, rulesFlag, storeFlags } from '../src/cli/flags.js';
import { serve } from '../src/api/server.js';

export default class Serve extends BaseCommand {
  static summary = 'Serve next best actions over HTTP (POST /predict_nba) until SIGTERM or Ctrl-C.';
  static aliases = ['run_nba_api'];
  static examples = ['<%= config.bin %> serve', 'RIVERLINE_API_KEYS=k1,k2 <%= config.bin %> serve --host 0.0.0.0 --port 8080'];
  static flags = {
    host: Flags.string({ description: 'Address to listen on.', default: '127.0.0.1' }),
    port: Flags.integer({ description: 'Port to listen on.', default: 8080, min: 0, max: 65535 }),
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
      onListening: (address) => process.stderr.write(`Riverline API listening on ${address} (docs at ${address}/docs)\n`),
    });
  }
}
