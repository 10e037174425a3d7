// The signed-in person: the bearer token lives only in this tab's session storage, so it
// goes when the tab closes and no other tab or site sees it.
const key = "tansiq.token";

export interface Person {
  subject: string;
  force: string;
  role: string;
  name: string;
}

export function token(): string | null {
  return sessionStorage.getItem(key);
}

export function signIn(tok: string): Person {
  const p = decode(tok.trim());
  sessionStorage.setItem(key, tok.trim());
  return p;
}

export function signOut(): void {
  sessionStorage.removeItem(key);
}

export function person(): Person | null {
  const tok = token();
  if (!tok) return null;
  try {
    return decode(tok);
  } catch {
    return null;
  }
}

// decode reads the token's claims to greet the person; the gateway verifies the token on
// every call, and a forged one is refused there.
export function decode(tok: string): Person {
  const parts = tok.split(".");
  if (parts.length !== 3) throw new Error("malformed");
  const json = atob(parts[1].replace(/-/g, "+").replace(/_/g, "/"));
  const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
  if (typeof claims.sub !== "string") throw new Error("malformed");
  return { subject: claims.sub, force: claims.force ?? "", role: claims.role ?? "", name: claims.name ?? claims.sub };
}
