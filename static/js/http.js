// The one way page scripts talk to the server: same-origin fetch with Django's CSRF token, the API's error shape
// ({"error": {"code", "message", "fields", ...}}) turned into one error type, and Server-Sent Events read from a
// fetch response (so a stream can be a POST carrying the CSRF header).

/** A request the server (or the network) refused, with what the API said about it. */
export class ApiError extends Error {
  constructor(message, { status = 0, code = "", fields = null, details = {}, retryAfter = 0 } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.details = details; // anything else the API sent with the error, such as a quota's `usage`
    this.retryAfter = retryAfter; // seconds, from the Retry-After header; 0 when the server named no wait
  }
}

/** The API's error object (`data.error`, or an SSE `error` event's data) from `response` as an ApiError. */
export function apiError(error, response) {
  const { code = "", message, fields = null, ...details } = error ?? {};
  return new ApiError(message || `The server answered ${response.status}.`, {
    status: response.status,
    code,
    fields,
    details,
    retryAfter: Number(response.headers.get("Retry-After") || 0),
  });
}

function csrfToken() {
  const field = document.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

function headers(accept, { json = false, extra = {} } = {}) {
  return { ...(json && { "Content-Type": "application/json" }), Accept: accept, "X-CSRFToken": csrfToken(), ...extra };
}

/** Fetch `path` with the CSRF token; an answer outside 2xx throws an ApiError. Resolves to the Response. */
export async function request(
  path,
  { method = "GET", body, accept = "application/json", headers: extra, signal, keepalive = false } = {},
) {
  const response = await fetch(path, {
    method,
    headers: headers(accept, { json: body !== undefined, extra }),
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
    signal,
    keepalive,
  });
  if (!response.ok) {
    const data = await response.json().catch(() => ({}));
    throw apiError(data?.error, response);
  }
  return response;
}

/** A JSON API call: the parsed answer (null for 204 No Content), or an ApiError. */
export async function api(path, options = {}) {
  const response = await request(path, options);
  return response.status === 204 ? null : response.json();
}

/**
 * POST `body` as JSON and read the answer as Server-Sent Events, calling `onEvent(name, data)` for each complete
 * event. An `error` event's data arrives as an ApiError (the API sends errors raised before the stream began as
 * one such event too, with their HTTP status).
 */
export async function postForEvents(path, { body, signal, onEvent }) {
  const response = await fetch(path, {
    method: "POST",
    headers: headers("text/event-stream", { json: true }),
    body: JSON.stringify(body),
    credentials: "same-origin",
    signal,
  });
  await readEvents(response, (name, data) => onEvent(name, name === "error" ? apiError(data, response) : data));
}

async function readEvents(response, onEvent) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value.replace(/\r\n/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
      }
      if (data.length) onEvent(name, JSON.parse(data.join("\n")));
    }
  }
}
