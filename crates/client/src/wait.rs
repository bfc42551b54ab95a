//! Waiting for a task's synchronization to finish.
//!
//! [`Client::watch`] polls a task and yields it whenever its `sync_status`
//! changes, until the status is terminal (`SYNC_SUCCESS` or `SYNC_FAIL`) or
//! the caller's predicate holds; [`Client::wait_for_sync`] returns the last
//! one. Polls back off from [`WaitOptions::poll_interval`] to
//! [`WaitOptions::max_interval`] while nothing changes. A status the client
//! cannot wait on, `UNKNOWN` or one it does not recognise, ends the wait
//! with [`Error::UnwaitableStatus`] rather than polling until the deadline.
//! Dropping the stream or the future cancels the wait.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use futures::Stream;

use crate::client::Client;
use crate::error::{Error, TimeoutScope};
use crate::model::{MemberSyncTask, SyncStatus};

type Predicate = Arc<dyn Fn(&MemberSyncTask) -> bool + Send + Sync>;

/// How to wait.
#[derive(Clone)]
pub struct WaitOptions {
    poll_interval: Duration,
    max_interval: Duration,
    timeout: Duration,
    until: Option<Predicate>,
}

impl fmt::Debug for WaitOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitOptions")
            .field("poll_interval", &self.poll_interval)
            .field("max_interval", &self.max_interval)
            .field("timeout", &self.timeout)
            .field("until", &self.until.as_ref().map(|_| "predicate"))
            .finish()
    }
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            poll_interval: Duration::from_secs(2),
            max_interval: Duration::from_secs(30),
            timeout: Duration::from_secs(30 * 60),
            until: None,
        }
    }
}

impl WaitOptions {
    /// Defaults: first poll interval 2 s, growing to 30 s while nothing
    /// changes; give up after 30 minutes; stop at a terminal status.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the first interval between polls. Default: 2 s.
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self.max_interval = self.max_interval.max(interval);
        self
    }

    /// Sets the longest interval between polls. Default: 30 s.
    pub fn max_interval(mut self, interval: Duration) -> Self {
        self.max_interval = interval.max(self.poll_interval);
        self
    }

    /// Sets how long to wait in all. Default: 30 minutes.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Stops when `predicate` holds instead of at a terminal status; it
    /// sees every polled task, before the status is checked.
    pub fn until(
        mut self,
        predicate: impl Fn(&MemberSyncTask) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.until = Some(Arc::new(predicate));
        self
    }
}

/// What a poll says about the wait.
enum Verdict {
    Done,
    Continue,
    Unwaitable(String),
}

fn verdict(task: &MemberSyncTask, until: Option<&Predicate>) -> Verdict {
    if until.is_some_and(|predicate| predicate(task)) {
        return Verdict::Done;
    }
    match &task.sync_status {
        Some(status) if status.is_terminal() && until.is_none() => Verdict::Done,
        Some(status @ (SyncStatus::Unknown | SyncStatus::Unrecognized(_))) => {
            Verdict::Unwaitable(status.to_string())
        }
        _ => Verdict::Continue,
    }
}

struct Watcher<'a> {
    client: &'a Client,
    task_id: String,
    options: WaitOptions,
    deadline: tokio::time::Instant,
    interval: Duration,
    last: Option<Option<SyncStatus>>,
    done: bool,
}

impl Watcher<'_> {
    fn timed_out(&mut self) -> Option<Result<MemberSyncTask, Error>> {
        self.done = true;
        Some(Err(Error::Timeout {
            scope: TimeoutScope::Wait,
            limit: self.options.timeout,
        }))
    }

    async fn next(&mut self) -> Option<Result<MemberSyncTask, Error>> {
        while !self.done {
            if self.last.is_some() {
                // Sleep no further than the deadline; at the deadline, stop.
                let wake = (tokio::time::Instant::now() + self.interval).min(self.deadline);
                tokio::time::sleep_until(wake).await;
                if wake >= self.deadline {
                    return self.timed_out();
                }
            }
            // A poll may not outlast the deadline either.
            let polled =
                tokio::time::timeout_at(self.deadline, self.client.show_task(&self.task_id)).await;
            let task = match polled {
                Err(_) => return self.timed_out(),
                Ok(Ok(task)) => task,
                // A poll that failed in a way a retry may fix (after the
                // client's own retries) does not end a long wait.
                Ok(Err(error)) if error.is_retryable() => {
                    tracing::debug!(error = %error, "poll failed; polling on");
                    self.last.get_or_insert(None);
                    continue;
                }
                Ok(Err(error)) => {
                    self.done = true;
                    return Some(Err(error));
                }
            };
            let changed = self.last.as_ref() != Some(&task.sync_status);
            self.last = Some(task.sync_status.clone());
            self.interval = if changed {
                self.options.poll_interval
            } else {
                self.interval.mul_f64(1.5).min(self.options.max_interval)
            };
            match verdict(&task, self.options.until.as_ref()) {
                Verdict::Done => {
                    self.done = true;
                    return Some(Ok(task));
                }
                Verdict::Unwaitable(status) => {
                    self.done = true;
                    return Some(Err(Error::UnwaitableStatus { status }));
                }
                Verdict::Continue if changed => return Some(Ok(task)),
                Verdict::Continue => {}
            }
        }
        None
    }
}

impl Client {
    /// Polls a task and yields it at the first poll and whenever its
    /// `sync_status` changes, ending after a terminal status (or the
    /// predicate of [`WaitOptions::until`]).
    ///
    /// # Errors
    ///
    /// Each item is a `Result`; the stream ends after an error: the poll's
    /// own, [`Error::UnwaitableStatus`], or [`Error::Timeout`] with
    /// [`TimeoutScope::Wait`].
    pub fn watch(
        &self,
        task_id: &str,
        options: WaitOptions,
    ) -> impl Stream<Item = Result<MemberSyncTask, Error>> + '_ {
        let watcher = Watcher {
            client: self,
            task_id: task_id.to_owned(),
            deadline: tokio::time::Instant::now() + options.timeout,
            interval: options.poll_interval,
            options,
            last: None,
            done: false,
        };
        futures::stream::unfold(watcher, |mut watcher| async move {
            watcher.next().await.map(|item| (item, watcher))
        })
    }

    /// Waits until the task's synchronization has finished and returns the
    /// task as it then is; check its `sync_status` for the outcome.
    ///
    /// ```no_run
    /// # async fn run(client: dataarts_security::Client) -> Result<(), dataarts_security::Error> {
    /// use dataarts_security::{SyncStatus, WaitOptions};
    ///
    /// let task = client.wait_for_sync("088c2b59114405ab4fbc0df5bd05202b", WaitOptions::new()).await?;
    /// if task.sync_status == Some(SyncStatus::SyncFail) {
    ///     for job in task.sync_log().failed_jobs() {
    ///         eprintln!("{:?}", job.error_and_detail());
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// As for [`Client::watch`].
    pub async fn wait_for_sync(
        &self,
        task_id: &str,
        options: WaitOptions,
    ) -> Result<MemberSyncTask, Error> {
        use futures::TryStreamExt;
        let mut last = None;
        let stream = self.watch(task_id, options);
        futures::pin_mut!(stream);
        while let Some(task) = stream.try_next().await? {
            last = Some(task);
        }
        last.ok_or_else(|| Error::Config("the wait ended without a poll".to_owned()))
    }
}
