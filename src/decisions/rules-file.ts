// Where the rules ship: predict, evaluate and serve read this file unless given another.
import { dataFile } from '../data-file.js';

export function defaultRulesPath(): string {
  return dataFile(import.meta.url, 'default-rules.json');
}
