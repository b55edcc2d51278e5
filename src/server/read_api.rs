//! The JSON read API behind the pages, for programs: the checks with their latest outcome,
//! one check's history (results, zones, failed rows), the scans (one with its log), and the
//! datasets with their counts and failed-scan flag. It reads the same model as the pages
//! (`store::read`), with the same credentials. Field names are the read model's (snake_case).

use super::auth;
use super::http::{self, json, with_kind};
use super::Shared;
use crate::results::stored::{CheckHistory, ReportData, ScanSummary};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Value as Json};

/// Reads the model for an authenticated reader, then answers with `view` of it.
async fn answer(
    state: &Shared,
    headers: &HeaderMap,
    view: impl FnOnce(ReportData) -> Response,
) -> Response {
    let reader = match auth::reader(state, headers).await {
        Ok(r) => r,
        Err(r) => return with_kind(r, "read", None),
    };
    let mut response = match state.store.read_model().await {
        Ok(data) => view(data),
        Err(e) => {
            super::log::line(&format!("the results store failed: {e}"));
            http::error(StatusCode::SERVICE_UNAVAILABLE, "the results store failed")
        }
    };
    auth::set_cookie(&mut response, &reader, state.tls);
    with_kind(response, "read", Some(&reader.key_id))
}

/// `GET /api/v1/checks`: every check and its latest result.
pub async fn checks(State(state): State<Shared>, headers: HeaderMap) -> Response {
    answer(&state, &headers, |data| {
        let checks: Vec<Json> = data.checks.iter().map(check_line).collect();
        json(StatusCode::OK, &json!({ "checks": checks }))
    })
    .await
}

fn check_line(c: &CheckHistory) -> Json {
    let last = c.results.last();
    json!({
        "identity": c.identity, "name": c.name, "data_source": c.data_source,
        "dataset": c.dataset, "column": c.column, "file": c.file, "line": c.line,
        "outcome": last.and_then(|p| p.outcome.clone()),
        "value": last.and_then(|p| p.value),
        "value_text": last.map(|p| p.value_text.clone()),
        "data_timestamp": last.map(|p| p.data_timestamp.clone()),
        "results": c.results.len(),
        "reasons": last.map(|p| p.reasons.clone()).unwrap_or_default(),
        "attributes": c.attributes,
    })
}

/// `GET /api/v1/checks/{identity}`: one check with all its results and its failed rows.
pub async fn check(
    State(state): State<Shared>,
    Path(identity): Path<String>,
    headers: HeaderMap,
) -> Response {
    answer(&state, &headers, |data| {
        match data.checks.into_iter().find(|c| c.identity == identity) {
            Some(c) => json(StatusCode::OK, &json!({ "check": c })),
            None => http::error(StatusCode::NOT_FOUND, "no check with that identity"),
        }
    })
    .await
}

/// `GET /api/v1/scans`: every scan, newest data time first, without logs.
pub async fn scans(State(state): State<Shared>, headers: HeaderMap) -> Response {
    answer(&state, &headers, |data| {
        let scans: Vec<ScanSummary> = data
            .scans
            .into_iter()
            .map(|s| ScanSummary {
                logs: Vec::new(),
                ..s
            })
            .collect();
        json(StatusCode::OK, &json!({ "scans": scans }))
    })
    .await
}

/// `GET /api/v1/scans/{id}`: one scan with its log; `id` as the trace id names it
/// (`scan-42`) or bare.
pub async fn scan(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let id: Option<i64> = id.strip_prefix("scan-").unwrap_or(&id).parse().ok();
    answer(&state, &headers, |data| {
        match data.scans.into_iter().find(|s| Some(s.id) == id) {
            Some(s) => json(StatusCode::OK, &json!({ "scan": s })),
            None => http::error(StatusCode::NOT_FOUND, "no scan with that id"),
        }
    })
    .await
}

/// `GET /api/v1/datasets`: per data source and dataset, the latest outcomes counted, and
/// the dataset's scan status: its own latest scan, and when that failed to complete, the
/// failed scan with its first error.
pub async fn datasets(State(state): State<Shared>, headers: HeaderMap) -> Response {
    answer(&state, &headers, |data| {
        json(StatusCode::OK, &json!({ "datasets": dataset_lines(&data) }))
    })
    .await
}

fn dataset_lines(data: &ReportData) -> Vec<Json> {
    crate::pages::dataset_rows(data)
        .iter()
        .map(|row| {
            let c = &row.counts;
            let mut line = json!({
                "data_source": row.data_source, "dataset": row.dataset.unwrap_or(""),
                "pass": c.pass, "warn": c.warn, "fail": c.fail,
                "not_evaluated": c.not_evaluated,
                "last_scan_failed": row.scan_failed(),
                "latest_scan": row.latest_scan.map(|s| json!({
                    "id": s.id, "definition": s.definition, "data_timestamp": s.data_timestamp,
                })),
            });
            if let (Some(scan), true) = (row.latest_scan, row.scan_failed()) {
                line["failed_scan"] = json!({
                    "id": scan.id, "definition": scan.definition,
                    "data_timestamp": scan.data_timestamp, "first_error": row.first_error(),
                });
            }
            line
        })
        .collect()
}
