//! What a scan leaves behind, shared by everything that shows, keeps or sends it: the finished
//! scan in memory ([`scan`]), the results document built from it once ([`build`], as the typed
//! wire structs of [`document`]), the record the store and the outbox keep ([`record`]), the
//! stored-scan read model the pages render ([`stored`]) and the scan's times ([`time`]).
//!
//! It sits below `report`, `store`, `cloud`, `notify` and `server`, which meet here instead of
//! importing each other.

pub mod build;
pub mod datasets;
pub mod document;
pub mod reasons;
pub mod record;
pub mod scan;
pub mod stored;
pub mod time;
