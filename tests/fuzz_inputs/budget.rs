//! What one fuzz case may cost: the memory it allocates on its own thread
//! (counted by this test binary's global allocator) and the time it takes.
//! A reader that believes a length a damaged file claims, or loops on it,
//! fails here instead of on a user's machine.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::{Duration, Instant};

use proptest::test_runner::TestCaseError;

/// Far more than any reader needs for inputs of a few kilobytes (or the
/// 47 KB vCard seed), far less than a believed length would take.
pub const MAX_BYTES: usize = 64 << 20;
/// Generous for a loaded two-core machine in a debug build; a reader stuck
/// in a loop never gets near it.
pub const MAX_TIME: Duration = Duration::from_secs(10);

/// The system allocator, counting what each thread holds.
pub struct Counting;

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

fn grew(n: usize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get().saturating_add(n);
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

fn shrank(n: usize) {
    // Memory freed on another thread than it was taken on makes this
    // count low, never high: the limit is still a limit.
    let _ = LIVE.try_with(|live| live.set(live.get().saturating_sub(n)));
}

// SAFETY: every call goes straight to `System`; the counting touches only
// const-initialised thread locals, which never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            shrank(layout.size());
            grew(new_size);
        }
        p
    }
}

/// Runs `f`, then checks it stayed within [`MAX_BYTES`] and [`MAX_TIME`];
/// `what` names the input in the failure.
pub fn within<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, TestCaseError> {
    let base = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(base));
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    let peak = PEAK.with(Cell::get).saturating_sub(base);
    if peak > MAX_BYTES {
        return Err(TestCaseError::fail(format!(
            "{what}: {} MiB allocated at once",
            peak >> 20
        )));
    }
    if took > MAX_TIME {
        return Err(TestCaseError::fail(format!("{what}: took {took:?}")));
    }
    Ok(out)
}

#[test]
fn counts_what_a_case_allocates() {
    let small = within("small", || vec![0u8; 1 << 20].len()).unwrap();
    assert_eq!(small, 1 << 20);
    let err = within("huge", || vec![1u8; MAX_BYTES + 1].len())
        .unwrap_err()
        .to_string();
    assert!(err.contains("huge"), "{err}");
}
