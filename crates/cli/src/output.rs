//! Rendering results as text tables or JSON.

use std::fmt::Write as _;
use std::io::Write as _;

use dataarts_security::{MemberSyncTask, TaskPage};
use jiff::Timestamp;

/// Shown where the service sent no value.
const MISSING: &str = "-";

/// A command line that parsed but cannot be used; exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// How a result is printed: format, JMESPath query, colour.
pub struct Render {
    format: crate::Output,
    query: Option<jmespath::Expression<'static>>,
    color: bool,
}

impl Render {
    /// Checks the query once, before anything is sent. Colour is used only
    /// when stdout is a terminal and `NO_COLOR` is unset.
    pub fn new(format: crate::Output, query: Option<&str>) -> anyhow::Result<Self> {
        let query = query
            .map(|q| {
                jmespath::compile(q).map_err(|e| {
                    UsageError(format!(
                        "invalid --query: {}",
                        e.to_string().lines().next().unwrap_or("")
                    ))
                })
            })
            .transpose()?;
        let color = std::io::IsTerminal::is_terminal(&std::io::stdout())
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            && std::env::var("TERM").map_or(true, |term| term != "dumb");
        Ok(Render {
            format,
            query,
            color,
        })
    }
}

/// Prints `value` as `render` says: the table from `table` (given whether
/// to colour), or the API's JSON, or YAML, after the query if any.
pub fn emit<T: serde::Serialize>(
    render: &Render,
    value: &T,
    table: impl FnOnce(bool) -> String,
) -> anyhow::Result<()> {
    if render.format == crate::Output::Table && render.query.is_none() {
        return print_text(&table(render.color));
    }
    let mut json = serde_json::to_value(value)?;
    if let Some(query) = &render.query {
        let found = query.search(&json).map_err(|e| {
            let reason = e
                .to_string()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            UsageError(format!("--query failed: {reason}"))
        })?;
        json = serde_json::to_value(&*found)?;
    }
    match render.format {
        crate::Output::Yaml => print_text(&serde_norway::to_string(&json)?),
        _ => print_json(&json),
    }
}

/// A status, coloured by outcome when `color` is on: failure red, success
/// green, running yellow.
fn colored_status(text: String, color: bool) -> String {
    if !color {
        return text;
    }
    let code = match text.trim_end() {
        "SYNC_FAIL" => "31",
        "SYNC_SUCCESS" => "32",
        "SYNCING" => "33",
        _ => return text,
    };
    let trimmed = text.trim_end();
    let padding = &text[trimmed.len()..];
    format!("\x1b[{code}m{trimmed}\x1b[0m{padding}")
}

/// Writes a value as pretty JSON in the API's own shape.
pub fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, value)?;
    writeln!(stdout)?;
    stdout.flush()?;
    Ok(())
}

/// Writes text to stdout, reporting a failed write as an error instead of
/// panicking as `print!` does.
pub fn print_text(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

/// Whether an error is a closed stdout (`| head`): not worth reporting.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    let kind = error
        .downcast_ref::<std::io::Error>()
        .map(std::io::Error::kind)
        .or_else(|| {
            error
                .downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
        });
    kind == Some(std::io::ErrorKind::BrokenPipe)
}

/// Text from the server made safe for a terminal: control characters
/// (escape sequences, carriage returns, bells) and bidirectional overrides
/// are shown escaped instead of acting on the terminal. Line breaks are kept
/// only where `keep_newlines`.
fn sanitize(text: &str, keep_newlines: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let bidi = matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        match c {
            '\n' if keep_newlines => out.push('\n'),
            c if c.is_control() || bidi => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
    }
    out
}

/// One line of text made safe for a terminal.
pub fn terminal_safe(text: &str) -> String {
    sanitize(text, false)
}

fn text(value: Option<&str>) -> String {
    terminal_safe(value.filter(|v| !v.is_empty()).unwrap_or(MISSING))
}

