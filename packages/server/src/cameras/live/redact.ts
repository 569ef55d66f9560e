/**
 * Keeps camera credentials out of logs: ffmpeg's command line and its
 * messages name the camera's RTSP URL, which may carry a user and password.
 */

/** The URL with its user and password replaced by `***`. */
export function redactUrl(url: string): string {
  return url.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^@/\s?#]*@/gi, '$1***@');
}

/**
 * A function that removes from a text every URL's credentials and every
 * occurrence of the given secrets (also percent-encoded), for log lines.
 */
export function redactorFor(secrets: Array<string | undefined>): (text: string) => string {
  const words = new Set<string>();
  for (const s of secrets) {
    if (!s || s.length < 3) continue;
    words.add(s);
    words.add(encodeURIComponent(s));
  }
  const list = [...words].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = redactUrl(text);
    for (const w of list) out = out.split(w).join('***');
    return out;
  };
}

/** The RTSP URL with the credentials in it, as ffmpeg and the gateways take it. */
export function withCredentials(
  url: string,
  username: string | undefined,
  password: string | undefined,
): string {
  if (!username) return url;
  const u = new URL(url);
  u.username = encodeURIComponent(username);
  u.password = password ? encodeURIComponent(password) : '';
  return u.toString();
}
