// What process reads from a ClickHouse target: one row per interaction of the platform. The DuckDB engine reads it
// as an export, the ClickHouse engine as its `process_tweets` table; input.postgres.sql.ts is its PostgreSQL twin.
// Bound values: {platform:String}, {terms:Array(String)} (the lexicon's terms).

/** twcs anonymises customers as numbers, so the first @-mention that is not all digits names the brand addressed. */
export const BRAND_MENTION = `nullIf(arrayFirst(m -> NOT match(m, '^[0-9]+$'), JSONExtract(content_metadata, 'mentions', 'Array(String)')), '')`;

/**
 * An anonymised agent account: twcs writes some brands' agents as numbers, like customers, with inbound True. Such an
 * account is recognised by its replies: an all-digit account with at least AGENT_MIN_REPLIES replies that end in an
 * agent's sign-off (`^NHP`, `*ErikS`) is a brand, not a customer. input.postgres.sql.ts applies the same test.
 */
export const AGENT_ACCOUNT = '^[0-9]+$';
/** Written without backslashes, so the same text is one regex in ClickHouse (re2) and PostgreSQL string literals. */
export const AGENT_SIGN_OFF = '[*^][A-Z][A-Za-z]{1,11}[[:space:]]*$';
export const AGENT_MIN_REPLIES = 2;

/** A text's word tokens: lower-case runs of [a-z0-9'] (the DuckDB engine's TOKENIZE, ten times faster here). */
export const TOKENS = (text: string) => `extractAll(lower(${text}), '[a-z0-9\\']+')`;
/** The tokens (of the select's `tokens`) that are lexicon terms ({terms:Array(String)}), space-joined. */
export const LEXICON_WORDS = `arrayStringConcat(arrayFilter(t -> t IN {terms:Array(String)}, tokens), ' ')`;
/** A customer tweet's distinct tokens in byte order, space-joined; NULL for a brand's. */
export const customerWords = (isCustomer: string) => `if(${isCustomer}, arrayStringConcat(arraySort(arrayDistinct(tokens)), ' '), NULL)`;

/**
 * Word tokens, not text: ClickHouse finds them ten times faster than DuckDB's regex does.
 * Only lexicon terms can become features, so just those ship, space-joined (a plain string column encodes faster than
 * a Parquet list). The brand a customer mentions first is set only for customers' tweets, the only ones it is read from.
 * customer_words holds the distinct tokens of a customer's tweet in byte order (the learned model reads the words of
 * recent messages): sorted here, where it is cheap, so that the conversation's recent words need no sort when its
 * customer wrote one message (conversationWordsSql in duckdb.sql.ts).
 * Each tweet's tokens are extracted once, in the inner select, for both word columns: on the 2.8M-row file the export
 * took 5.0 s against 5.5 s extracting them twice, and wrote the same rows.
 */
export const PROCESS_INPUT = `
SELECT external_id, author, inbound, ts, parent_id,
  ${LEXICON_WORDS} AS words,
  first_mention,
  ${customerWords('inbound')} AS customer_words
FROM (
  SELECT external_id, participant_external_id AS author, customer AS inbound, interaction_timestamp AS ts, parent_external_id AS parent_id,
    ${TOKENS('content_text')} AS tokens,
    if(customer, ${BRAND_MENTION}, NULL) AS first_mention
  FROM (
    SELECT *, inbound AND participant_external_id NOT IN (
      SELECT participant_external_id FROM interactions
      WHERE platform_type = {platform:String} AND inbound AND parent_external_id IS NOT NULL
        AND match(participant_external_id, '${AGENT_ACCOUNT}') AND match(content_text, '${AGENT_SIGN_OFF}')
      GROUP BY participant_external_id HAVING count() >= ${AGENT_MIN_REPLIES}) AS customer
    FROM interactions FINAL WHERE platform_type = {platform:String}
  )
)`;
