//! The Soda Cloud ingest API (cli-and-cloud.md §6–§7), decoded with the client's own wire
//! types (`cloud::payload`): `login` and `sodaCoreInsertScanResults` on `/api/command`, the
//! configuration, attribute and history queries on `/api/query`, failed-row samples on
//! `/api/scan/upload`. Queries and commands carry the token in the body, uploads in the
//! `Authorization` header. Every answer is JSON, a 401 included (Soda Core re-logs in only
//! after a 401 it could parse).

use super::error::BadRequest;
use super::http::{self, error, json, with_kind};
use super::{log, Shared};
use crate::cloud::payload::{Expression, InsertScanResults, Login, Operand, Query};
use crate::store::cloud::HistoryFilter;
use crate::store::StoreError;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{json, Map, Value as Json};

/// The largest history a query gets (Soda Core asks for 1000 for anomaly checks, no limit
/// for the others, and reads the newest first).
const MAX_HISTORY: u32 = 1000;

/// The organisation id every login answer names (one server, one organisation).
const ORGANISATION: &str = "soda-server";

type Object = Map<String, Json>;

/// `POST /api/command`: `login` and `sodaCoreInsertScanResults`.
pub async fn command(State(state): State<Shared>, body: Body) -> Response {
    let map = match read(&state, body).await {
        Ok(map) => map,
        Err(r) => return with_kind(r, "command", None),
    };
    match kind_of(&map) {
        Login::KIND => login(&state, map).await,
        InsertScanResults::KIND => match caller(&state, &map).await {
            Ok(key) => with_kind(
                insert(&state, map).await,
                InsertScanResults::KIND,
                Some(&key),
            ),
            Err(r) => with_kind(r, InsertScanResults::KIND, None),
        },
        _ => with_kind(
            error(StatusCode::BAD_REQUEST, "unknown command type"),
            "command",
            None,
        ),
    }
}

/// `POST /api/query`: the cloud configuration, the attribute schema and history.
pub async fn query(State(state): State<Shared>, body: Body) -> Response {
    let map = match read(&state, body).await {
        Ok(map) => map,
        Err(r) => return with_kind(r, "query", None),
    };
    let kind = known_query(kind_of(&map));
    let key = match caller(&state, &map).await {
        Ok(key) => key,
        Err(r) => return with_kind(r, kind, None),
    };
    let response = match kind {
        Query::CLOUD_CONFIGURATION => json(
            StatusCode::OK,
            &json!({
                "disableCollectingWarehouseData": !state.samples_allowed,
                crate::cloud::KEEPS_EVERY_CHECK: true,
            }),
        ),
        Query::CHECK_ATTRIBUTES => json(StatusCode::OK, &json!({"results": state.attributes})),
        Query::HISTORIC_MEASUREMENTS | Query::HISTORIC_CHECK_RESULTS => {
            history(&state, kind, map).await
        }
        _ => error(StatusCode::BAD_REQUEST, "unknown query type"),
    };
    with_kind(response, kind, Some(&key))
}

/// `POST /api/scan/upload`: a failed-rows sample (JSON lines); answers its new file id.
pub async fn upload(State(state): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    let key = match upload_caller(&state, &headers).await {
        Ok(key) => key,
        Err(r) => return with_kind(r, "upload", None),
    };
    let response = match http::read_body(body, state.max_body).await {
        Err(r) => r,
        Ok(bytes) => match std::str::from_utf8(&bytes) {
            Err(_) => error(StatusCode::BAD_REQUEST, "a sample file is UTF-8 JSON lines"),
            Ok(text) => save_upload(&state, &headers, text).await,
        },
    };
    with_kind(response, "upload", Some(&key))
}

async fn save_upload(state: &Shared, headers: &HeaderMap, text: &str) -> Response {
    let path = headers
        .get("File-Path")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .chars()
        .take(1000)
        .collect::<String>();
    let id = format!("file-{}", super::auth::random_hex(16));
    match state.store.save_upload(&id, &path, text).await {
        Ok(()) => json(StatusCode::OK, &json!({ "fileId": id })),
        Err(e) => store_failed(&e),
    }
}

/// The body as a JSON object, within the size and depth limits.
async fn read(state: &Shared, body: Body) -> Result<Object, Response> {
    let bytes = http::read_body(body, state.max_body).await?;
    http::parse_object(&bytes).map_err(|e| error(StatusCode::BAD_REQUEST, &e.to_string()))
}

fn kind_of(map: &Object) -> &str {
    map.get("type").and_then(Json::as_str).unwrap_or("")
}

