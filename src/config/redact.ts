// Keeps secrets out of logs and errors: passwords in URLs and known secret values.
// Only the secret itself is hidden: a URL keeps its scheme, user and host even when the password spells one of them.

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}

// scheme://user:password@ inside any text. The password runs to the last '@' before a '/' or a space, so a
// password with a stray '@' is hidden whole.
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]*)(?::([^\s/]*))?@/gi;

/**
 * Hides the password of every URL in text, then replaces every other occurrence of each secret with ***.
 * A URL's scheme and user name are never touched, so "postgres://postgres:postgres@db" reads
 * "postgres://postgres:***@db", not "***://***:***@db".
 */
export function redactSecrets(text: string, secrets: Array<string | undefined>): string {
  const hide = (free: string, except?: string) => {
    let out = free;
    for (const secret of secrets) {
      if (secret && secret.length >= 3 && secret !== except) out = out.split(secret).join('***');
    }
    return out;
  };
  let out = '';
  let last = 0;
  for (const match of text.matchAll(URL_CREDENTIALS)) {
    const [whole, scheme, user, password] = match;
    // A user name equal to the URL's own password stays: it is printed as the user anyway.
    out += hide(text.slice(last, match.index)) + scheme + hide(user, decoded(password)) + (password === undefined ? '' : ':***') + '@';
    last = match.index + whole.length;
  }
  return out + hide(text.slice(last));
}

function decoded(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
