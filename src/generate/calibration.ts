// Aggregate figures measured once on real slices of the public twcs data set (Customer Support on Twitter, Oct-Dec 2017),
// so `generate` writes files of the real file's shape. Numbers only: no real tweet text is kept here, and the product
// never reads the slices. Each figure names its source: "random 5k" is a random sample of 5,000 rows across the whole
// file (100 brands), "head" the first 2,876 rows (753 whole threads), "brand replies" 33,348 replies of seven brands,
// "pairs" 44,488 customer tweet -> first brand reply pairs with the response time.

/** The whole twcs.csv, as published: what `generate --rows 2811774` aims at (183 bytes a row, 1.14 threads a customer). */
export const REAL_FILE = { rows: 2_811_774, bytes: 516_000_000, threads: 798_012, customers: 702_669 } as const;

/** Quantile levels of the length tables below. */
export const LENGTH_LEVELS = [0, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1] as const;

/**
 * Text length in UTF-8 bytes at LENGTH_LEVELS, random 5k: customers 2,718 tweets (mean 113.0), brands 2,282 (mean
 * 121.3); all 116.8. The head slice is a little shorter (customers 104.2, brands 106.6; all 105.2).
 */
export const TEXT_BYTES = {
  customer: [4, 18, 29, 40, 60, 79, 95, 112, 126, 138, 149, 180, 237, 284, 392],
  brand: [16, 28, 47, 62, 85, 100, 111, 121, 129, 137, 146, 170, 218, 277, 389],
} as const;
/** Mean brand tweet length over all brands (random 5k): the yardstick for each brand's own mean in REPLY_STYLES. */
export const BRAND_MEAN_BYTES = 121.3;

/** How often customer tweets carry each decoration (random 5k, 2,718 customer tweets). */
export const CUSTOMER_DECORATION = { url: 0.141, emoji: 0.234, hashtag: 0.095, second_mention: 0.201, line_break: 0.039 } as const;

/**
 * Brand tweets in random 5k, per brand (100 brands, 2,282 tweets): the weights of the brand mix. Threads pick their
 * brand with these weights, so the biggest brands take their real shares (AmazonHelp 13.1%, AppleSupport 9.2%,
 * Uber_Support 4.6%) and a long tail of brands seen once or twice remains.
 */
export const BRAND_WEIGHTS: Record<string, number> = {
  AmazonHelp: 299, AppleSupport: 211, Uber_Support: 106, SpotifyCares: 79, TMobileHelp: 73, comcastcares: 70,
  Delta: 69, Tesco: 68, AmericanAir: 62, British_Airways: 56, SouthwestAir: 46, Ask_Spectrum: 42, VirginTrains: 39,
  XboxSupport: 37, ATVIAssist: 36, hulu_support: 36, ChipotleTweets: 35, UPSHelp: 35, sprintcare: 35, BofA_Help: 34,
  sainsburys: 32, idea_cares: 31, GWRHelp: 30, O2: 30, VerizonSupport: 30, AskPlayStation: 29, Safaricom_Care: 28,
  AskLyft: 27, ArgosHelpers: 25, AirAsiaSupport: 24, marksandspencer: 24, AskeBay: 23, Morrisons: 23, AdobeCare: 22,
  MicrosoftHelps: 22, AskPayPal: 21, AskTarget: 21, SW_Help: 21, AzureSupport: 20, AldiUK: 15, AskAmex: 15,
  AirbnbHelp: 14, CoxHelp: 13, Ask_WellsFargo: 12, CenturyLinkHelp: 12, ChaseSupport: 12, GreggsOfficial: 12,
  LondonMidland: 12, McDonalds: 12, airtel_care: 12, HPSupport: 11, AlaskaAir: 10, DropboxSupport: 10,
  NikeSupport: 10, AskCiti: 9, DellCares: 9, JetBlue: 9, AskPapaJohns: 8, GloCare: 7, TacoBellTeam: 7,
  VirginAtlantic: 7, AsurionCares: 6, DoorDash_Help: 5, KFC_UKI_Help: 5, VirginAmerica: 5, Walmart: 5,
  nationalrailenq: 5, ATT: 4, askpanera: 4, ArbysCares: 3, BoostCare: 3, GooglePlayMusic: 3, IHGService: 3, MOO: 3,
  NeweggService: 3, NortonSupport: 3, TwitterSupport: 3, AWSSupport: 2, GoDaddyHelp: 2, HiltonHelp: 2, Kimpton: 2,
  Postmates_Help: 2, TfL: 2, askvisa: 2, AskDSC: 1, AskRobinhood: 1, AskSeagate: 1, AskVirginMoney: 1, CarlsJr: 1,
  DunkinDonuts: 1, MTNC_Care: 1, OfficeSupport: 1, PandoraSupport: 1, PearsonSupport: 1, SCsupport: 1, VMUcare: 1,
  YahooCare: 1, asksalesforce: 1, mediatemplehelp: 1, sizehelpteam: 1,
};

