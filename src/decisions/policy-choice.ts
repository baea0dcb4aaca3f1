// Which policy a run decides under and the model it reads, from the --policy and --model flags: `learned` by default
// when there is a model, else `rules`. A model comes from a file (format riverline-model/1, validated on load).
import fs from 'node:fs';
import { UserError } from '../errors.js';
import { learnedModelSchema, type LearnedModel } from './model.js';
import type { Policy } from './policy.js';
import type { PolicyChoice } from './single.js';

export interface PolicyRequest {
  /** Unset: learned when there is a model, else rules. */
  policy?: Policy;
  /** A model file (riverline-model/1 JSON). */
  model?: string;
}

/** A model file, validated; a UserError that says what is wrong otherwise. */
export function readModelFile(file: string): LearnedModel {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new UserError('file_not_found', `The model file ${file} does not exist.`, { actions: ['riverline train --export model.json'] });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserError('config_invalid', `The model file ${file} is not valid JSON: ${(error as Error).message}.`);
  }
  const parsed = learnedModelSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || 'top level'}: ${issue.message}`).join('; ');
    throw new UserError('config_invalid', `The model file ${file} is not a riverline-model/1 model: ${problems}.`, { actions: ['riverline train --export model.json'] });
  }
  return parsed.data;
}

/** The policy and model of a run; asking for a model-based policy without a model is refused, saying how to get one. */
export function choosePolicy(request: PolicyRequest): PolicyChoice {
  const model = request.model === undefined ? null : readModelFile(request.model);
  const policy = request.policy ?? (model ? 'learned' : 'rules');
  if (policy !== 'rules' && model === null) {
    throw new UserError('bad_flag', `--policy ${policy} needs a model: pass --model FILE.`, { actions: ['riverline train --export model.json', `--policy ${policy} --model model.json`, '--policy rules'] });
  }
  return { policy, model: policy === 'rules' ? null : model };
}
