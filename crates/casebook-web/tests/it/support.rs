//! A small registry with two centers and one user per role and center, served in-process.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use casebook_domain::patient::Slug;
use casebook_formats::native::folder::parse_patient_json;
use casebook_store::Actor;
use casebook_store::records::Scope;
use casebook_store::testing::{TestDb, small_study};
use casebook_store::users::{NewUser, Password, Role, Username};
use casebook_web::{WebOptions, router};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// Runs a test body once on SQLite and once on PostgreSQL (when configured; CI always is).
#[macro_export]
macro_rules! web_test {
    ($name:ident, |$world:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($world: &$crate::support::World) $body

            #[tokio::test]
            async fn sqlite() {
                let db = casebook_store::testing::TestDb::sqlite().await;
                let world = $crate::support::World::new(db).await;
                body(&world).await;
                world.db.finish().await;
            }

            #[tokio::test]
            async fn postgres() {
                let Some(db) = casebook_store::testing::TestDb::postgres().await else {
                    casebook_store::testing::postgres_not_configured(concat!(stringify!($name), "::postgres"));
                    return;
                };
                let world = $crate::support::World::new(db).await;
                body(&world).await;
                world.db.finish().await;
            }
        }
    };
}

pub const PASSWORD: &str = "correct horse battery";

/// (username, role, center)
pub const USERS: &[(&str, Role, Option<&str>)] = &[
    ("admin", Role::Administrator, None),
    ("coordinator", Role::Coordinator, None),
    ("lead.a", Role::CenterLead, Some("A")),
    ("entry.a", Role::DataEntry, Some("A")),
    ("lead.b", Role::CenterLead, Some("B")),
    ("entry.b", Role::DataEntry, Some("B")),
];

pub struct World {
    pub db: TestDb,
    pub app: Router,
    /// API tokens by username.
    pub tokens: Vec<(String, String)>,
    /// A second token of each user, by username, for the revoke route: (username, token id).
    pub revocable: Vec<(String, i64)>,
    /// Data queries opened on P-A1 and P-B1.
    pub query_a: i64,
    pub query_b: i64,
}

pub fn patient_json(pseudonym: &str, center: &str) -> String {
    format!(
        r#"{{
  "pseudonym": "{pseudonym}",
  "center": "{center}",
  "source": "constructed",
  "sex": "male",
  "vitalStatus": "alive",
  "features": [{{"id": "HP:0000964", "label": "Eczema"}}]
}}"#
    )
}

impl World {
    pub async fn new(db: TestDb) -> World {
        let study = small_study();
        let patients: Vec<_> =
            [("P-A1", "A"), ("P-A2", "A"), ("P-B1", "B")].iter().map(|(p, c)| parse_patient_json(&patient_json(p, c)).unwrap()).collect();
        let setup = Actor::new("setup");
        db.store.import_study(&study, &patients, &setup).await.unwrap();
        let mut tokens = Vec::new();
        let mut revocable = Vec::new();
        for (username, role, center) in USERS {
            let new_user =
                NewUser::new(Username::parse(username).unwrap(), *role, center.map(|c| Slug::parse("center", c).unwrap())).unwrap();
            let user = db.store.add_user(&setup, &new_user, &Password::parse(PASSWORD).unwrap()).await.unwrap();
            tokens.push((username.to_string(), db.store.add_api_token(&user, "tests", &setup).await.unwrap()));
            db.store.add_api_token(&user, "to revoke", &setup).await.unwrap();
            let id = db.store.api_tokens(&user).await.unwrap().into_iter().find(|token| token.label == "to revoke").unwrap().id;
            revocable.push((username.to_string(), id));
        }
        // Accounts that no test logs in as, for the administrator to disable.
        for name in ["spare", "spare2"] {
            let spare = NewUser::new(Username::parse(name).unwrap(), Role::DataEntry, Some(Slug::parse("center", "A").unwrap())).unwrap();
            db.store.add_user(&setup, &spare, &Password::parse(PASSWORD).unwrap()).await.unwrap();
        }
        let coordinator = Actor::new("coordinator");
        let query_a = db.store.open_query("small", "P-A1", "$.sex", "Is this right?", &Scope::AllCenters, &coordinator).await.unwrap();
        let query_b = db.store.open_query("small", "P-B1", "$.sex", "Is this right?", &Scope::AllCenters, &coordinator).await.unwrap();
        let app = router(db.store.clone(), &WebOptions { secure_cookies: false });
        World { db, app, tokens, revocable, query_a, query_b }
    }

    pub fn revocable_token(&self, username: &str) -> i64 {
        self.revocable.iter().find(|(name, _)| name == username).expect("a known user").1
    }

    pub fn token(&self, username: &str) -> &str {
        &self.tokens.iter().find(|(name, _)| name == username).expect("a known user").1
    }

    /// Sends a request as `username` (by API token; `None` for nobody) and gives the status and body.
    pub async fn send(&self, username: Option<&str>, method: &str, path: &str, body: Option<Body_>) -> (StatusCode, String) {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(username) = username {
            request = request.header(header::AUTHORIZATION, format!("Bearer {}", self.token(username)));
        }
        let request = match body {
            None => request.body(Body::empty()).unwrap(),
            Some(Body_::Form(form)) => {
                request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(Body::from(form)).unwrap()
            }
            Some(Body_::Json(json)) => request.header(header::CONTENT_TYPE, "application/json").body(Body::from(json)).unwrap(),
        };
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// A request body.
pub enum Body_ {
    Form(String),
    Json(String),
}

/// Every (method, path) the application's router declares, read from its source: the pages
/// (`lib.rs`, `pages.rs`) and the API (`api.rs`, nested under `/api/v1`).
pub fn declared_routes() -> Vec<(String, String)> {
    let source = |file: &str| std::fs::read_to_string(format!("{}/src/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let mut declared = Vec::new();
    for (file, prefix) in [("lib.rs", ""), ("pages.rs", ""), ("api.rs", "/api/v1")] {
        for line in source(file).lines() {
            let Some(rest) = line.split(".route(\"").nth(1) else { continue };
            let (path, handlers) = rest.split_once('"').unwrap();
            for method in ["get", "post", "put", "delete", "patch"] {
                if handlers.contains(&format!("{method}(")) {
                    declared.push((method.to_uppercase(), format!("{prefix}{path}")));
                }
            }
        }
    }
    declared
}
