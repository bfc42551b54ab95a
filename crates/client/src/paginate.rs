//! Every task of a listing, page by page, as a stream.
//!
//! Pages are fetched lazily by `offset` (which counts tasks, from 0) and
//! `limit`; at most one page is held in memory. The stream ends when the
//! offset reaches the service's `total`; without a `total`, when a page
//! comes back shorter than asked for. (A short page alone does not end it:
//! a service may cap its pages below the size asked for.)
//!
//! Tasks added or removed while paging shift later tasks between pages.
//! The stream never hands out a task twice when a shift is smaller than a
//! page (it remembers the previous page's ids); a task that moves to an
//! earlier page because others were removed may be missed. A service that
//! ignores `offset` (the same page again) or answers an empty page while
//! its `total` says there are more ends the stream with
//! [`Error::Paging`] instead of looping or stopping silently.

use std::collections::{HashSet, VecDeque};

use futures::Stream;

use crate::client::Client;
use crate::error::Error;
use crate::model::{ListTasks, MemberSyncTask, TaskPage};

/// Page size when the query sets none.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

struct Pager<'a> {
    client: &'a Client,
    query: ListTasks,
    page_size: u32,
    /// Offset of the next page to fetch.
    offset: u64,
    /// Tasks of the current page not yet handed out.
    buffer: VecDeque<MemberSyncTask>,
    /// Ids of the previous page, to skip a task that shifted onto this one.
    previous_ids: HashSet<String>,
    /// The service's latest `total`.
    total: Option<u64>,
    done: bool,
}

impl<'a> Pager<'a> {
    fn new(client: &'a Client, query: ListTasks) -> Self {
        Pager {
            client,
            page_size: query.limit.unwrap_or(DEFAULT_PAGE_SIZE),
            offset: u64::from(query.offset.unwrap_or(0)),
            query,
            buffer: VecDeque::new(),
            previous_ids: HashSet::new(),
            total: None,
            done: false,
        }
    }

    async fn next(&mut self) -> Option<Result<MemberSyncTask, Error>> {
        loop {
            if let Some(task) = self.buffer.pop_front() {
                return Some(Ok(task));
            }
            if self.done {
                return None;
            }
            if let Err(error) = self.fetch().await {
                self.done = true;
                return Some(Err(error));
            }
        }
    }

    async fn fetch(&mut self) -> Result<(), Error> {
        let offset = u32::try_from(self.offset).map_err(|_| Error::Paging {
            offset: self.offset,
            reason: "the offset passed what the API can address".to_owned(),
        })?;
        let mut query = self.query.clone();
        query.limit = Some(self.page_size);
        query.offset = Some(offset);
        let page = self.client.list_tasks(&query).await?;

        let got = page.tasks.len() as u64;
        let ids: HashSet<String> = page.tasks.iter().filter_map(|t| t.id.clone()).collect();
        if got > 0 && !ids.is_empty() && ids == self.previous_ids {
            return Err(Error::Paging {
                offset: self.offset,
                reason: "the service returned the same page again: it seems to ignore offset"
                    .to_owned(),
            });
        }
        if got == 0 && page.total.is_some_and(|total| total > self.offset) {
            return Err(Error::Paging {
                offset: self.offset,
                reason: format!(
                    "the service returned an empty page while its total says {} tasks",
                    page.total.unwrap_or_default()
                ),
            });
        }

        self.offset += got;
        self.total = page.total.or(self.total);
        // With a total, page until it is reached: a service may cap pages
        // below the size asked for, so a short page proves nothing. Without
        // one, a short page is the last.
        self.done = match page.total {
            Some(total) => self.offset >= total,
            None => got < u64::from(self.page_size),
        };
        let previous = std::mem::replace(&mut self.previous_ids, ids);
        self.buffer.extend(
            page.tasks
                .into_iter()
                .filter(|task| task.id.as_ref().is_none_or(|id| !previous.contains(id))),
        );
        Ok(())
    }
}

impl Client {
    /// Every task matching `query`, as a stream that fetches pages of
    /// `query.limit` tasks (default [`DEFAULT_PAGE_SIZE`]) as it is read,
    /// starting at `query.offset`. Dropping the stream stops the fetching.
    ///
    /// ```no_run
    /// # async fn run(client: dataarts_security::Client) -> Result<(), dataarts_security::Error> {
    /// use dataarts_security::{ListTasks, SyncStatus};
    /// use futures::TryStreamExt;
    ///
    /// let failed = client.list_all(ListTasks::new().sync_status(SyncStatus::SyncFail));
    /// futures::pin_mut!(failed);
    /// while let Some(task) = failed.try_next().await? {
    ///     println!("{:?}", task.cluster_name);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// Each item is a `Result`: a page that fails ends the stream with its
    /// error, as does a service that pages inconsistently
    /// ([`Error::Paging`]).
    pub fn list_all(
        &self,
        query: ListTasks,
    ) -> impl Stream<Item = Result<MemberSyncTask, Error>> + '_ {
        let pager = Pager::new(self, query);
        futures::stream::unfold(pager, |mut pager| async move {
            pager.next().await.map(|item| (item, pager))
        })
    }

    /// Every task matching `query` from `query.offset` on, collected, with
    /// the service's `total` of matching tasks as its last page gave it.
    ///
    /// # Errors
    ///
    /// The first error of [`Client::list_all`].
    pub async fn collect_all(&self, query: ListTasks) -> Result<TaskPage, Error> {
        let mut pager = Pager::new(self, query);
        let mut tasks = Vec::new();
        while let Some(task) = pager.next().await {
            tasks.push(task?);
        }
        Ok(TaskPage {
            total: pager.total,
            tasks,
        })
    }
}
