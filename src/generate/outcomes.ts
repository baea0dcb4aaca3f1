// The causal model behind `generate --outcomes`: a ground truth for the backtest's estimators. Each thread is one
// customer issue with a topic; the brand answers once, steering to a channel drawn from a known, stochastic logging
// policy (every action has positive probability); the customer's follow-up is drawn from a known
// P(resolved | topic, action). Tests read these tables to compute any policy's true resolution rate.
import { ACTIONS, type Action } from '../decisions/model.js';

/** The issue topics, named as the lexicon's topics so `process` detects the topic the thread was written with. */
export const OUTCOME_TOPICS = ['billing', 'connectivity', 'delivery', 'account', 'refund', 'technical', 'travel', 'praise'] as const;
export type OutcomeTopic = (typeof OUTCOME_TOPICS)[number];

/** Brands write in one of two styles: those at an even position of BRANDS lean public, the others lean to DMs. */
export type BrandStyle = 'public_first' | 'private_first';

export const CAUSAL_MODEL = {
  /** P(resolved | topic, action): billing and account resolve best in a DM, technical and connectivity on a call, refunds by e-mail. */
  resolution: {
    billing: { twitter_public_reply: 0.2, twitter_dm_reply: 0.6, email_reply: 0.4, scheduling_phone_call: 0.35 },
    connectivity: { twitter_public_reply: 0.3, twitter_dm_reply: 0.35, email_reply: 0.2, scheduling_phone_call: 0.55 },
    delivery: { twitter_public_reply: 0.5, twitter_dm_reply: 0.4, email_reply: 0.3, scheduling_phone_call: 0.25 },
    account: { twitter_public_reply: 0.15, twitter_dm_reply: 0.55, email_reply: 0.45, scheduling_phone_call: 0.3 },
    refund: { twitter_public_reply: 0.2, twitter_dm_reply: 0.4, email_reply: 0.55, scheduling_phone_call: 0.3 },
    technical: { twitter_public_reply: 0.3, twitter_dm_reply: 0.3, email_reply: 0.25, scheduling_phone_call: 0.6 },
    travel: { twitter_public_reply: 0.4, twitter_dm_reply: 0.5, email_reply: 0.2, scheduling_phone_call: 0.35 },
    praise: { twitter_public_reply: 0.6, twitter_dm_reply: 0.3, email_reply: 0.2, scheduling_phone_call: 0.1 },
  } satisfies Record<OutcomeTopic, Record<Action, number>>,
  /** When not resolved, the customer comes back angrier with this probability, else stays silent. */
  escalation_if_unresolved: 0.5,
  /** The logging policy: weights per action, multiplied by the topic's and the brand style's tilt, then normalised. */
  logging: {
    base: { twitter_public_reply: 0.55, twitter_dm_reply: 0.25, email_reply: 0.1, scheduling_phone_call: 0.1 },
    topic_tilt: {
      billing: { twitter_dm_reply: 1.6 },
      account: { twitter_dm_reply: 1.6 },
      refund: { email_reply: 1.6 },
      technical: { scheduling_phone_call: 1.6 },
      connectivity: { scheduling_phone_call: 1.6 },
      praise: { twitter_public_reply: 2 },
    } as Partial<Record<OutcomeTopic, Partial<Record<Action, number>>>>,
    style_tilt: {
      public_first: { twitter_public_reply: 1.5 },
      private_first: { twitter_dm_reply: 1.5 },
    } as Record<BrandStyle, Partial<Record<Action, number>>>,
  },
} as const;

export function brandStyle(brandIndex: number): BrandStyle {
  return brandIndex % 2 === 0 ? 'public_first' : 'private_first';
}

/** The logging policy's P(action | topic, brand style), in the order of ACTIONS. */
export function loggingPolicy(topic: OutcomeTopic, style: BrandStyle): Record<Action, number> {
  const { base, topic_tilt, style_tilt } = CAUSAL_MODEL.logging;
  const weight = (action: Action) => base[action] * (topic_tilt[topic]?.[action] ?? 1) * (style_tilt[style][action] ?? 1);
  const total = ACTIONS.reduce((sum, action) => sum + weight(action), 0);
  return Object.fromEntries(ACTIONS.map((action) => [action, weight(action) / total])) as Record<Action, number>;
}

/**
 * The true probability that a decision resolves the issue. Any other channel (`no_action`) resolves nothing: the
 * model writes no outcome for it, so a policy that waits is valued at 0 there, as the estimators value it.
 */
export function resolutionProbability(topic: OutcomeTopic, channel: string): number {
  return (ACTIONS as readonly string[]).includes(channel) ? CAUSAL_MODEL.resolution[topic][channel as Action] : 0;
}

