// What the backtest returns: evaluate computes it, evaluate-report renders it as HTML.
import type { Channel } from './rules.schema.js';

export interface ChannelScore {
  precision: number;
  recall: number;
  f1: number;
  support: number;
  predicted: number;
}

export interface EvaluationResult {
  samples: number;
  agreement: number;
  macro_f1: number;
  baseline_channel: Channel;
  baseline_agreement: number;
  baseline_macro_f1: number;
  per_channel: Record<Channel, ChannelScore>;
  /** confusion[actual][predicted] = count */
  confusion: Record<Channel, Record<Channel, number>>;
  timing: { median_predicted_delay_minutes: number | null; median_actual_response_minutes: number | null; median_absolute_difference_minutes: number | null };
  rules: string;
  html: string | null;
  seconds: number;
}