/** A brand's reply habits, as shares of its replies: the channel it steers to, its signature, links and emoji. */
export interface ReplyStyle {
  dm: number;
  email: number;
  phone: number;
  /** Signed with initials (^JD) or with a first name (-Sam). */
  caret: number;
  dash: number;
  url: number;
  emoji: number;
  /** Mean reply length in bytes, where measured: scales the length drawn from TEXT_BYTES.brand. */
  mean_bytes?: number;
}

/**
 * Channel cues are the lexicon's (ask_dm, then ask_email, then ask_phone), counted as whole tokens. The seven brands of
 * "brand replies" (446 to 10,986 replies each) come from there, the other brands with 25 tweets or more in random 5k
 * from there, and every other brand uses DEFAULT_REPLY_STYLE.
 */
export const REPLY_STYLES: Record<string, ReplyStyle> = {
  AppleSupport: { dm: 0.47, email: 0.003, phone: 0.01, caret: 0, dash: 0, url: 0.654, emoji: 0.058, mean_bytes: 128.9 },
  SpotifyCares: { dm: 0.309, email: 0.029, phone: 0.008, caret: 0, dash: 0, url: 0.481, emoji: 0.179, mean_bytes: 131.3 },
  AirAsiaSupport: { dm: 0.163, email: 0.072, phone: 0.026, caret: 0, dash: 0.71, url: 0.085, emoji: 0.026, mean_bytes: 114.1 },
  McDonalds: { dm: 0.009, email: 0, phone: 0.001, caret: 0, dash: 0, url: 0.026, emoji: 0.199, mean_bytes: 77.6 },
  NikeSupport: { dm: 0.102, email: 0.01, phone: 0.058, caret: 0, dash: 0, url: 0.144, emoji: 0.004, mean_bytes: 104 },
  Walmart: { dm: 0.002, email: 0, phone: 0.004, caret: 0, dash: 0.946, url: 0.055, emoji: 0.316, mean_bytes: 85.8 },
  AskRBC: { dm: 0.177, email: 0.036, phone: 0.152, caret: 0.996, dash: 0, url: 0.164, emoji: 0.056, mean_bytes: 135.7 },
  AmazonHelp: { dm: 0.01, email: 0.04, phone: 0.02, caret: 0.93, dash: 0, url: 0.4, emoji: 0.05 },
  Uber_Support: { dm: 0.35, email: 0.05, phone: 0, caret: 0, dash: 0, url: 0.51, emoji: 0.05 },
  TMobileHelp: { dm: 0.79, email: 0, phone: 0, caret: 0, dash: 0, url: 0.49, emoji: 0.15 },
  comcastcares: { dm: 0.71, email: 0, phone: 0, caret: 0, dash: 0.13, url: 0.03, emoji: 0.05 },
  Delta: { dm: 0.16, email: 0, phone: 0, caret: 0.03, dash: 0, url: 0.12, emoji: 0.05 },
  Tesco: { dm: 0.25, email: 0.06, phone: 0.03, caret: 0, dash: 0.26, url: 0.06, emoji: 0.05 },
  AmericanAir: { dm: 0.19, email: 0, phone: 0, caret: 0, dash: 0, url: 0.06, emoji: 0.05 },
  British_Airways: { dm: 0.2, email: 0.07, phone: 0.05, caret: 0.29, dash: 0, url: 0.04, emoji: 0.02 },
  SouthwestAir: { dm: 0.13, email: 0, phone: 0, caret: 0.98, dash: 0, url: 0.13, emoji: 0.1 },
  Ask_Spectrum: { dm: 0.33, email: 0, phone: 0.1, caret: 0.38, dash: 0, url: 0.45, emoji: 0.02 },
  VirginTrains: { dm: 0.03, email: 0, phone: 0, caret: 0.95, dash: 0, url: 0.08, emoji: 0.1 },
  XboxSupport: { dm: 0.16, email: 0, phone: 0.03, caret: 1, dash: 0, url: 0.51, emoji: 0.05 },
  hulu_support: { dm: 0, email: 0, phone: 0.19, caret: 0, dash: 0, url: 0.69, emoji: 0.1 },
  ATVIAssist: { dm: 0.22, email: 0.03, phone: 0, caret: 0.97, dash: 0, url: 0.5, emoji: 0.02 },
  ChipotleTweets: { dm: 0.03, email: 0, phone: 0, caret: 0, dash: 0.8, url: 0.26, emoji: 0.1 },
  UPSHelp: { dm: 0.77, email: 0.03, phone: 0.03, caret: 0.97, dash: 0, url: 0.77, emoji: 0.02 },
  sprintcare: { dm: 0.54, email: 0, phone: 0, caret: 0, dash: 0, url: 0.26, emoji: 0.1 },
  BofA_Help: { dm: 0.09, email: 0.03, phone: 0.21, caret: 1, dash: 0, url: 0.15, emoji: 0.02 },
  sainsburys: { dm: 0.19, email: 0, phone: 0, caret: 0, dash: 0, url: 0.34, emoji: 0.05 },
  idea_cares: { dm: 0.35, email: 0, phone: 0, caret: 0, dash: 0, url: 0.39, emoji: 0.02 },
  VerizonSupport: { dm: 0.1, email: 0, phone: 0, caret: 0.97, dash: 0, url: 0.1, emoji: 0.05 },
  O2: { dm: 0.3, email: 0.03, phone: 0.07, caret: 0, dash: 0, url: 0.33, emoji: 0.05 },
  GWRHelp: { dm: 0.03, email: 0.03, phone: 0, caret: 0, dash: 0.2, url: 0.1, emoji: 0.05 },
  AskPlayStation: { dm: 0.24, email: 0.07, phone: 0, caret: 0, dash: 0, url: 0.41, emoji: 0.05 },
  Safaricom_Care: { dm: 0.36, email: 0.04, phone: 0.04, caret: 0.93, dash: 0, url: 0.21, emoji: 0.02 },
  AskLyft: { dm: 0.59, email: 0, phone: 0.19, caret: 0, dash: 0, url: 0.81, emoji: 0.02 },
  ArgosHelpers: { dm: 0.4, email: 0, phone: 0.08, caret: 0, dash: 0.44, url: 0.2, emoji: 0.05 },
};
/** Random 5k, all 2,282 brand tweets: DM 28%, e-mail 2%, phone 2%; 33% signed ^XX, 6% -Name; 34% with a link, 9% emoji. */
export const DEFAULT_REPLY_STYLE: ReplyStyle = { dm: 0.28, email: 0.02, phone: 0.02, caret: 0.33, dash: 0.06, url: 0.34, emoji: 0.09 };

