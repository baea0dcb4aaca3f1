// The generator's own words: what customers and agents write, per topic and channel, and how a tweet is assembled
// to a drawn length from an opening sentence plus extra sentences and decorations. No real tweet is kept here.
// Agent sentences of the generic pools carry no channel cue, so a reply's channel is the one its core sentence names.

/** A pool of sentences sorted by UTF-8 length, so the longest that still fits a length is one search away. */
export interface Pool {
  texts: readonly string[];
  bytes: readonly number[];
}

export function pool(texts: readonly string[]): Pool {
  const sorted = [...texts].sort((a, b) => Buffer.byteLength(a) - Buffer.byteLength(b));
  return { texts: sorted, bytes: sorted.map((text) => Buffer.byteLength(text)) };
}

/** How many of the pool's texts are at most `room` bytes. */
function fitting(from: Pool, room: number): number {
  let low = 0;
  let high = from.bytes.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (from.bytes[mid] <= room) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** A random text of at most `room` bytes, or the shortest one when none fits. */
export function pickFitting(random: () => number, from: Pool, room: number): string {
  const n = fitting(from, room);
  return n === 0 ? from.texts[0] : from.texts[Math.floor(random() * n)];
}

/**
 * Appends sentences of the pools, each at most the room left, until the text is within a few bytes of `target`
 * or nothing fits any more.
 */
export function fillTo(random: () => number, text: string, bytes: number, target: number, extras: readonly Pool[]): string {
  for (let step = 0; step < 8; step++) {
    const room = target - bytes - 1;
    if (room < 4) break;
    const from = extras[Math.floor(random() * extras.length)];
    const n = fitting(from, room);
    if (n === 0) {
      if (from.bytes[0] > room && extras.every((p) => p.bytes[0] > room)) break;
      continue;
    }
    const piece = from.texts[Math.floor(random() * n)];
    text += ` ${piece}`;
    bytes += 1 + Buffer.byteLength(piece);
  }
  return text;
}

export const TOPIC_NAMES = ['billing', 'outage', 'delivery', 'account', 'refund', 'technical', 'travel', 'food', 'praise'] as const;
export type Topic = (typeof TOPIC_NAMES)[number];

/** What a brand's customers write about, by the kind of business (weights over TOPIC_NAMES). */
const SECTOR_TOPICS: Record<string, readonly number[]> = {
  //          billing outage delivery account refund technical travel food praise
  air: [0.05, 0, 0.06, 0.05, 0.14, 0.04, 0.56, 0, 0.1],
  rail: [0.06, 0, 0, 0.03, 0.12, 0.04, 0.65, 0, 0.1],
  telecom: [0.25, 0.33, 0.04, 0.15, 0.05, 0.12, 0, 0, 0.06],
  retail: [0.08, 0, 0.45, 0.1, 0.2, 0.05, 0, 0.02, 0.1],
  food: [0.05, 0, 0.14, 0.03, 0.1, 0.03, 0, 0.5, 0.15],
  bank: [0.38, 0.03, 0, 0.33, 0.1, 0.1, 0, 0, 0.06],
  tech: [0.1, 0.06, 0.03, 0.2, 0.06, 0.45, 0, 0, 0.1],
  ride: [0.28, 0, 0, 0.14, 0.2, 0.1, 0.18, 0, 0.1],
};

const SECTOR_OF: Record<string, string> = Object.fromEntries(
  Object.entries({
    air: 'Delta AmericanAir British_Airways SouthwestAir AirAsiaSupport AlaskaAir JetBlue VirginAtlantic VirginAmerica IHGService HiltonHelp Kimpton',
    rail: 'VirginTrains GWRHelp LondonMidland nationalrailenq SW_Help TfL',
    telecom: 'TMobileHelp comcastcares Ask_Spectrum sprintcare idea_cares O2 VerizonSupport Safaricom_Care CoxHelp CenturyLinkHelp airtel_care GloCare ATT BoostCare MTNC_Care VMUcare',
    retail: 'AmazonHelp Tesco UPSHelp sainsburys ArgosHelpers marksandspencer AskeBay Morrisons AskTarget AldiUK Walmart NikeSupport NeweggService MOO sizehelpteam DoorDash_Help Postmates_Help',
    food: 'ChipotleTweets GreggsOfficial McDonalds AskPapaJohns TacoBellTeam KFC_UKI_Help askpanera ArbysCares CarlsJr DunkinDonuts',
    bank: 'BofA_Help AskPayPal AskAmex Ask_WellsFargo ChaseSupport AskCiti askvisa AskRobinhood AskVirginMoney AskRBC',
    ride: 'Uber_Support AskLyft AirbnbHelp',
  }).flatMap(([sector, names]) => names.split(' ').map((name) => [name, sector])),
);

/** The topic weights of a brand's customers; brands of no listed sector are software and devices. */
export function topicWeights(brand: string): readonly number[] {
  return SECTOR_TOPICS[SECTOR_OF[brand] ?? 'tech'];
}

const OPENERS: Record<Topic, Pool> = {
  billing: pool([
    'why was I charged twice?',
    'I was charged twice for my bill this month. Why?',
    'my bill went up $40 with no explanation, this is ridiculous',
    'there is a charge on my account I never authorized. Please fix it now',
    'why is my invoice showing a late fee when I paid on time?',
    'you took the payment twice this month and now my account is overdrawn',
    'just got billed for a plan I cancelled in September',
    'can someone explain the extra fees on my latest bill?',
    'my card was declined but the money still left my account?',
    "I've been overcharged for three months running and nobody can tell me why",
    'the price on my plan changed without any notice',
  ]),
  outage: pool([
    'is there an outage?',
    'internet down again',
    'my internet has been down for 3 hours, no signal at all',
    'is there an outage? wifi keeps dropping every 10 minutes',
    'no service in my area since this morning. Fix it asap!',
    'connection is so slow I cannot even load a page',
    "paying for 100mb and getting 2. what's going on",
    'no signal at home for two days now, I work from home and this is costing me',
    'my data stopped working after midnight, phone just says no network',
    'the whole street has been without internet since yesterday',
  ]),
  delivery: pool([
    'where is my order?',
    'my package was supposed to arrive yesterday and tracking has not moved',
    'order #112-3344556 never arrived, where is it?',
    'the delivery driver left my parcel in the rain, it is ruined',
    'still waiting on my order after 2 weeks',
    'tracking says delivered but there is nothing at my door',
    'paid for next day delivery and it is now day four',
    'my parcel has been "out for delivery" since Monday',
    'half my order is missing and the box was open',
    'the courier marked it as "customer not home" but I was here all day',
  ]),
  account: pool([
    "can't log in",
    "I can't log in to my account, password reset email never comes",
    'my account got locked and I have no idea why',
    'someone hacked my account and changed my email address',
    'two factor code is not arriving, locked out of my account',
    'the app keeps logging me out every time I open it',
    'how do I change the name on my account?',
    'my account says suspended but I have paid everything',
    'I keep getting a verification code I never asked for, is my account safe?',
  ]),
  refund: pool([
    'where is my refund?',
    'I want a refund for my cancelled order, it has been 10 days',
    'how do I cancel my subscription? I keep getting charged',
    'still waiting for my refund, this is unacceptable',
    'please cancel my account immediately',
    'returned the item three weeks ago and still no refund',
    'you said the refund would take 3-5 days, it has been 12',
    'I cancelled my trial before it ended and you still took the money',
  ]),
  technical: pool([
    'app keeps crashing',
    'the app keeps crashing after the latest update',
    'my phone screen freezes every time I open the camera',
    "the update broke bluetooth, my headphones won't connect",
    'error code 0x80070005 when I try to install the game',
    'battery drains from 100 to 20 in two hours since iOS 11',
    'my music keeps stopping every few seconds, offline mode does nothing',
    "the autocorrect is changing 'i' to 'A [?]' ever since the update",
    'the game disconnects from the server every match',
    'my laptop will not turn on after the latest update, just a black screen',
    'playlists disappeared from my library overnight',
  ]),
  travel: pool([
    'flight delayed again',
    'my flight was delayed 4 hours and now I missed my connection',
    'train cancelled again, stuck at the station with no information',
    'you lost my luggage on flight 1182, nobody at the desk can help',
    'flight cancelled and the rebooking line has a 3 hour wait',
    'the 07:42 is late every single day this week',
    'no seats, no wifi and the toilets are out of order on this train',
    'sat on the plane for 2 hours at the gate with no updates',
    'can I change my seat without paying the fee?',
    'my bag arrived damaged, the handle is completely broken',
  ]),
  food: pool([
    'my order was wrong',
    'ordered a large meal and got a small one, again',
    'waited 40 minutes for my food and it arrived cold',
    'no sauce, no straw and half the fries missing 🙄',
    'the ice cream machine is broken again?',
    'found a hair in my burrito, not impressed',
    'the app took my money but the store never got the order',
    'your staff at the drive thru were so rude tonight',
  ]),
  praise: pool([
    'you guys rock',
    'huge thanks to your team for the quick help today!',
    'best customer service ever, you guys rock',
    'love the new update, great job',
    'shoutout to the agent who sorted my issue in minutes',
    'just wanted to say the crew on my flight today were amazing',
    'my order came a day early, thank you!',
  ]),
};

const DETAILS: Record<Topic, Pool> = {
  billing: pool(['Account ending 4471.', 'It was $59.99 both times.', 'I paid on the 3rd like always.', 'Nobody told me about a price change.', 'I want the fee taken off.', 'This is the second time this year.']),
  outage: pool(['Postcode is M14 5RT.', 'Restarted the router twice.', 'All the lights on the modem are on.', 'Neighbours have the same problem.', 'Speed test says 0.8 Mbps.', 'It drops every evening around 7.']),
  delivery: pool(['Tracking has not updated since Tuesday.', 'It was a birthday present.', 'Order number 112-3344556-7789.', 'I paid extra for tracked shipping.', 'The driver did not even knock.']),
  account: pool(['I have tried resetting three times.', 'My username is the same as my handle.', 'I have had this account for 6 years.', 'I never got the reset link.', 'It says my details are incorrect.']),
  refund: pool(['I have the receipt.', 'The return was signed for on the 2nd.', 'That was £45.', 'I was told 3-5 working days.', 'Nobody has replied to me.']),
  technical: pool(['iPhone 7, iOS 11.0.3.', 'Already reinstalled it twice.', 'Cleared the cache, same thing.', 'It worked fine before the update.', 'Running the latest version.', 'Happens on wifi and on 4G.']),
  travel: pool(['Booking ref QX7T2L.', 'I have a meeting at 9.', 'Staff at the gate had no idea.', 'Third delay this week.', 'Now I will miss my connection.', 'Coach B, seat 42.']),
  food: pool(['This was at the Oxford Street store.', 'Order was placed at 8:15.', 'I have the receipt right here.', 'Paid £12 for this.', 'Kids were so disappointed.']),
  praise: pool(['Made my day!', 'Will definitely be back.', '10/10.', 'Sarah was great!', 'Keep it up.']),
};

/** Any topic: feelings, waiting, asks. Customer words only (cue words fine: customers do write "call"). */
const CUSTOMER_EXTRAS = pool([
  'Please help.', 'Any update?', 'Sort it out!', 'Not happy.', 'Absolutely fuming.', 'What is going on?', 'Seriously?',
  'This is the third time this week.', 'Can someone actually help me?', "I've been a customer for 8 years.",
  'Really disappointed with the service.', 'Nobody seems to know what is going on.', 'I just want this fixed.',
  'Been on hold for 45 minutes already.', 'Why is this so hard?', 'I expected better from you.',
  'Is anyone even reading these?', 'I have work in the morning and need this sorted tonight.', 'Shocking.',
  'Getting really tired of this.', 'A quick answer would be nice.', 'Honestly not sure what else to do.',
  'Every single time.', 'This has been going on for days now.', 'Not the first time either.', 'Come on guys.',
]);
const HASHTAGS = pool(['#fail', '#customerservice', '#notimpressed', '#help', '#frustrated', '#iOS11', '#neveragain', '#annoyed', '#sortitout', '#poorservice']);
const EMOJI = pool(['😡', '🙄', '😤', '🤬', '😢', '🙏', '😊', '👍', '💯', '😩', '❤️', '😂', '🤔', '😭', '👎', '😒']);
const SHORT_CUSTOMER = pool(['?', '??', 'hello?', 'thanks', 'help', 'any news?', 'ok', 'done', 'yes', 'no', 'why?', 'still nothing', 'DM sent', 'ty!', 'nope', 'will do']);

/** A customer's answer to a brand reply, by kind (CUSTOMER_FOLLOW_UP gives the rates). */
const ANSWERS = {
  thanks: pool([
    'thanks', 'Thanks, that worked!', 'thank you so much 🙏', 'All sorted now, cheers', 'That fixed it, appreciate the quick reply',
    'thanks for getting back to me so quickly', 'perfect, thank you!', 'It works now, thanks for the help', 'Great, thanks a lot',
    'brilliant, received it this morning. thanks', 'Cheers, that did the trick',
  ]),
  complaint: pool([
    'still not fixed', 'still not fixed. this is the worst service ever 😡', "I've done all that already and it still doesn't work",
    'Nobody has got back to me yet', "This is ridiculous, it's been 3 days", 'no reply yet?? hello??', 'same problem again today',
    'That did not help at all', 'You said that last week and nothing has changed', "I'm not doing that again, it never works",
    'still waiting for an answer', 'This is unacceptable. I want to speak to a manager',
  ]),
  sent_dm: pool(['DM sent', 'Just sent you a DM', 'ok done, sent you a DM', "I've messaged you the details", 'DMed you', 'Sent you a message with my details']),
  answer: pool([
    'yes', 'I have', 'ok will try', "It's an iPhone 7 on iOS 11.0.3", 'Order number is 112-3344556', "I'm in Manchester",
    "Yes I've tried that", 'Ok I will try that now', 'It started yesterday', 'The app and the website', 'On wifi and on data',
    'What do you need from me?', "It's the one ending 4471", 'How long will that take?', 'Is there no other way?',
    "I don't have a laptop, just my phone", 'Tried that already, same thing', 'I did that this morning',
    'Ok but when will it be fixed?', "I'm on the latest version", 'London Euston to Manchester', 'Around 6pm yesterday',
  ]),
} as const;

/** What follows a customer's thanks: no second thanks. */
const THANKS_EXTRAS = pool([
  'You guys are great.', '👍', 'Much better now.', 'Have a good day!', 'Back to normal.', 'Will let you know if it happens again.',
  'Really quick too.', 'Knew it would be something simple.', 'Crisis averted 😂', 'All good now.', 'Great service as always.',
]);

const OTHER_CUSTOMER = pool([
  'same here', 'Same problem here', "I'm having the same issue 😩", 'same thing happened to me last week',
  'Having the exact same problem since this morning', 'Me too, nobody has helped me either', 'any luck? mine is the same',
  'This happens to me all the time', 'did you ever get this sorted?', 'Good luck, they never reply to me',
]);

/** The agent's opening move, per channel: each carries its channel's cue (dm, email, call/phone) and no other. */
const BRAND_CORES = {
  dm: pool([
    'DM us.', 'Please DM us.', 'Send us a DM and we can help.', 'Could you send us a DM with more details?',
    "Send us a DM with your account details and we'll take a closer look.", "Let's take this to DM so we can look into your account.",
    "Please reach out to us via DM and we'll go from there.", "We'd like to help. Can you DM us the email address on your account?",
    'Please send us a direct message with your order number so we can check on this.', 'Meet us in DM and we will get this sorted.',
    'Can you send us a private message with your full name and postcode?', 'Check your inbox, we have sent you a message.',
  ]),
  email: pool([
    'Please email us.', 'Could you email our team the details so we can investigate?', "Drop us an email and we'll get back to you within 24 hours.",
    'Please email help@support.example.com with your order number and we will look into it.',
    'Our team can look into this by email: include your booking reference.', 'Can you email us a photo of the receipt?',
  ]),
  phone: pool([
    'Please give us a call.', 'Please give us a call at 1-800-555-0123 so we can help.', 'Our team can help over the phone: 0800 555 0134, open 8am to 8pm.',
    'Could you call our support line so we can look into this with you?', 'Please phone us on 0345 600 0123 and choose option 3.',
    "Can we give you a call? Let us know a good time and we'll ring you.",
  ]),
  public: pool([
    'Hi!', "We're on it.", "We're sorry to hear about this.", 'Have you tried restarting the app and signing back in?',
    "That's not what we like to hear.", "We've passed this on to the team.", 'Here is how to update: Settings > General > Software Update.',
    'Thanks for your patience, engineers are working on a fix.', 'You can track your order here:', 'Which version are you running?',
    'We have a known issue in your area and engineers are working to fix it.', 'Your refund has been processed and should show within 3-5 days.',
    'The delay was caused by a signal failure near Reading, sorry for the disruption.', 'Try clearing the cache and reinstalling the app.',
    'Sorry for the wait, the store manager has been made aware.', 'Does this happen on both wifi and mobile data?',
    'Glad to hear it!', 'Happy to help!', 'Thanks for the kind words, we will pass them on!',
  ]),
} as const;
export type Channel = keyof typeof BRAND_CORES;

/** The agent's other sentences: empathy, thanks, questions, closings. No channel cue in any of them. */
const BRAND_EXTRAS = pool([
  "We're sorry for the trouble.", 'Thanks for reaching out!', "We'll be happy to help.", 'Let us know how it goes.',
  'We appreciate your patience.', 'Hope this helps!', 'Apologies for any inconvenience caused.', 'We want to make this right.',
  'Which device are you using?', "Let's get this sorted out together.", "That's definitely not the experience we want for you.",
  'We understand how frustrating this must be.', 'Thanks for letting us know.', "We'll take a look.", 'Sorry about that!',
  "We've shared this with the right team.", 'Can you tell us a bit more about what happened?', 'Have a great day!',
  'Thanks for bearing with us.', 'We hear you.', 'Let us know if there is anything else.', "We'll keep you posted.",
  'What iOS version are you on?', 'Where are you travelling from today?', 'Sorry to keep you waiting.',
]);
const BRAND_GREETINGS = pool(['Hi there!', 'Hey!', 'Hello,', 'Hi,', 'Hey there.', 'Hi again,', 'Good morning!', 'Hey, thanks for the tweet.']);
const CLOSINGS = pool([
  'Glad to hear it!', 'Great news!', 'Awesome, enjoy!', 'Happy to help!', 'Anytime!', 'Glad we could help. Have a great day!',
  'Brilliant, have a lovely evening!', "You're welcome! Let us know if there's anything else.", 'Enjoy the rest of your day!',
]);
const SIGNATURE_NAMES = ['Sam', 'Jess', 'Tom', 'Priya', 'Luis', 'Amy', 'Chris', 'Nina', 'Dave', 'Kate', 'Omar', 'Beth'];
const INITIALS = 'ABCDEFGHJKLMNPRSTW';

export function openerPool(topic: Topic): Pool {
  return OPENERS[topic];
}
export function detailPool(topic: Topic): Pool {
  return DETAILS[topic];
}

export const POOLS = {
  customerExtras: CUSTOMER_EXTRAS,
  hashtags: HASHTAGS,
  emoji: EMOJI,
  shortCustomer: SHORT_CUSTOMER,
  answers: ANSWERS,
  thanksExtras: THANKS_EXTRAS,
  otherCustomer: OTHER_CUSTOMER,
  brandCores: BRAND_CORES,
  brandExtras: BRAND_EXTRAS,
  greetings: BRAND_GREETINGS,
  closings: CLOSINGS,
};

/** An agent's signature: initials (^JD) or a first name (-Sam); '' when the brand signs no tweet. */
export function signature(random: () => number, caret: number, dash: number): string {
  const u = random();
  if (u < caret) return ` ^${INITIALS[Math.floor(random() * INITIALS.length)]}${INITIALS[Math.floor(random() * INITIALS.length)]}`;
  if (u < caret + dash) return ` -${SIGNATURE_NAMES[Math.floor(random() * SIGNATURE_NAMES.length)]}`;
  return '';
}

/** A t.co link as twcs has them: 23 characters. */
export function shortLink(random: () => number): string {
  return `https://t.co/${Math.floor(random() * 2 ** 52).toString(36).padStart(10, 'x').slice(0, 10)}`;
}
