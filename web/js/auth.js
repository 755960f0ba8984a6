// Moderators' sign-in on AWS: Cognito's managed login, the authorization-code flow with PKCE.
// The page sends the moderator there, takes the code back at its own address (the app client's
// only callback URL), trades it for tokens, refreshes the hour-long ID token while the tab lives
// and signs out at Cognito too. The embedded stack has no login URL: its key is pasted instead.
// Tokens stay in sessionStorage: gone when the tab closes.
import { LOGIN_CLIENT_ID, LOGIN_URL } from "./config.js";

export const managed = LOGIN_URL !== "";

const TOKENS = "agora.login";
const PENDING = "agora.login.pending";
// Refresh a little before the expiry, so no request leaves with a token about to lapse.
const MARGIN_MS = 60_000;

const redirectUri = () => `${location.origin}/`;
const base64url = (bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const randomText = (size) => base64url(crypto.getRandomValues(new Uint8Array(size)));
const stored = (name) => JSON.parse(sessionStorage.getItem(name) ?? "null");

function keep(tokens) {
  if (tokens) sessionStorage.setItem(TOKENS, JSON.stringify(tokens));
  else sessionStorage.removeItem(TOKENS);
  return tokens;
}

/** Off to the managed login; back at this page's address, then at `returnTo` (a #/route). */
export async function signIn(returnTo = location.hash) {
  const verifier = randomText(32);
  const state = randomText(16);
  const challenge = base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, returnTo }));
  const query = new URLSearchParams({
    response_type: "code",
    client_id: LOGIN_CLIENT_ID,
    redirect_uri: redirectUri(),
    scope: "openid email",
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  location.assign(`${LOGIN_URL}/oauth2/authorize?${query}`);
}

async function tokenRequest(fields) {
  let response;
  try {
    response = await fetch(`${LOGIN_URL}/oauth2/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ client_id: LOGIN_CLIENT_ID, ...fields }),
    });
  } catch {
    return null;
  }
  if (!response.ok) return null;
  const answer = await response.json();
  // A refresh answers no new refresh token: the one sent stays valid.
  return { id: answer.id_token, refresh: answer.refresh_token ?? fields.refresh_token, expiresAt: Date.now() + answer.expires_in * 1000 };
}

/** On every load: back from the managed login (?code=&state=), trade the code for tokens. */
export async function completeSignIn() {
  if (!managed) return;
  const params = new URLSearchParams(location.search);
  const code = params.get("code");
  if (!code && !params.has("error")) return;
  const pending = stored(PENDING);
  sessionStorage.removeItem(PENDING);
  // The code is single-use and must not stay in the address bar or the history.
  history.replaceState(null, "", location.pathname + (pending?.returnTo ?? ""));
  // An answer to no sign-in of this tab (a replayed or forged link) gets no tokens.
  if (!code || !pending || params.get("state") !== pending.state) return;
  keep(await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: redirectUri(), code_verifier: pending.verifier }));
}

/** The ID token for the API (its Cognito authorizer checks it), refreshed when close to expiry;
 * null when signed out or the refresh is refused (the moderator signs in again). */
export async function idToken() {
  const tokens = stored(TOKENS);
  if (!tokens) return null;
  if (tokens.expiresAt - Date.now() > MARGIN_MS) return tokens.id;
  if (!tokens.refresh) return keep(null);
  return keep(await tokenRequest({ grant_type: "refresh_token", refresh_token: tokens.refresh }))?.id ?? null;
}

/** Forget the tokens here and end the managed login's session, back to the pages. */
export function signOut() {
  keep(null);
  location.assign(`${LOGIN_URL}/logout?${new URLSearchParams({ client_id: LOGIN_CLIENT_ID, logout_uri: redirectUri() })}`);
}