/**
 * What a customer writes back to a brand reply (head, 654 such answers): thanks or a confirmed fix 15.9%, a complaint
 * again (still, again, not, never, worst...) 26%, "sent you a DM" 6.6%; the rest answers the brand's question.
 */
export const CUSTOMER_FOLLOW_UP = { thanks: 0.159, complaint: 0.26, sent_dm: 0.066 } as const;

/**
 * Thread shapes of head (753 whole threads): the deepest reply chain, root first, as C (the thread's customer), O
 * (another customer) and B (the brand), with how many threads had it. Head's threads, so this table, end on the
 * customer 15.5% of the time, and 8.4% of them have more than one customer.
 */
export const THREAD_SHAPES: Record<string, number> = {
  CB: 365, CBCB: 126, CBC: 52, CBCBCB: 37, CBCBC: 19, COB: 16, CCB: 15, CBCBCBCB: 10, CBCBCBCBCB: 9, CCBCB: 7, CBO: 6,
  BCB: 5, CBCCB: 4, COBOB: 4, COCB: 4, CBCBCBC: 3, CBCBCBCBC: 3, BCBO: 3, CCBC: 3, CBCBOB: 2, CBCBCBCBCBCBCB: 2,
  CBCCBCBC: 2, BCBOB: 2, CCBCBCB: 2, CBCBCBCBCBC: 2, CCBCBC: 2, COBO: 2, CBB: 2, CBCBCC: 2, COCOCBCBCB: 1,
  CCBCBCBCBC: 1, CCBCBCBC: 1, COCOOB: 1, COBOBOBOBOBOB: 1, CBCBB: 1, CBCCBCB: 1, COCBC: 1, CCCBCBCBCB: 1, CBOCOB: 1,
  CBCBCCC: 1, COCOCOB: 1, CBCBOBOB: 1, CBCCBCBCBC: 1, COCBCBOC: 1, BB: 1, CBCC: 1, CCBCBCBCBCCC: 1, CBCBCBOB: 1,
  CBCBCCBCB: 1, COCOB: 1, COBOOBOBOBOBOBOOO: 1, CBCBCBCBCBCB: 1, CCOOB: 1, COCOCBCB: 1, COOBO: 1, COCBOBOBO: 1,
  COBOBOBOB: 1, CBCCCCBC: 1, CBCBCBCBCBCBCBCBCBCBCBC: 1, CCBCBCBCBCBCB: 1, CBCOOO: 1, CCOCOCOCOCOCB: 1, CCCBCBCCCOC: 1,
  COBOBO: 1, COOCOCBCB: 1, COBOBOB: 1, CCCCOCB: 1, CBCCCBC: 1, CBCBCCBCBCBCB: 1, CBBCBCB: 1, BC: 1,
};
/**
 * Head's threads average 3.82 tweets (3.54 on the chain, 0.28 off it), the whole file's 2,811,774 / 798,012 = 3.52:
 * head holds the longest threads of its days. Adding this many "CB" threads (2.03 tweets with OFF_CHAIN) to
 * THREAD_SHAPES solves (753 x 3.82 + 2.03x) / (753 + x) = 3.52.
 */
