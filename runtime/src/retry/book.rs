//! Each breaker's retry budget. A breaker's book is made the first time one of its calls
//! would retry (once per breaker, never per retry), kept for the life of the process, and
//! found by the breaker's name. The retry counts are the breaker's own (its `Stats`'s
//! `retry`), so that a reset clears them with the rest.

use std::sync::{Mutex, PoisonError};

use super::budget::Budget;
use crate::breaker::Breaker;
use crate::observe::{RetryCounts, RetryStats};

/// The retry budget of one breaker.
#[derive(Debug)]
pub(crate) struct Book {
    pub(crate) breaker: &'static Breaker,
    pub(crate) budget: Budget,
}

/// Every breaker's book, made when first needed.
static BOOKS: Mutex<Vec<&'static Book>> = Mutex::new(Vec::new());

impl Book {
    /// The book of `breaker`, made now if it has none yet.
    pub(crate) fn of(breaker: &'static Breaker) -> &'static Book {
        let mut books = BOOKS.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(book) = books
            .iter()
            .find(|book| book.breaker.name() == breaker.name())
        {
            return book;
        }
        let book: &'static Book = Box::leak(Box::new(Book {
            breaker,
            budget: Budget::new(breaker.config().retry_budget_value()),
        }));
        books.push(book);
        book
    }

    /// The counters of the book's breaker.
    pub(crate) fn counts(&self) -> &'static RetryCounts {
        self.breaker.retry_counts()
    }
}

impl Breaker {
    /// What this breaker's retries did: retries run and refused, calls that recovered on a
    /// retry and calls whose retries did not save them. The same as `stats().retry`; all zero
    /// for a breaker none of whose calls ever failed with retries declared.
    pub fn retry_stats(&self) -> RetryStats {
        self.retry_counts().read()
    }
}
