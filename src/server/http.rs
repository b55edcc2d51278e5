//! The HTTP pieces every handler shares: JSON answers (errors too, since Soda Core parses
//! every answer as JSON before it looks at the status), bodies read up to the size limit,
//! JSON nested no deeper than [`MAX_DEPTH`], and the response extensions the access log reads.

use super::error::BadRequest;
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value as Json};

/// How deeply a request's JSON may nest. A results document needs about 8 levels; the limit
/// keeps a hostile body from exhausting the stack of the parser or of whoever walks it.
pub const MAX_DEPTH: usize = 64;

/// What a request was (`login`, `sodaCoreInsertScanResults`, ...), for the access log.
#[derive(Debug, Clone)]
pub struct Kind(pub String);

/// Which API key made a request, for the access log (never a secret or a token).
#[derive(Debug, Clone)]
pub struct Caller(pub String);

/// A JSON answer that is never cached and never sniffed as anything else.
pub fn json(status: StatusCode, body: &Json) -> Response {
    let mut response = (status, body.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    no_store(headers);
    response
}

/// `Cache-Control: no-store` and `X-Content-Type-Options: nosniff`.
pub fn no_store(headers: &mut axum::http::HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
}

/// `{"error": message}` with `status`.
pub fn error(status: StatusCode, message: &str) -> Response {
    json(status, &json!({ "error": message }))
}

/// Adds the request kind to a response, for the access log.
pub fn with_kind(mut response: Response, kind: &str, caller: Option<&str>) -> Response {
    response.extensions_mut().insert(Kind(kind.to_string()));
    if let Some(c) = caller {
        response.extensions_mut().insert(Caller(c.to_string()));
    }
    response
}

pub async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "not found")
}

/// The whole body, or 413 when it is larger than `limit` bytes (reading stops there).
pub async fn read_body(body: Body, limit: usize) -> Result<Bytes, Response> {
    axum::body::to_bytes(body, limit).await.map_err(|_| {
        error(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("request body larger than {limit} bytes"),
        )
    })
}

/// The body as a JSON object; `Err` (for a 400) when it is not one or nests deeper than
/// [`MAX_DEPTH`].
pub fn parse_object(bytes: &[u8]) -> Result<serde_json::Map<String, Json>, BadRequest> {
    if depth(bytes) > MAX_DEPTH {
        return Err(BadRequest::TooDeep { limit: MAX_DEPTH });
    }
    match serde_json::from_slice(bytes) {
        Ok(Json::Object(map)) => Ok(map),
        _ => Err(BadRequest::NotAnObject),
    }
}

/// The deepest nesting of arrays and objects in JSON text (brackets inside strings skipped),
/// found in one pass before any parser recurses.
pub fn depth(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for &b in bytes {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_brackets_outside_strings() {
        assert_eq!(depth(br#"{"a": [1, {"b": "[[[{{{"}]}"#), 3);
        assert_eq!(depth(br#"{"a": "\"[[", "b": []}"#), 2);
        assert_eq!(depth(b"1"), 0);
        let deep = "[".repeat(10_000);
        assert_eq!(depth(deep.as_bytes()), 10_000);
        assert!(parse_object(deep.as_bytes()).is_err());
    }
}
