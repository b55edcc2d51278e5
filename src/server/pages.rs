//! The report's pages, live: `GET /` renders the store's read model with the same renderer as
//! `soda report` at each request (the Check Results table, datasets with failed-scan warnings,
//! a page per check with its history chart, the scans), linked by the report's own `#check-N`,
//! `#datasets` and `#scans` routes (and `/checks`, `/scans`, ... redirect there); `/?refresh=60`
//! reloads it every minute. The page may run exactly one script, the report's router,
//! pinned by its hash in the Content-Security-Policy: even text that escaped escaping could
//! not run.

use super::auth;
use super::http::{self, with_kind};
use super::Shared;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// `?refresh=N`: the page reloads itself every N seconds (a wall display).
#[derive(Debug, serde::Deserialize)]
pub struct Options {
    refresh: Option<u32>,
}

/// Reload intervals a page may ask for, in seconds.
const REFRESH: std::ops::RangeInclusive<u32> = 5..=3600;

/// `GET /`: the whole report, rendered from the store now.
pub async fn index(
    State(state): State<Shared>,
    Query(options): Query<Options>,
    headers: HeaderMap,
) -> Response {
    let reader = match auth::reader(&state, &headers).await {
        Ok(r) => r,
        Err(r) => return with_kind(r, "page", None),
    };
    let data = match state.store.read_model().await {
        Ok(d) => d,
        Err(e) => {
            super::log::line(&format!("the results store failed: {e}"));
            let r = http::error(StatusCode::SERVICE_UNAVAILABLE, "the results store failed");
            return with_kind(r, "page", Some(&reader.key_id));
        }
    };
    let mut html = crate::pages::render_live(&data);
    if let Some(seconds) = options
        .refresh
        .map(|s| s.clamp(*REFRESH.start(), *REFRESH.end()))
    {
        // A meta refresh reloads the same URL, so the view in its `#…` route stays.
        html = html.replacen(
            "<head>",
            &format!("<head><meta http-equiv=\"refresh\" content=\"{seconds}\">"),
            1,
        );
    }
    let mut response = (StatusCode::OK, page_headers(&html)).into_response();
    *response.body_mut() = axum::body::Body::from(html);
    auth::set_cookie(&mut response, &reader, state.tls);
    with_kind(response, "page", Some(&reader.key_id))
}

/// `GET /checks`, `/datasets`, `/scans`, `/check-3`, `/dataset-2`, `/scan-12` (a view's
/// name as a path, as one types it): a redirect to the page with that view in its `#…` route,
/// the query kept as the view's filters (`/checks?outcome=fail` → `/#checks?outcome=fail`).
/// It reveals nothing, so it needs no credentials; the page it leads to does.
pub async fn view(Path(view): Path<String>, RawQuery(query): RawQuery) -> Response {
    if !is_view(&view) {
        return with_kind(http::not_found().await, "page", None);
    }
    let mut location = format!("/#{view}");
    if let Some(q) = query.filter(|q| !q.is_empty()) {
        location.push('?');
        location.push_str(&q);
    }
    let response = match HeaderValue::from_str(&location) {
        Ok(v) => (StatusCode::SEE_OTHER, [(header::LOCATION, v)]).into_response(),
        Err(_) => http::not_found().await,
    };
    with_kind(response, "page", None)
}

/// The report's own routes: its three views and the pages of a check, a dataset or a scan.
fn is_view(name: &str) -> bool {
    let numbered = |prefix: &str| {
        name.strip_prefix(prefix).is_some_and(|n| {
            !n.is_empty() && n.len() <= 18 && n.bytes().all(|b| b.is_ascii_digit())
        })
    };
    matches!(name, "checks" | "datasets" | "scans")
        || numbered("check-")
        || numbered("dataset-")
        || numbered("scan-")
}

/// The headers of an HTML page: its type, no caching, no framing, no referrer, and a policy
/// that allows its inline style and its one script and nothing else.
fn page_headers(html: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    http::no_store(&mut headers);
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    let policy = format!(
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src {}; \
         base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        script_source(html)
    );
    if let Ok(v) = HeaderValue::from_str(&policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    headers
}

/// The CSP source of the page's one script: `'sha256-…'` of the last `<script>` element's
/// text, or `'none'` when there is none.
fn script_source(html: &str) -> String {
    use base64ct::{Base64, Encoding};
    let script = html
        .rsplit_once("<script>")
        .and_then(|(_, rest)| rest.split_once("</script>"))
        .map(|(text, _)| text);
    match script {
        Some(text) => format!(
            "'sha256-{}'",
            Base64::encode_string(&Sha256::digest(text.as_bytes()))
        ),
        None => "'none'".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_report_script_is_allowed() {
        let html = crate::pages::render(&crate::results::stored::ReportData::default());
        let source = script_source(&html);
        assert!(
            source.starts_with("'sha256-") && source.len() > 40,
            "{source}"
        );
        assert_eq!(script_source("<p>no script</p>"), "'none'");
        let headers = page_headers(&html);
        let policy = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(policy.contains("default-src 'none'"));
        assert!(!policy.contains("unsafe-eval"));
    }

    #[test]
    fn view_paths_are_the_reports_routes() {
        for ok in [
            "checks",
            "datasets",
            "scans",
            "check-0",
            "dataset-12",
            "scan-345",
        ] {
            assert!(is_view(ok), "{ok}");
        }
        for no in [
            "check-",
            "check-x",
            "api",
            "checks2",
            "scan-1/2",
            "",
            "dataset--1",
        ] {
            assert!(!is_view(no), "{no}");
        }
    }
}
