// Which policy a run decides under and the model it reads, from --policy and --model: the model is a file or a
// model_id in the store (--model FILE|ID), else the latest model the store holds; the policy is `learned` by default
// when there is a model, else `rules`.
import { UserError } from '../errors.js';
import type { Store } from '../stores/index.js';
import { latestModel, loadModelFile } from './model-file.js';
import type { Policy } from './policy.js';
import type { PolicyChoice } from './single.js';

export interface PolicyRequest {
  /** Unset: learned when there is a model, else rules. */
  policy?: Policy;
  /** A model file (riverline-model/1 JSON) or a model_id in the store; unset: the latest model in the store. */
  model?: string;
}

/** The policy and model of a run; asking for a model-based policy with no model anywhere is refused, saying how to get one. */
export async function choosePolicy(request: PolicyRequest, store: Store): Promise<PolicyChoice> {
  if (request.policy === 'rules' && request.model === undefined) return { policy: 'rules', model: null };
  const model = request.model === undefined ? await latestModel(store) : await loadModelFile(request.model, store);
  const policy = request.policy ?? (model ? 'learned' : 'rules');
  if (policy !== 'rules' && model === null) {
    throw new UserError('bad_flag', `--policy ${policy} needs a model, and the store holds none: run \`riverline train\`, or pass --model FILE|ID.`, {
      actions: ['riverline train', `riverline predict --policy ${policy} --model model.json`, 'riverline predict --policy rules'],
    });
  }
  return { policy, model: policy === 'rules' ? null : model };
}
