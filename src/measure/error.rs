//! Why the database side of a scan failed, as data: the kind of failure and what the database
//! or the network said. Engine produces these for connections and statements; the scan, the
//! results document and the store carry them unrendered, and `report::problems` is the one
//! place that turns them into the words a user reads. Keeping the kind lets a caller tell a
//! refused connection from a query the server rejected without matching on text.

/// A failure to connect to a data source or to run one statement on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineError {
    /// The server answered the TCP connection with a refusal (nothing listens there).
    Refused { host: String, port: u16 },
    /// The host could not be resolved or the network said no; `reason` is the system's words.
    Unreachable {
        host: String,
        port: u16,
        reason: String,
    },
    /// Nothing answered within `connection_timeout`: a silent network or a stuck server.
    ConnectTimeout {
        /// The address, when we tried it ourselves before handing over to the driver.
        address: Option<(String, u16)>,
        seconds: u64,
    },
    /// The driver refused the connection settings (an SSL mode, a missing SQLite file).
    Configuration(String),
    /// The driver's pool gave up waiting for a connection.
    PoolTimedOut,
    /// The text holds a second statement after a `;`; it was not sent.
    SecondStatement,
    /// Spark: a statement that is neither a query nor one of our metadata statements.
    NotReadOnly,
    /// The statement ran past `query_timeout` (plus a grace for a dead connection).
    QueryTimeout { seconds: u64 },
    /// The database's own message: a syntax error, an unknown column, a cancelled statement.
    Database(String),
    /// The scan never connected to its data source.
    NotConnected,
    /// A check reads a data source that the configuration does not define.
    UnknownDataSource(String),
    /// Connecting to another data source that a check reads failed.
    OtherSource {
        name: String,
        cause: Box<EngineError>,
    },
}