/** What each thread's customer writes first, per topic: each text's lexicon topic (most hits) is its own. */
export const OPENERS: Record<OutcomeTopic, readonly string[]> = {
  billing: [
    'I was charged twice on my bill this month',
    'my bill went up with a fee I never agreed to, why was I billed this',
    'there is a charge on my invoice I did not make, please check the payment',
    'you charged me a late fee but I paid my bill on time',
  ],
  connectivity: [
    'my internet has been down since this morning, no signal at all',
    'wifi keeps dropping, is there an outage in my area',
    'the connection speed is so slow I cannot load a page, router restarted twice',
    'no network coverage at home for two days now',
  ],
  delivery: [
    'my package was supposed to arrive yesterday and the tracking has not moved',
    'my order never arrived, where is my parcel',
    'the courier left my parcel in the rain and the package is ruined',
    'shipping says delivered but no order at my door',
  ],
  account: [
    "I can't log in to my account, the password reset never comes",
    'my account got locked and the verification code does not work',
    'someone hacked my account and changed my password',
    'sign in fails on my account, the login code is wrong every time',
  ],
  refund: [
    'I want a refund for my cancelled subscription, it has been 10 days',
    'still waiting for my refund after I returned the item, I want my money back',
    'how do I cancel my subscription and get a refund',
    'please cancel my subscription and return my money',
  ],
  technical: [
    'the app keeps crashing after the latest update',
    'my phone screen freezes every time I open the app',
    "the update broke bluetooth on my device, my headphones won't pair",
    'error when I try to install the game on my laptop',
  ],
  travel: [
    'my flight was delayed 4 hours and I missed my connecting flight at the airport',
    'train cancelled again, stuck at the station with no information about my journey',
    'you lost my luggage on the flight, nobody at the gate can help',
    'the flight was cancelled and the rebooking desk at the airport has a 3 hour queue',
  ],
  praise: [
    'huge thanks to your team, excellent help today',
    'best customer service, you rock',
    'love the new look, awesome work',
    'shoutout to the agent who sorted my issue, brilliant',
  ],
};

/** The brand's reply per action: each carries the lexicon's cue for its channel (ask_dm, ask_email, ask_phone) and no other. */
export const REPLIES: Record<Action, readonly string[]> = {
  twitter_public_reply: [
    "Sorry to hear that. We've looked into it and it should be sorted within the hour.",
    'Thanks for telling us. Our team is on it and we will post an update here shortly.',
    "We're sorry about this. Could you try again now? It should work.",
  ],
  twitter_dm_reply: [
    "Sorry to hear that. Please send us a DM with the details and we'll sort it out.",
    "We'd like to help. Can you DM us so we can look into this privately?",
    "Sorry about this! Send us a direct message and we'll take a look.",
  ],
  email_reply: [
    "Sorry to hear that. Please email us at help@example.com and we'll sort it out.",
    "We'd like to help. Could you email our support team the details?",
    "Sorry about this! Drop us an email with your details and we'll take a look.",
  ],
  scheduling_phone_call: [
    "Sorry to hear that. Please give us a call on 1-800-555-0199 and we'll sort it out.",
    "We'd like to help. Can we call you? Reply with a good time.",
    'Sorry about this! Please phone our team and we will fix it together.',
  ],
};

/** The customer's follow-up when the issue is resolved: thanks or a confirmed fix, with no negation; then silence. */
export const RESOLVED_FOLLOW_UPS: readonly string[] = ['thanks, that fixed it!', 'thank you so much, all sorted now', 'it works now, thanks', 'perfect, resolved. cheers'];

/** The customer's follow-up when the issue escalates: a complaint again, angrier, with escalation cues. */
export const ESCALATED_FOLLOW_UPS: readonly string[] = [
  'still not fixed. this is ridiculous, I want to speak to a manager',
  'this is unacceptable, nothing has changed. I will complain',
  'worst service ever, still waiting. I am cancelling',
  'ridiculous. I want a supervisor now, this is still broken',
];

export type Outcome = 'resolved' | 'escalated' | 'silent';

/** One generated decision, as the causal model drew it: what a test needs to know the truth behind a brand reply. */
export interface GeneratedDecision {
  /** The brand reply's tweet id. */
  reply_id: string;
  customer_id: string;
  brand: string;
  topic: OutcomeTopic;
  action: Action;
  /** The logging policy's probability of the action taken. */
  propensity: number;
  outcome: Outcome;
}

/** Draws an action from a distribution over ACTIONS with one uniform number. */
export function drawAction(probabilities: Record<Action, number>, u: number): Action {
  let cumulative = 0;
  for (const action of ACTIONS) {
    cumulative += probabilities[action];
    if (u < cumulative) return action;
  }
  return ACTIONS[ACTIONS.length - 1];
}
