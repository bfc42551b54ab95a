//! Reading a task's `sync_msg`: the log of its latest run.
//!
//! The service writes lines that open with a bracketed local time and often
//! a `===>` marker; a line about submitted jobs ends with a JSON array of job
//! results, as in the vendor's example:
//!
//! ```text
//! [2024-03-20 10:25:54] ===> Submit job to datamanager failed:[{"duration":0.0,"jobId":"9324…",
//! "jobType":"","message":"ERROR: role \"iam_group_xxxx\" cannot be dropped…","rowCount":0,
//! "rows":[],"schema":[],"status":"FAILED","totalRowCount":0}]
//! ```
//!
//! [`SyncLog::parse`] splits the text into entries, each with its time, its
//! message and the job results it carries. It never fails: text it does not
//! recognise stays as the message of an entry without a time, and JSON that
//! does not parse (cut short, say) stays in the message.

use jiff::civil::DateTime;
use serde::{Deserialize, Serialize};

/// A parsed run log.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SyncLog {
    /// The entries, in the order written.
    pub entries: Vec<LogEntry>,
}

/// One entry of the log.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LogEntry {
    /// The bracketed time, as written: the service's local time (UTC+8 in
    /// the vendor's examples), without a zone.
    pub time: Option<DateTime>,
    /// The text, without the time and the `===>` marker, and without the
    /// job results when they could be read.
    pub message: String,
    /// The job results that followed the message.
    pub jobs: Vec<JobResult>,
}

/// The result of one job a run submitted, as the service reports it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct JobResult {
    /// Job id.
    pub job_id: Option<String>,
    /// Job type; often empty.
    pub job_type: Option<String>,
    /// `FAILED`, `SUCCESS`, … as sent.
    pub status: Option<String>,
    /// The job's message: for a failed job, the database error with its
    /// `Detail:` lines.
    pub message: Option<String>,
    /// Rows the job touched.
    pub row_count: Option<i64>,
    /// Rows in all.
    pub total_row_count: Option<i64>,
    /// Duration in seconds.
    pub duration: Option<f64>,
}

impl JobResult {
    /// Whether the job reported failure.
    pub fn failed(&self) -> bool {
        self.status
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("FAILED"))
    }

    /// The message's first line (the error) and the rest (its detail),
    /// trimmed; the `Detail:` label is removed from the first detail line.
    pub fn error_and_detail(&self) -> Option<(&str, Vec<&str>)> {
        let message = self.message.as_deref()?.trim();
        if message.is_empty() {
            return None;
        }
        let mut lines = message.lines().map(str::trim).filter(|l| !l.is_empty());
        let first = lines.next()?;
        let detail = lines
            .map(|l| l.strip_prefix("Detail:").map_or(l, str::trim))
            .collect();
        Some((first, detail))
    }
}

impl SyncLog {
    /// Parses a `sync_msg`; never fails.
    pub fn parse(text: &str) -> SyncLog {
        let mut entries = Vec::new();
        let mut rest = text;
        while !rest.trim().is_empty() {
            // An entry runs to the next line that starts with a time.
            let end = next_entry_start(rest).unwrap_or(rest.len());
            let (chunk, tail) = rest.split_at(end);
            entries.push(entry(chunk));
            rest = tail;
        }
        SyncLog { entries }
    }

    /// Every job result in the log, in order.
    pub fn jobs(&self) -> impl Iterator<Item = &JobResult> {
        self.entries.iter().flat_map(|e| e.jobs.iter())
    }

    /// The job results that reported failure.
    pub fn failed_jobs(&self) -> impl Iterator<Item = &JobResult> {
        self.jobs().filter(|j| j.failed())
    }
}

/// `[YYYY-MM-DD HH:MM:SS]` at the start of `text`, parsed.
fn leading_time(text: &str) -> Option<(DateTime, &str)> {
    let inner = text.strip_prefix('[')?;
    let (stamp, after) = inner.split_once(']')?;
    let time = DateTime::strptime("%Y-%m-%d %H:%M:%S", stamp.trim()).ok()?;
    Some((time, after))
}

/// Where the next entry starts: a line, after the first, that opens with a
/// time.
fn next_entry_start(text: &str) -> Option<usize> {
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if i > 0 && leading_time(line).is_some() {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

fn entry(chunk: &str) -> LogEntry {
    let (time, body) = match leading_time(chunk) {
        Some((time, after)) => (Some(time), after),
        None => (None, chunk),
    };
    let body = body.trim();
    let body = body.strip_prefix("===>").map_or(body, str::trim_start);
    let (message, jobs) = split_jobs(body);
    LogEntry {
        time,
        message: message.trim_end().to_owned(),
        jobs,
    }
}

/// Splits `text` into the words before an embedded JSON array of job
/// results and the results, when such an array ends the text and parses.
fn split_jobs(text: &str) -> (&str, Vec<JobResult>) {
    for (start, _) in text.match_indices('[') {
        let candidate = &text[start..];
        if !candidate[1..].trim_start().starts_with('{') {
            continue;
        }
        let mut stream =
            serde_json::Deserializer::from_str(candidate).into_iter::<Vec<JobResult>>();
        if let Some(Ok(jobs)) = stream.next()
            && candidate[stream.byte_offset()..].trim().is_empty()
        {
            let words = text[..start].trim_end();
            return (words.strip_suffix(':').unwrap_or(words), jobs);
        }
    }
    (text, Vec::new())
}
