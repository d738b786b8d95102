//! Search as you type, over folded text (no accents, no case), so "nguyen"
//! finds "Nguyễn" and "dang" finds "Đặng". Matching runs on a worker
//! thread; the UI thread only collects finished results and keeps showing
//! the previous ones until new ones are ready.
//!
//! Every word typed must occur in a customer's text (name, company,
//! emails, phones, tags, and the pinyin of a Chinese name). Names whose
//! words are the words typed come first: next to each other and in the
//! order typed, then in order but apart, then in another order ("tran
//! thi" lists every "Trần Thị …" before "Phạm Thị Trần"); then names
//! whose words start with the words typed, in the same three orders
//! ("Trần Công Thịnh" before "Phạm Thị Trang"); then the rest, matches
//! at the start of a word and in the name first. Ties are listed by name.
//! When nothing contains the words, a fuzzy match (letters in order, with
//! gaps) is tried, so a typo still finds someone. Substring tests first
//! because, over 100,000 customers, fuzzy matching of a two-letter query
//! finds nearly everyone and costs ten times as much.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use memchr::memmem::Finder;
use nucleo::pattern::{CaseMatching, Normalization, Pattern};
use nucleo::{Config, Matcher, Utf32Str};

use super::roster::Roster;
use crate::domain::CustomerId;
use crate::domain::text::{self, fold};

/// One customer as search sees it.
#[derive(Debug, Clone)]
pub struct Haystack {
    pub id: CustomerId,
    pub text: Arc<str>,
    /// The folded name's length: matches before it are in the name.
    pub name_len: usize,
    /// Place in name order: ties are listed by name.
    pub name_rank: u32,
}

struct Job {
    generation: u64,
    query: String,
    haystacks: Arc<Vec<Haystack>>,
}

pub struct Search {
    query: String,
    haystacks: Arc<Vec<Haystack>>,
    /// The newest query asked for; the worker drops older ones.
    generation: Arc<AtomicU64>,
    jobs: Sender<Job>,
    done: Receiver<(u64, Vec<CustomerId>)>,
    results: Vec<CustomerId>,
    /// The query generation `results` answer.
    answered: u64,
}

impl Search {
    pub fn new() -> Search {
        let (jobs, inbox) = mpsc::channel::<Job>();
        let (outbox, done) = mpsc::channel();
        let generation = Arc::new(AtomicU64::new(0));
        let newest = generation.clone();
        // Ends when the `Search` (and so `jobs`) is dropped.
        let _ = std::thread::Builder::new()
            .name("search".into())
            .spawn(move || work(&inbox, &outbox, &newest));
        Search {
            query: String::new(),
            haystacks: Arc::new(Vec::new()),
            generation,
            jobs,
            done,
            results: Vec::new(),
            answered: 0,
        }
    }

    /// Takes the customers as they are now (after rows were added,
    /// removed or renamed; call `Roster::rank` first).
    pub fn rebuild(&mut self, roster: &Roster) {
        let haystacks = roster
            .rows()
            .iter()
            .map(|row| Haystack {
                id: row.id,
                text: row.search.clone(),
                name_len: row.search_name_len,
                name_rank: roster.name_rank(row.id),
            })
            .collect();
        self.haystacks = Arc::new(haystacks);
        if self.is_active() {
            self.submit();
        }
    }

    pub fn is_active(&self) -> bool {
        !self.query.is_empty()
    }

    /// Sets what to look for.
    pub fn set_query(&mut self, typed: &str) {
        let folded = fold(typed);
        if folded == self.query {
            return;
        }
        self.query = folded;
        if self.is_active() {
            self.submit();
        } else {
            self.generation.fetch_add(1, Ordering::SeqCst);
            self.results.clear();
            self.answered = self.generation.load(Ordering::SeqCst);
        }
    }

    fn submit(&mut self) {
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let job = Job {
            generation,
            query: self.query.clone(),
            haystacks: self.haystacks.clone(),
        };
        if self.jobs.send(job).is_err() {
            // No worker (it could not start): match here instead.
            self.results = find(&self.haystacks, &self.query, &|| false);
            self.answered = generation;
        }
    }

    /// Collects what the worker finished; true when results changed.
    /// Waits at most `wait_ms` for them.
    pub fn tick(&mut self, wait_ms: u64) -> bool {
        let mut changed = false;
        let mut wait = Duration::from_millis(wait_ms);
        loop {
            let received = if wait.is_zero() {
                self.done.try_recv().map_err(|_| RecvTimeoutError::Timeout)
            } else {
                self.done.recv_timeout(wait)
            };
            let Ok((generation, results)) = received else {
                return changed;
            };
            wait = Duration::ZERO;
            if generation == self.generation.load(Ordering::SeqCst) {
                self.results = results;
                self.answered = generation;
                changed = true;
            }
        }
    }

