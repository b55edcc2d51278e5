//! Every check type on every engine: the scenarios of [`crate::common::check_types`], run on
//! SQLite, the local PostgreSQL server and the local MariaDB server. A value or outcome that
//! differs on one engine fails in that engine's module (`check_types::<engine>::<scenario>`).

macro_rules! engine {
    ($module:ident, $db:expr) => {
        mod $module {
            use crate::common::{check_types, Database};

            const DB: Database = $db;

            #[test]
            fn freshness() {
                check_types::freshness(DB);
            }

            #[test]
            fn schema() {
                check_types::schema(DB);
            }

            #[test]
            fn reference() {
                check_types::reference(DB);
            }

            #[test]
            fn user_defined_metrics() {
                check_types::user_defined_metrics(DB);
            }

            #[test]
            fn failed_rows() {
                check_types::failed_rows(DB);
            }

            #[test]
            fn group_by() {
                check_types::group_by(DB);
            }

            #[test]
            fn group_evolution() {
                check_types::group_evolution(DB);
            }

            #[test]
            fn row_count_comparisons() {
                check_types::row_count_comparisons(DB);
            }

            #[test]
            fn for_each_dataset() {
                check_types::for_each_dataset(DB);
            }

            #[test]
            fn cloud_only_checks_are_not_evaluated() {
                check_types::cloud_only_checks(DB);
            }

            #[test]
            fn profiling_sections() {
                check_types::profiling_sections(DB);
            }

            #[test]
            fn unknown_table() {
                check_types::unknown_table(DB);
            }

            #[test]
            fn unknown_column() {
                check_types::unknown_column(DB);
            }

            #[test]
            fn missing_variable() {
                check_types::missing_variable(DB);
            }
        }
    };
}

engine!(sqlite, Database::Sqlite);
engine!(postgres, Database::Postgres);
engine!(mariadb, Database::MariaDb);
engine!(spark, Database::Spark);
