// The HTTP API (docs/api/openapi.json): JSON in and out, errors as ApiError.
import { API_BASE } from "./config.js";

export class ApiError extends Error {
  /** `error` is the API's {code, message, details}; `retryAfter` is in seconds (429, 503). */
  constructor(status, error, retryAfter = null) {
    super(error.message);
    this.status = status;
    this.code = error.code;
    this.details = error.details;
    this.retryAfter = retryAfter;
  }
}

export async function fetchJson(url, { method = "GET", body, headers = {}, signal } = {}) {
  const init = { method, headers: { ...headers }, signal };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (failure) {
    if (failure.name === "AbortError") throw failure;
    throw new ApiError(0, { code: "network", message: String(failure) });
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.ok) return data;
  const error = data?.error ?? { code: `http_${response.status}`, message: response.statusText };
  const retryAfter = Number(response.headers.get("Retry-After")) || error.details?.retry_after || null;
  throw new ApiError(response.status, error, retryAfter);
}

export const request = (method, path, options = {}) => fetchJson(API_BASE + path, { ...options, method });
