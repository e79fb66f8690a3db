/**
 * Helpers for Lambda functions behind an API Gateway HTTP API (payload format 2.0) that answer with small HTML
 * pages: the event and result shapes, a type guard telling such an event from a workflow's payload, query and
 * form parsing, HTML escaping and a page builder whose headers forbid caching, framing, referrers and scripts.
 *
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
import { isRecord } from "./guards";

/**
 * The parts of an HTTP API payload format 2.0 event these helpers read. API Gateway sends more fields
 * (`routeKey`, `requestContext.requestId`, `cookies`, ...); they are allowed and ignored.
 *
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html#http-api-develop-integrations-lambda.proxy-format
 */
export interface HttpApiEvent {
  version: "2.0";
  routeKey?: string;
  rawPath?: string;
  /** The query string without `?`, still percent-encoded; `""` when there is none. */
  rawQueryString?: string;
  /** Decoded query parameters; API Gateway joins repeated ones with commas. Absent when there are none. */
  queryStringParameters?: Record<string, string | undefined>;
  /** The route's `{name}` path parameters, decoded. Absent when the route has none. */
  pathParameters?: Record<string, string | undefined>;
  requestContext: {
    /**
     * The request line and caller: `method` (e.g. `"POST"`), `sourceIp` (the client address API Gateway saw),
     * `userAgent` (the `User-Agent` header, as sent), `path`.
     */
    http: { method: string; sourceIp?: string; userAgent?: string; path?: string };
    /** API Gateway's id for the request (it shows in the access log). */
    requestId?: string;
  };
  /** Request headers, names in lower case; repeated headers are joined with commas. */
  headers?: Record<string, string | undefined>;
  body?: string;
  /** Whether `body` is base64: API Gateway encodes bodies whose content type it does not treat as text. */
  isBase64Encoded?: boolean;
}

/**
 * What the function returns for API Gateway to answer with.
 *
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html#http-api-develop-integrations-lambda.response
 */
export interface HttpApiResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * The headers of every HTML page: no caching (a page may show a decision's state), no referrer (the page URL
 * carries a signed link), no framing (no clickjacking of its buttons), and a policy allowing no script, no
 * external resource and form posts only to the same origin.
 *
 * @see https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy
 */
export const HTML_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
});

/**
 * Tells whether a Lambda event is an HTTP API payload format 2.0 event rather than a workflow's payload.
 *
 * @param event - Any value.
 * @returns `true` when `event` is an object with `version: "2.0"` and a string `requestContext.http.method`.
 *   Never throws.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html#http-api-develop-integrations-lambda.proxy-format
 */
export function isHttpApiEvent(event: unknown): event is HttpApiEvent {
  return (
    isRecord(event) &&
    event.version === "2.0" &&
    isRecord(event.requestContext) &&
    isRecord(event.requestContext.http) &&
    typeof event.requestContext.http.method === "string"
  );
}

/**
 * Reads one query parameter, refusing repeats: a signed link's parameters must each appear exactly once.
 *
 * @param event - The HTTP API event; `rawQueryString` is parsed when present, else `queryStringParameters`.
 * @param name - Parameter name, e.g. `"expires"`.
 * @returns The decoded value; `undefined` when the parameter is absent or given more than once. Never throws.
 * @see https://url.spec.whatwg.org/#interface-urlsearchparams
 */
export function queryParameter(event: HttpApiEvent, name: string): string | undefined {
  if (typeof event.rawQueryString === "string") {
    const values = new URLSearchParams(event.rawQueryString).getAll(name);
    return values.length === 1 ? values[0] : undefined;
  }
  return event.queryStringParameters?.[name];
}

/**
 * Reads a request header by name, ignoring case.
 *
 * @param event - The HTTP API event.
 * @param name - Header name, any case, e.g. `"Content-Type"`.
 * @returns The value, or `undefined` when absent. Never throws.
 */
export function header(event: HttpApiEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/**
 * Reads the body of an HTML form post (`application/x-www-form-urlencoded`), decoding base64 first when
 * API Gateway encoded it.
 *
 * @param event - The HTTP API event; an absent body reads as no fields.
 * @returns The fields, `+` read as a space and percent escapes decoded; `undefined` when the request declares
 *   another content type (such as `multipart/form-data` or `application/json`). Never throws.
 * @see https://url.spec.whatwg.org/#application/x-www-form-urlencoded
 */
export function formFields(event: HttpApiEvent): URLSearchParams | undefined {
  const contentType = header(event, "content-type");
  const mediaType = contentType?.split(";")[0].trim().toLowerCase();
  if (mediaType && mediaType !== "application/x-www-form-urlencoded") return undefined;
  const raw = event.body ?? "";
  const text = event.isBase64Encoded ? Buffer.from(raw, "base64").toString("utf8") : raw;
  return new URLSearchParams(text);
}

/**
 * Escapes text for an HTML element's content or a quoted attribute value.
 *
 * @param value - Any value; it is converted with `String` first.
 * @returns The text with `&`, `<`, `>`, `"` and `'` replaced by character references. Never throws.
 * @see https://html.spec.whatwg.org/multipage/named-characters.html
 */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE =
  "body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.5}" +
  "label{display:block;margin-top:.75rem}input{width:100%;padding:.4rem;box-sizing:border-box}" +
  "button{margin-top:1rem;padding:.5rem 1.5rem;font-size:1rem}dt{font-weight:600}";

/**
 * Builds a complete HTML page response with {@link HTML_HEADERS}.
 *
 * @param statusCode - HTTP status, e.g. `200`, `404`.
 * @param title - Plain text for `<title>` and the `<h1>`; it is escaped here.
 * @param bodyHtml - Markup after the heading, already escaped by the caller (build it with {@link escapeHtml}).
 * @param extraHeaders - More headers, e.g. `{allow: "GET, POST"}` for a 405; they cannot replace HTML_HEADERS.
 * @returns The API Gateway result. Never throws.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html#http-api-develop-integrations-lambda.response
 */
export function htmlPage(
  statusCode: number,
  title: string,
  bodyHtml: string,
  extraHeaders: Record<string, string> = {},
): HttpApiResult {
  const body =
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">` +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>\n` +
    `<body><main><h1>${escapeHtml(title)}</h1>\n${bodyHtml}\n</main></body></html>\n`;
  return { statusCode, headers: { ...extraHeaders, ...HTML_HEADERS }, body };
}