    /// True while the newest query is still being matched.
    pub fn running(&self) -> bool {
        self.is_active() && self.answered != self.generation.load(Ordering::SeqCst)
    }

    /// The current matches, best first.
    pub fn matches(&self) -> &[CustomerId] {
        &self.results
    }
}

impl Default for Search {
    fn default() -> Self {
        Search::new()
    }
}

fn work(inbox: &Receiver<Job>, outbox: &Sender<(u64, Vec<CustomerId>)>, newest: &AtomicU64) {
    while let Ok(mut job) = inbox.recv() {
        // Only the last of the keys typed meanwhile matters.
        while let Ok(later) = inbox.try_recv() {
            job = later;
        }
        let stale = || newest.load(Ordering::Relaxed) != job.generation;
        let results = find(&job.haystacks, &job.query, &stale);
        if !stale() && outbox.send((job.generation, results)).is_err() {
            return;
        }
    }
}

/// Customers whose text holds every word of `query` (folded), best first;
/// failing that, those that match it fuzzily. Gives up early (with
/// whatever it has) once `stale` says a newer query came.
pub fn find(haystacks: &[Haystack], query: &str, stale: &(dyn Fn() -> bool + Sync)) -> Vec<CustomerId> {
    let words: Vec<&str> = query.split_whitespace().collect();
    if words.is_empty() {
        return Vec::new();
    }
    let finders: Vec<Finder> = words.iter().map(|w| Finder::new(w.as_bytes())).collect();
    let typed: Vec<&str> = text::words(query).collect();
    let mut scored = in_parallel(haystacks, stale, |h| {
        let (score, all_in_name) = substring_score(h, &finders)?;
        // A word typed that is not in the name starts none of its words.
        let fit = if all_in_name {
            let mut name = [""; MAX_NAME_WORDS];
            let mut len = 0;
            for (slot, w) in name.iter_mut().zip(text::words(h.text.get(..h.name_len).unwrap_or(""))) {
                *slot = w;
                len += 1;
            }
            name_fit(&name[..len], &typed)
        } else {
            0
        };
        Some(fit << 16 | score.min(0xFFFF))
    });
    if scored.is_empty() && query.chars().count() >= 3 {
        let pattern = Pattern::parse(query, CaseMatching::Respect, Normalization::Never);
        let mut config = Config::DEFAULT;
        config.normalize = false;
        config.ignore_case = false;
        scored = in_parallel_with(
            haystacks,
            stale,
            || (Matcher::new(config.clone()), Vec::new()),
            |(matcher, buf), h| pattern.score(Utf32Str::new(&h.text, buf), matcher),
        );
    }
    scored.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, _, id)| id).collect()
}

/// The words of a name that ranking compares (a name's pinyin included;
/// more are rare and ignored): kept on the stack, as every customer
/// found is ranked on every key typed.
const MAX_NAME_WORDS: usize = 24;

/// How well the words typed meet a name's words, best highest: 4 + order
/// when every word typed is a whole word of the name, 0 + order when each
/// starts one, else 0; the order is 3 when they stand next to each other
/// in the order typed, 2 in that order but apart, 1 in another order.
fn name_fit(name: &[&str], typed: &[&str]) -> u32 {
    if let Some(order) = order_of(name, typed, |n, t| n == t) {
        return 4 + order;
    }
    order_of(name, typed, |n, t| n.starts_with(t)).unwrap_or(0)
}

/// How the words typed stand in the name when each must `fit` one of its
/// words (3 next to each other in order, 2 in order, 1 any order), or
/// `None` when one fits none.
fn order_of(name: &[&str], typed: &[&str], fit: impl Fn(&str, &str) -> bool) -> Option<u32> {
    if typed.is_empty() || !typed.iter().all(|t| name.iter().any(|n| fit(n, t))) {
        return None;
    }
    if name
        .windows(typed.len())
        .any(|run| run.iter().zip(typed).all(|(n, t)| fit(n, t)))
    {
        return Some(3);
    }
    let mut rest = name.iter();
    let in_order = typed.iter().all(|t| rest.any(|n| fit(n, t)));
    Some(if in_order { 2 } else { 1 })
}

