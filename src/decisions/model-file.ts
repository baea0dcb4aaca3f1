// A model moves as data: `train --export` writes one to a JSON file, and --model takes such a file or the id of a
// model in the store. Either way the model is checked against the format (learnedModelSchema) before it is used.
import fs from 'node:fs';
import { UserError, messageOf } from '../errors.js';
import type { Store } from '../stores/index.js';
import { learnedModelSchema, type LearnedModel } from './model.js';

/** Writes a model to a JSON file (two-space indented); returns the path. */
export function writeModelFile(file: string, model: LearnedModel): string {
  fs.writeFileSync(file, `${JSON.stringify(model, null, 2)}\n`);
  return file;
}

/** A model from a file made by `train --export`, or else from the store by model id. */
export async function loadModelFile(pathOrId: string, store: Store): Promise<LearnedModel> {
  if (fs.existsSync(pathOrId) && fs.statSync(pathOrId).isFile()) return parseModel(readJson(pathOrId), `the model file ${pathOrId}`);
  if (/[/\\]|\.json$/i.test(pathOrId)) {
    throw new UserError('file_unreadable', `There is no model file ${pathOrId}.`, { actions: ['riverline train --export model.json'] });
  }
  const row = await store.loadModel(pathOrId);
  if (!row) {
    throw new UserError('file_unreadable', `There is no model file or stored model named ${pathOrId}.`, {
      actions: ['riverline train', "riverline explore --query \"SELECT model_id, trained_at, training_rows FROM models\""],
    });
  }
  return parseModel(row.model, `model ${pathOrId} in the store`);
}

/** The latest model the store holds, or null when it holds none. */
export async function latestModel(store: Store): Promise<LearnedModel | null> {
  const row = await store.loadModel(null);
  return row ? parseModel(row.model, `model ${row.model_id} in the store`) : null;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UserError('file_unreadable', `The model file ${file} is not JSON: ${messageOf(error)}`, { cause: error });
  }
}

function parseModel(value: unknown, where: string): LearnedModel {
  const parsed = learnedModelSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new UserError('file_unreadable', `${where} is not a Riverline model (riverline-model/1): ${issue.path.join('.') || 'the file'}: ${issue.message}.`, {
    actions: ['riverline train --export model.json'],
  });
}
