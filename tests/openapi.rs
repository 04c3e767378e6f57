//! `/openapi.json` describes what the API really answers: real responses from `/search`
//! (grouped and flat, with facets, corrections, best bets, explain, errors), `/suggest` and
//! `/health` are validated against the document's own schemas, made strict so that an
//! undocumented field fails as surely as a missing one.

mod common;

use std::path::Path;

use serde_json::{Value, json};

use common::{demo_with_config, get_json};

/// The project's config plus a best bet with a message, so `best_bets` is in a response.
fn config_with_best_bet(folder: &Path) -> std::path::PathBuf {
    let config = folder.join("config");
    std::fs::create_dir_all(&config).expect("config folder");
    for entry in std::fs::read_dir(common::project_config()).expect("index-config") {
        let entry = entry.expect("index-config entry");
        std::fs::copy(entry.path(), config.join(entry.file_name())).expect("copy config");
    }
    let bet = "[[bet]]\nname = \"funding news\"\ncontains = [\"inclusion funding\"]\n\
               message = \"The inclusion funding form changed in September.\"\n";
    std::fs::write(config.join("best-bets.toml"), bet).expect("best-bets.toml");
    config
}

/// Every object schema with named properties refuses other properties.
fn make_strict(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            for value in map.values_mut() {
                make_strict(value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(make_strict),
        _ => {}
    }
}

struct Document {
    openapi: Value,
}

impl Document {
    fn fetch(base: &str) -> Document {
        let (status, mut openapi) = get_json(&format!("{base}/openapi.json"));
        assert_eq!(status, 200);
        assert_eq!(openapi["openapi"], "3.1.0");
        make_strict(&mut openapi["components"]);
        Document { openapi }
    }

    /// A validator for the body of `status` answers from `GET path`.
    fn validator(&self, path: &str, status: u16) -> jsonschema::Validator {
        self.validator_for("get", path, status)
    }

    fn validator_for(&self, method: &str, path: &str, status: u16) -> jsonschema::Validator {
        let response = &self.openapi["paths"][path][method]["responses"][status.to_string()];
        let schema = &response["content"]["application/json"]["schema"];
        assert!(
            schema.is_object(),
            "no JSON schema for {method} {path} {status}: {response}"
        );
        let root = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": self.openapi["components"],
            "allOf": [schema],
        });
        jsonschema::draft202012::new(&root).unwrap_or_else(|err| {
            panic!("schema for {method} {path} {status} does not compile: {err}")
        })
    }

    /// GETs `uri` on `base`, expects `status`, and validates the body against the schema
    /// documented for that path and status. Returns the body.
    fn check(&self, base: &str, uri: &str, status: u16) -> Value {
        let (got, body) = get_json(&format!("{base}{uri}"));
        assert_eq!(got, status, "GET {uri}: {body}");
        let path = uri.split('?').next().unwrap_or(uri);
        self.validate("get", path, status, &body);
        body
    }

    /// POSTs `request` as JSON to `path`, expects `status`, and validates the answer.
    fn check_post(&self, base: &str, path: &str, request: &Value, status: u16) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut response = agent
            .post(&format!("{base}{path}"))
            .send_json(request)
            .unwrap_or_else(|err| panic!("POST {path} failed: {err}"));
        let body: Value = response
            .body_mut()
            .read_json()
            .unwrap_or_else(|err| panic!("POST {path} gave no JSON: {err}"));
        assert_eq!(response.status().as_u16(), status, "POST {path}: {body}");
        self.validate("post", path, status, &body);
    }

    fn validate(&self, method: &str, path: &str, status: u16, body: &Value) {
        let validator = self.validator_for(method, path, status);
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|err| format!("{} at {}", err, err.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{method} {path} {status} does not match its schema:\n{}\n{body}",
            errors.join("\n")
        );
    }
}