/// Per word: 2 at the start of a word, 1 inside one, doubled in the
/// name; and whether every word is in the name.
fn substring_score(h: &Haystack, finders: &[Finder]) -> Option<(u32, bool)> {
    let bytes = h.text.as_bytes();
    let mut score = 0;
    let mut all_in_name = true;
    for f in finders {
        let at = f.find(bytes)?;
        let word_start = at == 0 || !bytes[at - 1].is_ascii_alphanumeric();
        let in_name = at < h.name_len;
        all_in_name &= in_name;
        score += (1 + u32::from(word_start)) * (1 + u32::from(in_name));
    }
    Some((score, all_in_name))
}

type Scored = (u32, u32, CustomerId);

fn in_parallel(
    haystacks: &[Haystack],
    stale: &(dyn Fn() -> bool + Sync),
    score: impl Fn(&Haystack) -> Option<u32> + Sync,
) -> Vec<Scored> {
    in_parallel_with(haystacks, stale, || (), |_, h| score(h))
}

/// Scores every haystack on all cores, each thread with its own `state`.
fn in_parallel_with<S>(
    haystacks: &[Haystack],
    stale: &(dyn Fn() -> bool + Sync),
    state: impl Fn() -> S + Sync,
    score: impl Fn(&mut S, &Haystack) -> Option<u32> + Sync,
) -> Vec<Scored> {
    /// Haystacks between checks for a newer query.
    const STRIDE: usize = 4096;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let part = haystacks.len().div_ceil(threads).max(STRIDE);
    let run = |slice: &[Haystack]| {
        let mut s = state();
        let mut out = Vec::new();
        for block in slice.chunks(STRIDE) {
            if stale() {
                break;
            }
            out.extend(
                block
                    .iter()
                    .filter_map(|h| score(&mut s, h).map(|v| (v, h.name_rank, h.id))),
            );
        }
        out
    };
    if haystacks.len() <= part {
        return run(haystacks);
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = haystacks.chunks(part).map(|c| scope.spawn(move || run(c))).collect();
        let mut all = Vec::new();
        for h in handles {
            // A matcher that panicked finds nothing rather than taking the UI down.
            all.extend(h.join().unwrap_or_default());
        }
        all
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hay(id: u64, name: &str, rest: &str) -> Haystack {
        let name = crate::domain::text::searchable(name);
        Haystack {
            id: CustomerId(id),
            text: format!("{name} {}", fold(rest)).into(),
            name_len: name.len(),
            name_rank: id as u32,
        }
    }

    fn ids(found: Vec<CustomerId>) -> Vec<u64> {
        found.into_iter().map(|c| c.0).collect()
    }

    #[test]
    fn every_word_must_occur_and_names_and_word_starts_rank_first() {
        let all = [
            hay(1, "Kingston Trần", "Công ty Ngọc"),
            hay(2, "Nguyễn Thị Hồng Nhung", "Công ty Minh An"),
            hay(3, "Amelia Adams", "ngoc@example.com"),
        ];
        assert_eq!(ids(find(&all, "nguyen thi", &|| false)), [2]);
        // "ng": 2 at its name's start, 1 at a company word's start, 3 in an email's start, not in the name.
        assert_eq!(ids(find(&all, "ng", &|| false)), [2, 1, 3]);
        assert!(find(&all, "nguyen adams", &|| false).is_empty());
    }

    #[test]
    fn whole_words_in_order_and_together_rank_first() {
        // Name ranks (ties) follow the ids.
        let all = [
            hay(1, "Phạm Thị Trang", ""),
            hay(2, "Trần Công Thịnh", ""),
            hay(3, "Lê Thị Trân", ""),
            hay(4, "Trần Văn Thi", ""),
            hay(5, "Trần Thị Mai", ""),
            hay(6, "Hoàng Minh", "Công ty Trần Thị"),
            hay(7, "Trần Thị Anh", ""),
            hay(8, "Trần Thịnh", ""),
        ];
        // Whole words together in order (5, 7 by name), in order apart
        // (4), in another order (3); then words that start name words:
        // together (8), apart (2), another order (1); then elsewhere (6).
        assert_eq!(ids(find(&all, "tran thi", &|| false)), [5, 7, 4, 3, 8, 2, 1, 6]);
        // Accents, case and đ are folded; punctuation separates words.
        let all = [hay(1, "Đức Anh", ""), hay(2, "Anh-Đức", "")];
        assert_eq!(ids(find(&all, &fold("Anh ĐỨC"), &|| false)), [2, 1]);
    }

    #[test]
    fn name_fit_grades() {
        let name = ["tran", "thi", "trang"];
        assert_eq!(name_fit(&name, &["tran", "thi"]), 7);
        assert_eq!(name_fit(&name, &["tran", "trang"]), 6);
        assert_eq!(name_fit(&name, &["thi", "tran"]), 5);
        assert_eq!(name_fit(&name, &["tra", "th"]), 3);
        assert_eq!(name_fit(&name, &["tran", "tr"]), 2);
        assert_eq!(name_fit(&name, &["thi", "tra"]), 3);
        assert_eq!(name_fit(&name, &["trang", "th"]), 1);
        assert_eq!(name_fit(&name, &["ran"]), 0);
        assert_eq!(name_fit(&name, &[]), 0);
    }

    #[test]
    fn a_typo_still_finds_by_letters_in_order() {
        let all = [hay(1, "Nguyễn Văn An", ""), hay(2, "Lê Thị Bình", "")];
        assert_eq!(ids(find(&all, "ngyen", &|| false)), [1]);
        assert!(find(&all, "zzz", &|| false).is_empty());
    }

    #[test]
    fn chinese_by_character_and_by_pinyin() {
        let all = [hay(1, "张伟", ""), hay(2, "李娜", "")];
        assert_eq!(ids(find(&all, "张", &|| false)), [1]);
        assert_eq!(ids(find(&all, "zhang", &|| false)), [1]);
    }

    /// Rows as the UI makes them: the name and its pinyin first.
    fn rows(names: &[(&str, &str)]) -> Vec<Haystack> {
        let mut roster = Roster::default();
        for (i, (name, company)) in names.iter().enumerate() {
            let mut c = crate::domain::Customer::empty(CustomerId(i as u64 + 1));
            c.name = (*name).into();
            c.company = (*company).into();
            roster.upsert(crate::tui::roster::Row::of_customer(&c, &Default::default(), 0, None));
        }
        roster
            .rows()
            .iter()
            .map(|row| Haystack {
                id: row.id,
                text: row.search.clone(),
                name_len: row.search_name_len,
                name_rank: row.id.0 as u32,
            })
            .collect()
    }

    #[test]
    fn chinese_surnames_by_their_surname_reading() {
        let all = rows(&[
            ("曾国藩", ""),
            ("单田芳", ""),
            ("解缙", ""),
            ("区志明", ""),
            ("Zeng Li", "Công ty Ceng"),
        ]);
        assert_eq!(ids(find(&all, "zeng", &|| false)), [1, 5]);
        assert_eq!(ids(find(&all, "zeng guofan", &|| false)), [1]);
        assert_eq!(ids(find(&all, "shan tian fang", &|| false)), [2]);
        assert_eq!(ids(find(&all, "xie jin", &|| false)), [3]);
        assert_eq!(ids(find(&all, "ou zhiming", &|| false)), [4]);
        // Not by their usual readings (céng, dān, jiě, qū).
        assert_eq!(ids(find(&all, "ceng", &|| false)), [5]);
        for (i, usual) in [(1, "dan"), (2, "jie"), (3, "qu")] {
            assert!(!all[i].text.contains(usual), "{:?}", all[i].text);
        }
    }

    #[test]
    fn a_pinyin_name_word_ranks_as_a_name_word() {
        // "wei" is a whole word of 张伟's pinyin: before a name that only
        // starts with it and a company that holds it.
        let all = rows(&[("Weiss Anna", ""), ("Lê An", "Wei Co"), ("张伟", "")]);
        assert_eq!(ids(find(&all, "wei", &|| false)), [3, 1, 2]);
    }

    #[test]
    fn a_stale_query_stops_early() {
        let all: Vec<Haystack> = (0..10_000).map(|i| hay(i, "An", "")).collect();
        assert!(find(&all, "an", &|| true).is_empty());
        assert_eq!(find(&all, "an", &|| false).len(), 10_000);
    }

    #[test]
    fn results_arrive_through_tick() {
        let mut s = Search::new();
        let mut roster = Roster::default();
        for (i, name) in ["Đặng Văn Lâm", "Trần Hưng"].iter().enumerate() {
            let mut c = crate::domain::Customer::empty(CustomerId(i as u64 + 1));
            c.name = (*name).into();
            roster.upsert(crate::tui::roster::Row::of_customer(&c, &Default::default(), 0, None));
        }
        roster.rank();
        s.rebuild(&roster);
        s.set_query("dang");
        while s.running() {
            s.tick(5);
        }
        assert_eq!(ids(s.matches().to_vec()), [1]);
        s.set_query("");
        assert!(!s.running() && s.matches().is_empty());
    }
}