/// The query kind as the log may name it (the client's text is never logged).
fn known_query(kind: &str) -> &'static str {
    [
        Query::CLOUD_CONFIGURATION,
        Query::CHECK_ATTRIBUTES,
        Query::HISTORIC_MEASUREMENTS,
        Query::HISTORIC_CHECK_RESULTS,
    ]
    .into_iter()
    .find(|k| *k == kind)
    .unwrap_or("query")
}

fn store_failed(e: &StoreError) -> Response {
    log::line(&format!("the results store failed: {e}"));
    error(
        StatusCode::SERVICE_UNAVAILABLE,
        "the results store failed; try again",
    )
}

fn unauthorized() -> Response {
    error(
        StatusCode::UNAUTHORIZED,
        "token missing, unknown or expired",
    )
}

/// The key id behind the body's token; 401 when it is missing, unknown or expired.
async fn caller(state: &Shared, map: &Object) -> Result<String, Response> {
    let token = map
        .get("token")
        .and_then(Json::as_str)
        .ok_or_else(unauthorized)?;
    match state.auth.check(&state.store, token).await {
        Ok(Some(key)) => Ok(key),
        Ok(None) => Err(unauthorized()),
        Err(e) => Err(store_failed(&e)),
    }
}

async fn upload_caller(state: &Shared, headers: &HeaderMap) -> Result<String, Response> {
    let token = super::auth::upload_token(headers).ok_or_else(unauthorized)?;
    match state.auth.check(&state.store, &token).await {
        Ok(Some(key)) => Ok(key),
        Ok(None) => Err(unauthorized()),
        Err(e) => Err(store_failed(&e)),
    }
}

async fn login(state: &Shared, map: Object) -> Response {
    let Ok(request) = serde_json::from_value::<Login>(Json::Object(map)) else {
        return with_kind(
            error(
                StatusCode::UNAUTHORIZED,
                "apiKeyId and apiKeySecret required",
            ),
            Login::KIND,
            None,
        );
    };
    match state
        .auth
        .login(&state.store, &request.api_key_id, &request.api_key_secret)
        .await
    {
        Ok(Some(token)) => with_kind(
            json(
                StatusCode::OK,
                &json!({"token": token, "organisationId": ORGANISATION}),
            ),
            Login::KIND,
            Some(&request.api_key_id),
        ),
        Ok(None) => with_kind(
            error(StatusCode::UNAUTHORIZED, "unknown API key or wrong secret"),
            Login::KIND,
            None,
        ),
        Err(e) => with_kind(store_failed(&e), Login::KIND, None),
    }
}

/// Records the document; 200 (with the scan's id as trace id) only after the store committed.
/// A document the store could not key, order or find again is refused with a 400 naming the
/// field, before anything is stored.
async fn insert(state: &Shared, mut map: Object) -> Response {
    if let Err(e) = check_document(&mut map) {
        return error(StatusCode::BAD_REQUEST, &e.to_string());
    }
    let document = match serde_json::from_value::<InsertScanResults>(Json::Object(map)) {
        Ok(d) => d.results,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("not a scan results document: {e}"),
            )
        }
    };
    match state.store.record_document(document).await {
        Ok(id) => {
            let trace = format!("scan-{id}");
            let mut response = json(StatusCode::OK, &json!({ "scanId": trace }));
            if let Ok(v) = HeaderValue::from_str(&trace) {
                response.headers_mut().insert("X-Soda-Trace-Id", v);
            }
            response
        }
        Err(e) => store_failed(&e),
    }
}

/// The fields of an insert document the store keys a scan by (definition, data source, data
/// time), orders its history by (the times) and finds its rows by (check and metric
/// identities), checked on the JSON before it is decoded so that the answer names the field.
/// The three times are rewritten in the store's one form (UTC, `+00:00`, whole seconds):
/// the store orders and bounds history by their text, which is time order only in that form.
fn check_document(map: &mut Object) -> Result<(), BadRequest> {
    text_field(map, "definitionName", "definitionName")?;
    named_field(map, "defaultDataSource", "defaultDataSource")?;
    for field in ["dataTimestamp", "scanStartTimestamp", "scanEndTimestamp"] {
        let text = text_field(map, field, field)?;
        let utc =
            crate::results::time::parse_utc(text).ok_or_else(|| BadRequest::FieldNotIsoTime {
                field: field.to_string(),
                text: text.chars().take(100).collect(),
            })?;
        map.insert(
            field.to_string(),
            Json::String(crate::results::time::soda(utc)),
        );
    }
    // A list that is not one, or an item that is not an object, is left to the decoder.
    for list in ["checks", "metrics"] {
        if let Some(Json::Array(items)) = map.get(list) {
            for (i, item) in items.iter().enumerate() {
                if let Json::Object(item) = item {
                    named_field(item, "identity", &format!("{list}[{i}].identity"))?;
                }
            }
        }
    }
    Ok(())
}