#[test]
fn real_responses_match_the_openapi_document() {
    let temp = tempfile::tempdir().expect("temp dir");
    let config = config_with_best_bet(temp.path());
    let api = demo_with_config(&temp.path().join("data"), &config);
    let base = api.base_url.as_str();
    let document = Document::fetch(base);

    let paths: Vec<&String> = document.openapi["paths"]
        .as_object()
        .map(|paths| paths.keys().collect())
        .unwrap_or_default();
    assert_eq!(
        paths,
        [
            "/browse",
            "/click",
            "/events",
            "/health",
            "/metrics",
            "/openapi.json",
            "/search",
            "/suggest"
        ],
        "the public API"
    );
    // Every parameter `/search` reads (README), each described.
    let mut parameters: Vec<&str> = document.openapi["paths"]["/search"]["get"]["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|parameter| parameter["name"].as_str())
        .collect();
    parameters.sort_unstable();
    assert_eq!(
        parameters,
        [
            "audience", "correct", "explain", "facets", "group", "kind", "limit", "offset", "q",
            "section", "snippets"
        ]
    );
    document.check(base, "/search?q=short+breaks&snippets=false", 200);

    let grouped = document.check(base, "/search?q=inclusion+funding", 200);
    assert!(
        grouped["facets"]["sections"][0]["count"].is_u64(),
        "{grouped}"
    );
    assert!(grouped["best_bets"][0]["message"].is_string(), "{grouped}");
    let with_documents = grouped["results"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|hit| hit["documents"][0]["size_bytes"].is_u64());
    assert!(with_documents, "a page with its documents: {grouped}");

    let flat = document.check(base, "/search?q=inclusion+funding&group=false", 200);
    let document_hit = flat["results"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|hit| hit["kind"] == "document")
        .cloned()
        .unwrap_or(Value::Null);
    assert!(document_hit["parent_url"].is_string(), "{flat}");

    let corrected = document.check(base, "/search?q=inclusoin+fundign", 200);
    assert_eq!(corrected["did_you_mean"]["applied"], true, "{corrected}");
    let explained = document.check(base, "/search?q=short+breaks&explain=true&limit=3", 200);
    assert!(explained["results"][0]["explain"]["boosts"].is_array());
    document.check(base, "/search?q=qwxzvy&facets=false&kind=document", 200);

    let empty = document.check(base, "/search?q=", 400);
    assert_eq!(empty["error"]["code"], "empty_query");
    document.check(base, "/search?q=x&limit=lots", 400);
    document.check(base, "/search?q=x&section=nowhere", 400);
    let professional = document.check(base, "/search?q=annual+review&audience=professional", 200);
    let audiences: Vec<&Value> = professional["results"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|hit| &hit["audience"])
        .collect();
    assert!(
        audiences.contains(&&json!("professional")),
        "{professional}"
    );
    let unknown = document.check(base, "/search?q=x&audience=robots", 400);
    assert_eq!(unknown["error"]["code"], "bad_audience");

    let suggestions = document.check(base, "/suggest?q=shor", 200);
    assert!(
        suggestions["suggestions"][0]["text"].is_string(),
        "{suggestions}"
    );
    let none = document.check(base, "/suggest?q=", 200);
    assert_eq!(none["suggestions"], json!([]));
    document.check(base, "/suggest?q=x&limit=many", 400);

    let browse = document.check(base, "/browse", 200);
    assert!(
        browse["letters"][0]["topics"][0]["name"].is_string(),
        "{browse}"
    );
    document.check(base, "/browse?letter=S", 200);
    document.check(base, "/browse?letter=ABCD", 400);
    document.check(base, "/click?url=https%3A%2F%2Felsewhere.example%2F", 400);

    let click_url = grouped["results"][0]["url"].as_str().unwrap_or_default();
    let event = json!({"type": "click", "query": "inclusion funding", "rank": 1, "url": click_url});
    document.check_post(base, "/events", &event, 202);
    document.check_post(
        base,
        "/events",
        &json!({"type": "view", "url": click_url}),
        400,
    );

    document.check(base, "/health", 200);
}

#[test]
fn strict_schemas_refuse_undocumented_and_mistyped_fields() {
    let temp = tempfile::tempdir().expect("temp dir");
    let api = demo_with_config(&temp.path().join("data"), &common::project_config());
    let base = api.base_url.as_str();
    let document = Document::fetch(base);
    let (_, body) = get_json(&format!("{base}/search?q=short+breaks"));
    let validator = document.validator("/search", 200);
    assert!(validator.is_valid(&body));

    let mut extra = body.clone();
    extra["results"][0]["rating"] = json!(5);
    assert!(!validator.is_valid(&extra), "an undocumented field");
    let mut mistyped = body.clone();
    mistyped["total"] = json!("nine");
    assert!(!validator.is_valid(&mistyped), "a mistyped field");
    let mut missing = body;
    if let Some(hit) = missing["results"][0].as_object_mut() {
        hit.remove("title");
    }
    assert!(!validator.is_valid(&missing), "a missing field");
}

#[test]
fn health_and_search_before_the_first_index_match_the_document() {
    let temp = tempfile::tempdir().expect("temp dir");
    let data = temp.path().join("data");
    std::fs::create_dir_all(&data).expect("data folder");
    let api = common::serve(&data, &common::project_config());
    let base = api.base_url.as_str();
    let document = Document::fetch(base);
    let health = document.check(base, "/health", 503);
    assert_eq!(health["status"], "no_index");
    document.check(base, "/search?q=autism", 503);
    document.check(base, "/suggest?q=aut", 503);
}
