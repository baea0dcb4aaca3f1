// Flags of the ingest stage, shared by `ingest` and `run`: the file's encoding and the plausible time window.
import { Flags } from '@oclif/core';
import { ENCODINGS, type EncodingChoice } from '../config/index.js';

const instant = Flags.custom<Date>({
  parse: async (input) => {
    const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(input) ? `${input}T00:00:00Z` : input);
    if (Number.isNaN(date.getTime())) throw new Error(`Expected a date or time such as 2017-10-01 or 2017-10-01T12:00:00Z but received: ${input}`);
    return date;
  },
});

export const ingestFlags = {
  encoding: Flags.string({
    description: 'File encoding: auto reads UTF-8 and decodes records that are not UTF-8 as Windows-1252; windows-1252 (or latin-1) decodes every record so.',
    options: [...ENCODINGS],
    default: 'auto',
  }),
  'not-before': instant({ description: 'Quarantine tweets older than this (default 2006-03-21, Twitter\'s first day).' }),
  'not-after': instant({ description: 'Quarantine tweets newer than this (default one day after the newest time that is not in the future).' }),
};

/** The ingest options these flags set. */
export function ingestOptionsOf(flags: { encoding: string; 'not-before'?: Date; 'not-after'?: Date }): { encoding: EncodingChoice; notBefore?: Date; notAfter?: Date } {
  return { encoding: flags.encoding as EncodingChoice, notBefore: flags['not-before'], notAfter: flags['not-after'] };
}