export const EXTRA_TWO_TWEET_THREADS = 149;

/**
 * Tweets off the deepest chain (a second brand reply to one tweet, a second customer answer), per thread (head). Chains
 * of two tweets (367 threads) have one 2.7% of the time, a second brand reply; longer chains (386 threads) have none
 * 79.0%, 1: 11.9%, 2: 4.2%, 3: 1.6%, 4: 1.6%, 5 or more 1.8% (0.53 a thread in all, so about 12 in that last group).
 * Their authors: the brand 45%, the thread's customer 34%, another customer 21% (one already in the chain: a thread of
 * one customer's chain has one customer, as in head).
 */
export const OFF_CHAIN = {
  two_tweet_chain: 0.027,
  counts: [[1, 0.1192], [2, 0.0415], [3, 0.0155], [4, 0.0155], [12, 0.0181]] as ReadonlyArray<readonly [number, number]>,
  brand: 0.45,
  customer: 0.34,
} as const;

/**
 * The whole file has 798,012 threads and 702,669 inbound authors: 1.14 threads a customer. A thread's customer is one
 * met before with the first probability (picked through a past thread, so busy customers come back more often), and
 * another customer joining a thread is one met before with the second. Tuned on generated data to hit the ratio.
 */
export const RETURNING = { thread_customer: 0.17, other_customer: 0.45 } as const;

/** Quantile levels of the delay tables below. */
export const DELAY_LEVELS = [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99] as const;