/// `map[key]` as text; `field` is how the answer names it.
fn text_field<'a>(map: &'a Object, key: &str, field: &str) -> Result<&'a str, BadRequest> {
    match map.get(key) {
        None | Some(Json::Null) => Err(BadRequest::MissingField(field.to_string())),
        Some(Json::String(text)) => Ok(text),
        Some(_) => Err(BadRequest::NotText(field.to_string())),
    }
}

/// `map[key]` as text that is not empty (nor only spaces).
fn named_field<'a>(map: &'a Object, key: &str, field: &str) -> Result<&'a str, BadRequest> {
    let text = text_field(map, key, field)?;
    if text.trim().is_empty() {
        return Err(BadRequest::EmptyField(field.to_string()));
    }
    Ok(text)
}

/// `sodaCoreHistoricMeasurements` / `sodaCoreHistoricCheckResults`: `{"results": [...]}`,
/// newest first.
async fn history(state: &Shared, kind: &str, map: Object) -> Response {
    let query = match serde_json::from_value::<Query>(Json::Object(map)) {
        Ok(q) => q,
        Err(_) => return error(StatusCode::BAD_REQUEST, "not a history query"),
    };
    let column = if kind == Query::HISTORIC_MEASUREMENTS {
        "metric.identity"
    } else {
        "check.identity"
    };
    let filter = match history_filter(&query, column) {
        Ok(f) => f,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    let rows = if kind == Query::HISTORIC_MEASUREMENTS {
        state.store.cloud_measurements(&filter).await
    } else {
        state.store.cloud_check_results(&filter).await
    };
    match rows {
        Ok(results) => json(StatusCode::OK, &json!({ "results": results })),
        Err(e) => store_failed(&e),
    }
}

/// The store's reading of a history filter: `identity_column = value`, and data-time bounds.
/// Anything else in the filter is refused rather than ignored.
fn history_filter(
    query: &Query,
    identity_column: &'static str,
) -> Result<HistoryFilter, BadRequest> {
    let mut filter = HistoryFilter {
        limit: query.limit.unwrap_or(MAX_HISTORY).min(MAX_HISTORY),
        ..HistoryFilter::default()
    };
    let mut conditions = Vec::new();
    match &query.filter {
        Some(Expression::And { and_expressions }) => conditions.extend(and_expressions),
        Some(other) => conditions.push(other),
        None => {}
    }
    for condition in conditions {
        match condition {
            Expression::Equals {
                left,
                right: Operand::String { value },
            } if is_column(left, identity_column) => {
                filter.identity = value.clone();
            }
            Expression::GreaterThanOrEqual { left, right } if is_column(left, DATA_TIME) => {
                filter.from = Some(time_of(right)?);
            }
            Expression::LessThanOrEqual { left, right } if is_column(left, DATA_TIME) => {
                filter.to = Some(time_of(right)?);
            }
            _ => return Err(BadRequest::UnsupportedCondition),
        }
    }
    if filter.identity.is_empty() {
        return Err(BadRequest::MissingIdentity(identity_column));
    }
    Ok(filter)
}

const DATA_TIME: &str = "measurement.dataTime";

fn is_column(operand: &Operand, name: &str) -> bool {
    matches!(operand, Operand::ColumnValue { column_name } if column_name == name)
}

/// A time bound in the store's form (UTC, `+00:00`, whole seconds), which compares as text.
fn time_of(operand: &Operand) -> Result<String, BadRequest> {
    let Operand::Time { time, .. } = operand else {
        return Err(BadRequest::BoundNotTime);
    };
    chrono::DateTime::parse_from_rfc3339(&time.replace(' ', "T"))
        .map(|t| crate::results::time::soda(t.with_timezone(&chrono::Utc)))
        .map_err(|_| BadRequest::NotIsoTime(time.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `soda ingest dbt` sends no queries and no check attributes (cli-and-cloud.md §6.9).
    #[test]
    fn dbt_ingest_documents_decode() {
        let body = json!({
            "definitionName": "Ingest - dbt", "defaultDataSource": "dwh",
            "dataTimestamp": "2024-05-01T10:00:00+00:00",
            "scanStartTimestamp": "2024-05-01T10:00:00+00:00",
            "scanEndTimestamp": "2024-05-01T10:00:00+00:00",
            "hasErrors": false, "hasWarnings": false, "hasFailures": true,
            "metrics": [{"identity": "dbt_metric", "metricName": "dbt_metric", "value": 0}],
            "checks": [{"identity": "test.shop.not_null_orders_id", "identities": {"v1": "t", "v2": "t", "v3": "t"},
                        "name": "not_null_orders_id", "type": "generic", "definition": "not_null",
                        "location": {"filePath": "models/schema.yml", "line": 0, "col": 0},
                        "dataSource": "dwh", "table": "orders", "column": "id",
                        "metrics": ["dbt_metric"], "outcome": "fail", "diagnostics": {"value": 0},
                        "source": "dbt"}],
            "logs": [], "sourceOwner": "soda-core",
            "type": "sodaCoreInsertScanResults", "token": "t"});
        let doc: InsertScanResults = serde_json::from_value(body).expect("a dbt document");
        assert!(doc.results.queries.is_empty());
        assert_eq!(doc.results.checks[0].source, "dbt");
    }

    #[test]
    fn history_filters_become_bound_values() {
        let q = Query::history(
            Query::HISTORIC_MEASUREMENTS,
            None,
            ("metric.identity", "m-1"),
        )
        .and(Expression::GreaterThanOrEqual {
            left: Operand::column(DATA_TIME),
            right: Operand::time("2024-05-01T02:00:00+02:00".into()),
        });
        let f = history_filter(&q, "metric.identity").unwrap();
        assert_eq!(f.identity, "m-1");
        assert_eq!(f.from.as_deref(), Some("2024-05-01T00:00:00+00:00"));
        assert_eq!(f.limit, MAX_HISTORY);
        assert!(history_filter(&q, "check.identity").is_err());
        let wide = Query::history(
            Query::HISTORIC_CHECK_RESULTS,
            Some(5000),
            ("check.identity", "c"),
        );
        assert_eq!(
            history_filter(&wide, "check.identity").unwrap().limit,
            MAX_HISTORY
        );
    }

    fn document() -> Object {
        json!({
            "definitionName": "Soda Core CLI", "defaultDataSource": "dwh",
            "dataTimestamp": "2024-05-01T12:00:00+02:00",
            "scanStartTimestamp": "2024-05-01T10:00:00+00:00",
            "scanEndTimestamp": "2024-05-01 10:00:01",
            "checks": [{"identity": "c1"}], "metrics": [{"identity": "m1"}]})
        .as_object()
        .cloned()
        .expect("a JSON object")
    }

    /// Each field the store needs gets its own answer, naming it; the times are rewritten in
    /// the store's form.
    #[test]
    fn insert_documents_are_checked_field_by_field() {
        let mut ok = document();
        assert_eq!(check_document(&mut ok), Ok(()));
        assert_eq!(ok["dataTimestamp"], "2024-05-01T10:00:00+00:00");
        assert_eq!(ok["scanEndTimestamp"], "2024-05-01T10:00:01+00:00");
        let refused = |key: &str, value: Json| {
            let mut map = document();
            match key.split_once('.') {
                Some((list, field)) => {
                    map[list][0][field] = value;
                }
                None => {
                    map.insert(key.to_string(), value);
                }
            }
            check_document(&mut map).unwrap_err().to_string()
        };
        assert_eq!(
            refused("dataTimestamp", json!("not-a-date")),
            "dataTimestamp is not an ISO 8601 time: not-a-date"
        );
        assert_eq!(
            refused("scanStartTimestamp", json!(17)),
            "scanStartTimestamp must be a string"
        );
        assert_eq!(
            refused("defaultDataSource", json!(" ")),
            "defaultDataSource must not be empty"
        );
        assert_eq!(
            refused("defaultDataSource", Json::Null),
            "defaultDataSource is missing"
        );
        assert_eq!(
            refused("definitionName", Json::Null),
            "definitionName is missing"
        );
        assert_eq!(
            refused("checks.identity", json!("")),
            "checks[0].identity must not be empty"
        );
        assert_eq!(
            refused("metrics.identity", Json::Null),
            "metrics[0].identity is missing"
        );
        let mut no_source = document();
        no_source.remove("defaultDataSource");
        assert_eq!(
            check_document(&mut no_source),
            Err(BadRequest::MissingField("defaultDataSource".into()))
        );
    }
}
