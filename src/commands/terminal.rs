//! What the terminal a scan runs in allows: colour, `-q`, and the progress line.

use crate::cli::ScanArgs;

/// Colour and `-q` for this scan's console: colour only where `--color` and the terminal
/// allow it.
pub fn console_style(args: &ScanArgs) -> crate::diagnostic::ConsoleStyle {
    use std::io::IsTerminal;
    crate::diagnostic::ConsoleStyle {
        color: use_color(args.color, std::io::stdout().is_terminal(), |k| {
            std::env::var_os(k)
        }),
        quiet: args.quiet,
    }
}

/// `--color`: `always` and `never` as said; `auto` colours a terminal unless `NO_COLOR` is set
/// (to anything but empty, see no-color.org) or `TERM=dumb`.
fn use_color(
    choice: crate::cli::ColorChoice,
    terminal: bool,
    env: impl Fn(&str) -> Option<std::ffi::OsString>,
) -> bool {
    use crate::cli::ColorChoice;
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            terminal
                && env("NO_COLOR").is_none_or(|v| v.is_empty())
                && env("TERM").is_none_or(|t| t != "dumb")
        }
    }
}

/// The progress line is for people at a terminal: stderr must be one, and not in CI (where
/// logs are files and a redrawn line is noise).
pub fn progress_line_wanted() -> bool {
    use std::io::IsTerminal;
    let set = |k: &str| std::env::var(k).is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    std::io::stderr().is_terminal() && !set("CI") && !set("GITHUB_ACTIONS")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_follows_the_flag_the_terminal_and_no_color() {
        use crate::cli::ColorChoice::{Always, Auto, Never};
        let none = |_: &str| None;
        let no_color = |k: &str| (k == "NO_COLOR").then(|| "1".into());
        let empty_no_color = |k: &str| (k == "NO_COLOR").then(|| "".into());
        assert!(use_color(Auto, true, none));
        assert!(!use_color(Auto, false, none), "never in a pipe or file");
        assert!(!use_color(Auto, true, no_color));
        assert!(use_color(Auto, true, empty_no_color));
        assert!(use_color(Always, false, no_color), "an explicit flag wins");
        assert!(!use_color(Never, true, none));
        let dumb = |k: &str| (k == "TERM").then(|| "dumb".into());
        assert!(!use_color(Auto, true, dumb));
    }
}
