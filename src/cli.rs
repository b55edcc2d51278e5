//! Command-line arguments, exactly as the user typed them (the raw layer).
//!
//! The flags mirror Soda Core 3.5.6's `soda` click CLI so existing scripts keep working.
//! `-srf` is a three-letter short option in Soda Core, which clap cannot declare, so
//! [`normalize_args`] rewrites it to `--scan-results-file` before parsing.

use clap::{Args, Parser, Subcommand};
use std::ffi::OsString;
use std::path::PathBuf;

/// A fast, single-binary data-quality scanner compatible with Soda Core 3.x.
#[derive(Debug, Parser)]
#[command(name = "soda", version, about, long_about = None, disable_help_subcommand = true, args_override_self = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Runs the checks of SodaCL files against a data source.
    Scan(ScanArgs),
    /// Connects to a data source and runs `SELECT 1`.
    TestConnection(TestConnectionArgs),
    /// Lists or sends scan results that could not be delivered to Soda Cloud.
    Outbox(OutboxArgs),
    /// Writes the results store as a self-contained HTML report.
    Report(ReportArgs),
    /// Runs a self-hosted endpoint of Soda Cloud's ingest API with a live Check Results UI,
    /// or manages its API keys.
    Server(ServerArgs),
    /// Prints a shell completion script (bash, zsh or fish) for `soda`.
    Completions(CompletionsArgs),
    /// Prints the `soda(1)` man page (roff).
    Man,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// The shells `soda completions` writes scripts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

/// When the console uses colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set or `TERM=dumb`.
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Configuration file or folder with the `results_store` block (repeatable).
    #[arg(short = 'c', long = "configuration", value_name = "PATH")]
    pub configuration: Vec<PathBuf>,

    /// The results store to read: an SQLite file or a postgres:// URL (overrides the
    /// configuration). A store that does not exist is an error (exit 3): soda report never
    /// creates one (soda scan --store does).
    #[arg(long = "store", value_name = "PATH|URL")]
    pub store: Option<String>,

    /// Where to write the report.
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FILE",
        default_value = "soda-report.html"
    )]
    pub output: PathBuf,

    /// Prints debug messages.
    #[arg(short = 'V', long = "verbose")]
    pub verbose: bool,
}

/// `soda server`: serves the Soda Cloud ingest API and the report pages from a results
/// store, or manages its API keys (`soda server keys ...`).
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ServerArgs {
    #[command(subcommand)]
    pub command: Option<ServerCommand>,

    #[command(flatten)]
    pub store: ServerStoreArgs,

    /// Address to listen on; plain HTTP (without --tls-cert) only on a loopback address.
    #[arg(long = "listen", value_name = "ADDR", default_value = "127.0.0.1:8443")]
    pub listen: String,

    /// TLS certificate chain (PEM); with --tls-key the server speaks HTTPS.
    #[arg(long = "tls-cert", value_name = "PEM", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// TLS private key (PEM: PKCS#8, PKCS#1 or SEC1).
    #[arg(long = "tls-key", value_name = "PEM", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// Seconds a login token stays valid.
    #[arg(long = "token-ttl", value_name = "SECONDS", default_value_t = 3600.0)]
    pub token_ttl: f64,

    /// Largest request body accepted, in bytes (larger ones get 413).
    #[arg(long = "max-body", value_name = "BYTES", default_value_t = 16 * 1024 * 1024)]
    pub max_body: usize,

    /// The organisation's check attributes, a JSON list of {name, type, allowedValues},
    /// answered to sodaCoreAvailableCheckAttributes (default: none).
    #[arg(long = "check-attributes", value_name = "FILE")]
    pub check_attributes: Option<PathBuf>,

    /// Tells clients not to upload failed-row samples.
    #[arg(long = "disable-samples")]
    pub disable_samples: bool,

    /// Serves the pages and the read API without credentials (the ingest API still needs a key).
    #[arg(long = "allow-anonymous-read")]
    pub allow_anonymous_read: bool,

    /// Creates the SQLite store file (and its folder) when it does not exist. Without it, a
    /// store file that does not exist is an error at start (exit 3), so a typo in --store
    /// does not serve a new, empty store. `soda server keys create` always creates the store.
    #[arg(long = "create-store")]
    pub create_store: bool,
}

/// Where `soda server` keeps everything.
#[derive(Debug, Args)]
pub struct ServerStoreArgs {
    /// Configuration file or folder with a `results_store:` block.
    #[arg(short = 'c', long = "configuration", value_name = "PATH")]
    pub configuration: Vec<PathBuf>,

    /// The results store: an SQLite file or postgres://... (default: `results_store:`, else
    /// results.sqlite in the state directory).
    #[arg(long = "store", value_name = "PATH|URL")]
    pub store: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ServerCommand {
    /// Manages the API keys clients log in with.
    #[command(subcommand)]
    Keys(KeysCommand),
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Creates a key; its id and secret are printed once.
    Create {
        /// A name for people: who or what uses the key.
        name: String,
        #[command(flatten)]
        store: ServerStoreArgs,
    },
    /// Lists the keys (never their secrets).
    List {
        #[command(flatten)]
        store: ServerStoreArgs,
    },
    /// Revokes a key: its logins and tokens stop working.
    Revoke {
        /// The key id.
        id: String,
        #[command(flatten)]
        store: ServerStoreArgs,
    },
}

#[derive(Debug, Args)]
pub struct OutboxArgs {
    /// `list` shows the waiting results; `send` delivers them, oldest first.
    #[arg(value_enum)]
    pub action: OutboxAction,

