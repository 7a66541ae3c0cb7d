//! The store's integration tests. Each test runs once on SQLite and once on PostgreSQL (when
//! `CASEBOOK_TEST_DATABASE_URL` is set; CI always sets it), through [`store_test!`].

mod audit;
mod fixtures;
mod large_imports;
mod reference_study;
mod registry;
mod workflow;

/// Declares a test that runs on both backends, as `NAME::sqlite` and `NAME::postgres`.
#[macro_export]
macro_rules! store_test {
    ($name:ident, |$db:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($db: &casebook_store::testing::TestDb) $body

            #[tokio::test]
            async fn sqlite() {
                let db = casebook_store::testing::TestDb::sqlite().await;
                body(&db).await;
                db.finish().await;
            }

            #[tokio::test]
            async fn postgres() {
                let Some(db) = casebook_store::testing::TestDb::postgres().await else {
                    casebook_store::testing::postgres_not_configured(concat!(stringify!($name), "::postgres"));
                    return;
                };
                body(&db).await;
                db.finish().await;
            }
        }
    };
}