fn shown<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| MISSING.to_owned(), |v| terminal_safe(&v.to_string()))
}

/// An instant as `2024-03-20 02:25:16 UTC`.
fn time(value: Option<Timestamp>) -> String {
    value.map_or_else(
        || MISSING.to_owned(),
        |t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string(),
    )
}

/// One task as a two-column table of field and value.
pub fn task_table(task: &MemberSyncTask, color: bool) -> String {
    let schedule = match (&task.schedule_interval, &task.schedule_period) {
        (Some(interval), Some(period)) => terminal_safe(&format!("every {interval} {period}")),
        _ => MISSING.to_owned(),
    };
    let window = match (task.schedule_start_hour, task.schedule_end_hour) {
        (Some(start), Some(end)) => format!("{start:02}:00 to {end:02}:00"),
        _ => MISSING.to_owned(),
    };
    let rows = [
        ("id", text(task.id.as_deref())),
        ("cluster_name", text(task.cluster_name.as_deref())),
        ("cluster_type", shown(task.cluster_type.as_ref())),
        ("cluster_id", text(task.cluster_id.as_deref())),
        ("sync_status", shown(task.sync_status.as_ref())),
        ("sync_time", time(task.sync_time)),
        ("schedule_status", shown(task.schedule_status.as_ref())),
        ("schedule", schedule),
        ("schedule_hours", window),
        (
            "data_connection",
            text(task.data_connection_name.as_deref()),
        ),
        (
            "data_connection_id",
            text(task.data_connection_id.as_deref()),
        ),
        (
            "data_connection_workspace",
            text(task.data_connection_workspace.as_deref()),
        ),
        ("project_id", text(task.project_id.as_deref())),
        ("domain_id", text(task.domain_id.as_deref())),
        ("instance_id", text(task.instance_id.as_deref())),
        ("create_time", time(task.create_time)),
        ("create_user", text(task.create_user.as_deref())),
        ("update_time", time(task.update_time)),
        ("update_user", text(task.update_user.as_deref())),
    ];
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (key, value) in rows {
        let value = if key == "sync_status" {
            colored_status(value, color)
        } else {
            value
        };
        let _ = writeln!(out, "{key:<width$}  {value}");
    }
    let _ = writeln!(out, "\nsync log:");
    let log = task.sync_log();
    if log.entries.is_empty() {
        let _ = writeln!(out, "{MISSING}");
    }
    for entry in &log.entries {
        render_entry(&mut out, entry);
    }
    out
}

/// One log entry: its time and message, then each job result; a failed
/// job's database error and detail lines are printed as lines, not as the
/// escaped JSON they arrive in.
fn render_entry(out: &mut String, entry: &dataarts_security::sync_log::LogEntry) {
    let time = entry.time.map(|t| format!("[{t}] ")).unwrap_or_default();
    let message = sanitize(&entry.message, true);
    let _ = writeln!(
        out,
        "{}{}",
        time.replace('T', " "),
        message.replace('\n', "\n  ")
    );
    for job in &entry.jobs {
        let id = terminal_safe(job.job_id.as_deref().unwrap_or(MISSING));
        let status = terminal_safe(job.status.as_deref().unwrap_or(MISSING));
        let _ = writeln!(out, "  job {id}: {status}");
        if let Some((error, detail)) = job.error_and_detail() {
            let _ = writeln!(out, "    {}", terminal_safe(error));
            for line in detail {
                let _ = writeln!(out, "      {}", terminal_safe(line));
            }
        }
    }
}

