//! Spark Connect's protobuf messages and gRPC client, generated from Apache Spark's
//! `spark/connect/*.proto` (v4.2.0) by prost and tonic, kept in the repository so that building
//! needs no `protoc`. The module layout matches the registry crate's, so
//! `apache-spark-connect` uses this crate unchanged. Regenerate with
//! `scripts/regen-spark-proto.sh`; never edit `spark.connect.rs` by hand.

#![allow(clippy::all, clippy::pedantic)]

pub mod spark {
    pub mod connect {
        include!("spark.connect.rs");
    }
}

pub use spark::connect::*;
