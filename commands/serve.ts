import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { storeFlags, useStoreFlags } from '../src/cli/store-flags.js';
import { DB_CHOICES, loadConfig } from '../src/config/index.js';
import { serve } from '../src/api/server.js';

export default class Serve extends BaseCommand {
  static summary = 'Serve next best actions over HTTP (POST /predict_nba) until SIGTERM or Ctrl-C.';
  static aliases = ['run_nba_api'];
  static examples = ['<%= config.bin %> serve', 'RIVERLINE_API_KEYS=k1,k2 <%= config.bin %> serve --host 0.0.0.0 --port 8080'];
  static flags = {
    db: Flags.string({ description: 'Target: clickhouse, chdb, supabase or postgres.', options: [...DB_CHOICES] }),
    host: Flags.string({ description: 'Address to listen on.', default: '127.0.0.1' }),
    port: Flags.integer({ description: 'Port to listen on.', default: 8080, min: 0, max: 65535 }),
    rules: Flags.string({ description: 'A rule set (JSON) that replaces the default rules.' }),
    home: Flags.string({ description: 'Folder for local state; default $RIVERLINE_HOME or ./.riverline.' }),
    ...storeFlags,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Serve);
    useStoreFlags(flags);
    const config = loadConfig(process.env, { db: flags.db as (typeof DB_CHOICES)[number] | undefined, home: flags.home });
    this.secrets = config.secrets;
    await serve(config, {
      host: flags.host,
      port: flags.port,
      rulesFile: flags.rules,
      apiKeys: config.api.keys,
      rateLimit: config.api.rateLimit,
      onListening: (address) => process.stderr.write(`Riverline API listening on ${address} (docs at ${address}/docs)\n`),
    });
  }
}