/// A page of tasks as one row per task, then a line with the count.
pub fn page_table(page: &TaskPage, offset: u32, color: bool) -> String {
    let header = [
        "ID",
        "CLUSTER",
        "TYPE",
        "SYNC STATUS",
        "SCHEDULE",
        "SYNC TIME",
    ];
    let rows: Vec<[String; 6]> = page
        .tasks
        .iter()
        .map(|t| {
            [
                text(t.id.as_deref()),
                text(t.cluster_name.as_deref()),
                shown(t.cluster_type.as_ref()),
                shown(t.sync_status.as_ref()),
                shown(t.schedule_status.as_ref()),
                time(t.sync_time),
            ]
        })
        .collect();

    let mut widths = header.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    // Colour is added after padding, so escape codes never count as width.
    let mut line = |cells: &[&str], colored: bool| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(i, (cell, width))| {
                let cell = format!("{cell:<width$}");
                if i == 3 {
                    colored_status(cell, colored)
                } else {
                    cell
                }
            })
            .collect();
        let _ = writeln!(out, "{}", padded.join("  ").trim_end());
    };
    line(&header, false);
    for row in &rows {
        line(&row.each_ref().map(String::as_str), color);
    }

    let shown = page.tasks.len();
    let total = page.total.map_or_else(|| "?".to_owned(), |t| t.to_string());
    let range = if shown == 0 {
        "no tasks".to_owned()
    } else {
        format!(
            "tasks {} to {}",
            u64::from(offset) + 1,
            u64::from(offset) + shown as u64
        )
    };
    let _ = writeln!(out, "\n{range} of {total}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_wraps_the_status_but_keeps_the_padding() {
        assert_eq!(
            colored_status("SYNC_FAIL   ".into(), true),
            "\x1b[31mSYNC_FAIL\x1b[0m   "
        );
        assert_eq!(colored_status("SYNC_FAIL   ".into(), false), "SYNC_FAIL   ");
        assert_eq!(colored_status("NOT_SYNC".into(), true), "NOT_SYNC");
    }

    #[test]
    fn escape_sequences_from_the_server_are_shown_not_obeyed() {
        let hostile = "x\u{1b}[31mRED\u{1b}]0;pwned\u{7}\r\u{202e}abc";
        let safe = terminal_safe(hostile);
        assert!(!safe.chars().any(|c| c.is_control()), "{safe:?}");
        assert_eq!(
            safe,
            "x\\u{1b}[31mRED\\u{1b}]0;pwned\\u{7}\\u{d}\\u{202e}abc"
        );
    }

    #[test]
    fn a_table_keeps_one_row_per_task_whatever_the_names_hold() {
        let mut task = MemberSyncTask::default();
        task.id = Some("0123456789abcdef0123456789abcdef".into());
        task.cluster_name = Some("line one\nline two\u{1b}[2J".into());
        let mut page = TaskPage::default();
        page.tasks = vec![task];
        page.total = Some(1);
        let table = page_table(&page, 0, false);
        assert_eq!(table.lines().count(), 4, "{table}");
        assert!(!table.contains('\u{1b}'), "{table}");
    }

    #[test]
    fn the_log_keeps_its_lines_but_not_its_escapes() {
        let mut task = MemberSyncTask::default();
        task.sync_msg = Some("[2024-03-20 10:25:54] a\n[2024-03-20 10:25:55] b\u{1b}[0m".into());
        let table = task_table(&task, false);
        assert!(
            table.ends_with("[2024-03-20 10:25:54] a\n[2024-03-20 10:25:55] b\\u{1b}[0m\n"),
            "{table}"
        );
    }

    #[test]
    fn the_seed_failure_reads_as_lines() {
        let mut task = MemberSyncTask::default();
        task.sync_msg = Some(
            r#"[2024-03-20 10:25:54] ===> Submit job to datamanager failed:[{"jobId":"j1","message":"ERROR: role \"g\" cannot be dropped\n  Detail: policy p1 on table t1\npolicy p2 on table t2","status":"FAILED"}]"#
                .into(),
        );
        let table = task_table(&task, false);
        assert!(
            table.ends_with(
                "sync log:\n[2024-03-20 10:25:54] Submit job to datamanager failed\n  job j1: FAILED\n    ERROR: role \"g\" cannot be dropped\n      policy p1 on table t1\n      policy p2 on table t2\n"
            ),
            "{table}"
        );
    }
}