/** Seconds from a customer tweet to the brand's first reply at DELAY_LEVELS (pairs), per brand with 150 pairs or more. */
export const BRAND_RESPONSE_SECONDS: Record<string, readonly number[]> = {
  AmazonHelp: [160, 198, 317, 569, 1052, 1635, 2019, 10921],
  AppleSupport: [368, 477, 972, 1902, 6005, 21150, 28876, 32123],
  Uber_Support: [86, 118, 217, 503, 1750, 3714, 8191, 18495],
  Tesco: [310, 537, 1734, 4178, 8434, 18409, 33333, 72368],
  SpotifyCares: [202, 313, 605, 1654, 4194, 8105, 14388, 36376],
  British_Airways: [957, 2204, 4992, 8301, 16104, 33763, 38816, 45560],
  comcastcares: [111, 187, 655, 4825, 10490, 19009, 40549, 247731],
  sainsburys: [290, 483, 1528, 19704, 71406, 101362, 135249, 149088],
  Delta: [53, 76, 151, 426, 1615, 3787, 5655, 8156],
  VirginTrains: [60, 80, 121, 222, 404, 723, 1015, 1838],
  AmericanAir: [66, 94, 209, 443, 896, 1860, 3325, 5617],
  ChipotleTweets: [156, 256, 514, 805, 1283, 2250, 16718, 34840],
  O2: [230, 393, 1059, 3762, 15567, 44371, 47173, 58159],
  GWRHelp: [84, 121, 253, 532, 1308, 4351, 6140, 67602],
  TMobileHelp: [61, 69, 96, 166, 376, 928, 1417, 9033],
  hulu_support: [346, 527, 1738, 29941, 151722, 162849, 164363, 179283],
  XboxSupport: [252, 682, 1612, 3960, 12339, 33069, 39621, 56705],
  SouthwestAir: [76, 97, 162, 373, 1059, 1935, 6689, 29413],
  Ask_Spectrum: [66, 86, 150, 346, 897, 1767, 2678, 8824],
  idea_cares: [268, 339, 592, 2368, 11698, 90668, 173332, 200908],
  ArgosHelpers: [80, 113, 256, 595, 1614, 6143, 11988, 66179],
  AirAsiaSupport: [602, 837, 1700, 11040, 27526, 61992, 197229, 225880],
  sprintcare: [95, 133, 253, 525, 1186, 3635, 17002, 99041],
  UPSHelp: [253, 379, 715, 1309, 2276, 12376, 25018, 33079],
  VerizonSupport: [96, 106, 136, 192, 293, 477, 710, 4486],
  MicrosoftHelps: [1513, 2695, 4303, 7627, 62929, 195705, 369431, 807574],
  AskPlayStation: [130, 149, 227, 661, 11541, 77186, 95820, 111012],
  Safaricom_Care: [124, 191, 481, 1548, 3300, 4638, 5900, 9393],
  ATVIAssist: [282, 491, 2304, 62947, 430643, 454688, 462970, 550031],
  AskTarget: [1094, 2056, 4205, 6401, 17606, 31655, 32570, 48229],
  marksandspencer: [317, 611, 5424, 14243, 23267, 52427, 54114, 66392],
  SW_Help: [118, 138, 197, 344, 724, 1325, 1775, 4172],
  AdobeCare: [107, 164, 480, 2206, 16068, 77407, 135128, 412674],
  Morrisons: [450, 703, 1663, 3491, 9372, 74128, 148250, 264077],
  BofA_Help: [380, 479, 875, 2556, 28553, 93594, 152430, 327987],
  AskeBay: [357, 536, 1165, 4223, 33605, 46018, 52954, 80235],
  GloCare: [332, 723, 1687, 3416, 6930, 13450, 25834, 39799],
  AskAmex: [138, 191, 330, 747, 5054, 31391, 40070, 93937],
  AskPayPal: [330, 1621, 13894, 49662, 99959, 115165, 181406, 253914],
  LondonMidland: [105, 138, 226, 383, 690, 1384, 1673, 2731],
  AskLyft: [56, 76, 148, 303, 850, 1710, 3208, 7880],
  AzureSupport: [47, 57, 116, 207, 495, 162975, 174076, 593449],
  AldiUK: [113, 233, 801, 1869, 6664, 43019, 49033, 568314],
  CoxHelp: [187, 267, 512, 1204, 2263, 3534, 3884, 7469],
  GreggsOfficial: [81, 113, 307, 1127, 5527, 50097, 58611, 82157],
  Ask_WellsFargo: [427, 710, 1446, 5077, 14711, 25087, 30587, 224429],
  ChaseSupport: [673, 1084, 2115, 4267, 29258, 46157, 55239, 79598],
  DropboxSupport: [1016, 3243, 11271, 31546, 59960, 152172, 243263, 563209],
  HPSupport: [151, 203, 1435, 8082, 41681, 130604, 261594, 326423],
  airtel_care: [755, 1114, 3036, 27758, 143669, 260591, 350403, 1493266],
  AirbnbHelp: [98, 130, 288, 584, 1264, 2285, 4813, 26013],
  DellCares: [1269, 1617, 2381, 3107, 39070, 148167, 244249, 327988],
  AlaskaAir: [58, 72, 94, 177, 413, 1076, 1943, 4775],
  VirginAtlantic: [108, 131, 504, 1377, 3304, 4453, 5068, 12044],
  JetBlue: [58, 81, 124, 216, 393, 679, 1038, 1989],
  AskCiti: [168, 244, 996, 12919, 60527, 175345, 189350, 243553],
  nationalrailenq: [153, 173, 249, 372, 727, 1292, 1665, 4733],
  Walmart: [261, 471, 2161, 6141, 22488, 51090, 66565, 162755],
};
/** All 44,488 pairs together (105 brands): the delays of brands with fewer pairs. */
export const DEFAULT_RESPONSE_SECONDS: readonly number[] = [112, 166, 371, 1141, 5370, 30225, 78597, 343763];

/** Seconds from a brand reply to the customer's answer at DELAY_LEVELS (head, 654 answers; 5% is extrapolated). */
export const CUSTOMER_ANSWER_SECONDS: readonly number[] = [40, 78, 214, 988, 10642, 70799, 196592, 981568];
