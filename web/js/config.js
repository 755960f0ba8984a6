// Where a deployment's pages find the API and the published results: the one place to change.

// Empty: the API answers on the same origin as the pages (the embedded stack serves both).
export const API_BASE = "";

// Empty: ask the API where the latest results are (GET /results lists their URLs).
// Set it to the origin that serves the bucket (e.g. "https://d1234.cloudfront.net/") to read
// results/manifest.json straight from the CDN, so a spike on the results never reaches Lambda.
export const RESULTS_BASE = "";

// Empty: moderators paste the embedded stack's key. On AWS, `agora deploy` sets where they sign
// in (Cognito's managed login) and the pages' app client: see js/auth.js.
export const LOGIN_URL = "";
export const LOGIN_CLIENT_ID = "";
