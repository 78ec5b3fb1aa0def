//! What each breaker keeps for its retries: its budget and its counts. A breaker's book is
//! made the first time one of its calls would retry (once per breaker, never per retry), kept
//! for the life of the process, and found by the breaker's name.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use super::budget::Budget;
use super::stats::RetryStats;
use crate::breaker::Breaker;

/// The retry budget and counts of one breaker.
#[derive(Debug)]
pub(crate) struct Book {
    name: &'static str,
    pub(crate) budget: Budget,
    retries: AtomicU64,
    refused: AtomicU64,
    recovered: AtomicU64,
    exhausted: AtomicU64,
}

/// Every breaker's book, made when first needed.
static BOOKS: Mutex<Vec<&'static Book>> = Mutex::new(Vec::new());

impl Book {
    /// The book of `breaker`, made now if it has none yet.
    pub(crate) fn of(breaker: &'static Breaker) -> &'static Book {
        let mut books = BOOKS.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(book) = books.iter().find(|book| book.name == breaker.name()) {
            return book;
        }
        let book: &'static Book = Box::leak(Box::new(Book {
            name: breaker.name(),
            budget: Budget::new(breaker.config().retry_budget_value()),
            retries: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            recovered: AtomicU64::new(0),
            exhausted: AtomicU64::new(0),
        }));
        books.push(book);
        book
    }

    /// The book of the breaker named `name`, if one of its calls ever would retry.
    pub(crate) fn find(name: &str) -> Option<&'static Book> {
        let books = BOOKS.lock().unwrap_or_else(PoisonError::into_inner);
        books.iter().find(|book| book.name == name).copied()
    }

    /// Counts a retry that runs.
    pub(crate) fn retried(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a retry the budget refused.
    pub(crate) fn refused(&self) {
        self.refused.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a call that succeeded on a retry.
    pub(crate) fn recovered(&self) {
        self.recovered.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a call whose retries did not save it.
    pub(crate) fn exhausted(&self) {
        self.exhausted.fetch_add(1, Ordering::Relaxed);
    }

    /// The counts so far.
    pub(crate) fn stats(&self) -> RetryStats {
        RetryStats {
            retries: self.retries.load(Ordering::Relaxed),
            refused_by_budget: self.refused.load(Ordering::Relaxed),
            recovered: self.recovered.load(Ordering::Relaxed),
            exhausted: self.exhausted.load(Ordering::Relaxed),
        }
    }
}

impl Breaker {
    /// What this breaker's retries did: retries run, refused by the budget, calls that
    /// recovered on a retry and calls whose retries did not save them. All zero for a breaker
    /// none of whose calls ever failed with retries declared.
    pub fn retry_stats(&self) -> RetryStats {
        Book::find(self.name()).map_or_else(RetryStats::default, Book::stats)
    }
}