    /// Configuration file or folder with the `soda_cloud` block (repeatable).
    #[arg(short = 'c', long = "configuration", value_name = "PATH")]
    pub configuration: Vec<PathBuf>,

    /// Prints debug messages.
    #[arg(short = 'V', long = "verbose")]
    pub verbose: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutboxAction {
    List,
    Send,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Name of the data source the checks run against.
    #[arg(short = 'd', long = "data-source", env = "SODA_DATA_SOURCE")]
    pub data_source: String,

    /// Scan definition name; part of every metric identity in Soda Cloud.
    #[arg(
        short = 's',
        long = "scan-definition",
        env = "SODA_SCAN_DEFINITION",
        default_value = "Soda Core CLI"
    )]
    pub scan_definition: String,

    /// A variable KEY=VALUE for `${KEY}` in configuration and checks files (repeatable).
    #[arg(short = 'v', long = "variable", value_name = "KEY=VALUE")]
    pub variables: Vec<String>,

    /// Configuration file or folder (repeatable). Default: ~/.soda/configuration.yml
    #[arg(short = 'c', long = "configuration", value_name = "PATH")]
    pub configuration: Vec<PathBuf>,

    /// The time the scanned data represents, ISO 8601 (default: now).
    #[arg(short = 't', long = "data-timestamp", value_name = "ISO8601")]
    pub data_timestamp: Option<String>,

    /// Prints queries, debug messages and passing-check diagnostics.
    #[arg(short = 'V', long = "verbose")]
    pub verbose: bool,

    /// Writes the scan results document (JSON) to this file. Also `-srf FILE`.
    #[arg(long = "scan-results-file", value_name = "FILE")]
    pub scan_results_file: Option<PathBuf>,

    /// Records the results in this results store for this run: an SQLite file or a
    /// postgres://user@host/database URL (overrides `results_store:` of the configuration).
    #[arg(long = "store", value_name = "PATH|URL")]
    pub store: Option<String>,

    /// Writes a JUnit XML test report to this file: a testsuite per dataset, a testcase per
    /// check.
    #[arg(long = "junit", visible_alias = "junit-xml", value_name = "FILE")]
    pub junit: Option<PathBuf>,

    /// Colour outcomes on the console: auto (on a terminal, unless NO_COLOR is set), always,
    /// never.
    #[arg(long = "color", value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Prints only non-passing checks, errors, warnings and the verdict.
    #[arg(short = 'q', long = "quiet")]
    pub quiet: bool,

    /// Check templates are a Soda Library feature; accepted and reported as an error.
    #[arg(short = 'T', long = "template-path", hide = true)]
    pub template_path: Option<PathBuf>,

    /// SodaCL checks files or folders (folders are searched for .yml/.yaml files).
    #[arg(value_name = "SODACL_PATHS")]
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct TestConnectionArgs {
    /// Name of the data source to test.
    #[arg(short = 'd', long = "data-source", env = "SODA_DATA_SOURCE")]
    pub data_source: String,

    /// Configuration file or folder (repeatable). Default: ~/.soda/configuration.yml
    #[arg(short = 'c', long = "configuration", value_name = "PATH")]
    pub configuration: Vec<PathBuf>,

    /// Prints debug messages.
    #[arg(short = 'V', long = "verbose")]
    pub verbose: bool,
}

/// Writes the completion script of `shell` for the whole command line.
pub fn completions(shell: Shell, out: &mut dyn std::io::Write) {
    use clap::CommandFactory;
    let generator = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    clap_complete::generate(generator, &mut Cli::command(), "soda", out);
}

/// Writes the man page, generated from the same definitions as `--help`.
pub fn man_page(out: &mut dyn std::io::Write) -> std::io::Result<()> {
    use clap::CommandFactory;
    clap_mangen::Man::new(Cli::command()).render(out)
}

/// Rewrites Soda Core's `-srf FILE` / `-srf=FILE` spelling into the long option.
pub fn normalize_args(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    args.into_iter()
        .map(|arg| match arg.to_str() {
            Some("-srf") => OsString::from("--scan-results-file"),
            Some(s) if s.starts_with("-srf=") => {
                OsString::from(format!("--scan-results-file={}", &s[5..]))
            }
            _ => arg,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn srf_is_rewritten() {
        let args =
            normalize_args(["soda", "scan", "-srf", "x.json", "-srf=y.json"].map(OsString::from));
        assert_eq!(args[2], OsString::from("--scan-results-file"));
        assert_eq!(args[4], OsString::from("--scan-results-file=y.json"));
    }

    #[test]
    fn cli_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
